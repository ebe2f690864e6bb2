import Foundation
import Testing
@testable import Promote

/// `WorkerThread`: the work runs, on a thread that may run on every processor the process may (it is started
/// on another processor than its creator's, and not kept there).
@Suite struct WorkerThreadTests {
    /// The `Cpus_allowed_list` line of a `/proc` status file.
    static func allowedProcessors(_ statusFile: String) -> String? {
        let status = try? String(contentsOfFile: statusFile, encoding: .utf8)
        return status?.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }.map(String.init)
    }

    @Test func theThreadMayRunOnEveryProcessorTheProcessMay() {
        let process = Self.allowedProcessors("/proc/self/status")
        #expect(process != nil)
        let done = NSCondition()
        nonisolated(unsafe) var seen: String??
        for _ in 0..<20 {
            seen = nil
            WorkerThread.start {
                let thread = Self.allowedProcessors("/proc/thread-self/status")
                done.withLock {
                    seen = .some(thread)
                    done.broadcast()
                }
            }
            let allowed = done.withLock {
                while seen == nil { done.wait() }
                return seen!
            }
            #expect(allowed == process)
        }
    }
}
