import Foundation

extension NSCondition {
    /// Waits until `value()`, read under the lock, is not `nil`, and returns it. Polls first, yielding the CPU,
    /// for up to 20 ms before it sleeps: a thread that sleeps in a wait here can take milliseconds to get its
    /// virtual CPU back once woken, which is more than the waits this is for usually last.
    func awaitValue<Value>(_ value: () -> Value?) -> Value {
        let pollUntil = DispatchTime.now().uptimeNanoseconds + 20_000_000
        while DispatchTime.now().uptimeNanoseconds < pollUntil {
            if let ready = withLock(value) { return ready }
            sched_yield()
        }
        return withLock {
            while true {
                if let ready = value() { return ready }
                wait()
            }
        }
    }
}
