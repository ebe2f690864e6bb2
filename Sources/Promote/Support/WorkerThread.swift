import CThreadPlacement
import Foundation

/// Runs work on a thread of its own, created with `pthread_create` and started on another processor.
///
/// Foundation's `Thread` and Dispatch's first worker each take 0.2 ms or more to start running, which is
/// time on the critical path of a plan that hands work to another core; a bare POSIX thread starts in
/// about 0.05 ms. It starts on another processor than its creator's (`keos_thread_start_elsewhere`): left to
/// Linux, a thread created early in a process often shares its creator's processor for milliseconds.
enum WorkerThread {
    /// Starts `body` on a new, detached thread (on Dispatch's pool if no thread can be created).
    static func start(_ body: @escaping @Sendable () -> Void) {
        let work = Unmanaged.passRetained(Work(body))
        var thread = pthread_t()
        let created = keos_thread_start_elsewhere(&thread, { context in
            Unmanaged<Work>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        }, work.toOpaque())
        if created == 0 {
            pthread_detach(thread)
        } else {
            work.release()
            DispatchQueue.global().async(execute: body)
        }
    }

    private final class Work {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}
