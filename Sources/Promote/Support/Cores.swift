import CThreadPlacement
import Foundation

/// How many cores this process can use at once: the processors it may run on (its CPU affinity, as
/// `sched_getaffinity` states it), fewer when a cgroup v2 CPU quota caps it, as a container's CPU limit does
/// (`/sys/fs/cgroup/cpu.max`). Foundation's `activeProcessorCount` counts neither.
enum Cores {
    static let available: Int = {
        let quota = try? String(contentsOfFile: "/sys/fs/cgroup/cpu.max", encoding: .utf8)
        return count(processors: onlineProcessors, affinity: Int(keos_allowed_processor_count()), cpuMax: quota)
    }()

    /// The processors online, as the kernel states them (`sysconf`): one system call at every start, where
    /// Foundation's `activeProcessorCount` reads files to work out what `available` counts itself.
    private static var onlineProcessors: Int {
        #if os(Linux)
        return max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return ProcessInfo.processInfo.activeProcessorCount
        #endif
    }

    /// The smallest of `processors`, the `affinity` count and the quota `cpuMax` states ("QUOTA PERIOD" in
    /// microseconds, rounded up to whole cores; "max" for none); at least 1. What cannot be read does not count.
    static func count(processors: Int, affinity: Int?, cpuMax: String?) -> Int {
        var count = processors
        if let affinity, affinity > 0 { count = min(count, affinity) }
        let fields = cpuMax?.split(whereSeparator: \.isWhitespace) ?? []
        if fields.count == 2, let quota = Double(fields[0]), let period = Double(fields[1]), quota > 0, period > 0 {
            count = min(count, Int((quota / period).rounded(.up)))
        }
        return max(1, count)
    }
}
