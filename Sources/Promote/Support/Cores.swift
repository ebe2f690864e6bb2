import Foundation

/// How many cores this process can use at once: the processors it may run on (its CPU affinity,
/// `Cpus_allowed_list` in `/proc/self/status`), fewer when a cgroup v2 CPU quota caps it, as a container's CPU
/// limit does (`/sys/fs/cgroup/cpu.max`). Foundation's `activeProcessorCount` counts neither.
enum Cores {
    static let available: Int = {
        let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let field = "Cpus_allowed_list:"
        let line = status?.split(separator: "\n").first { $0.hasPrefix(field) }
        let allowed = line.flatMap { cpus(inList: $0.dropFirst(field.count)) }
        let quota = try? String(contentsOfFile: "/sys/fs/cgroup/cpu.max", encoding: .utf8)
        return count(processors: ProcessInfo.processInfo.activeProcessorCount, affinity: allowed, cpuMax: quota)
    }()

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

    /// How many CPUs a list such as "0-3,6,8-9" names; nil when it is not such a list.
    static func cpus(inList list: Substring) -> Int? {
        var total = 0
        for item in list.split(separator: ",") {
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
                .map { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            switch bounds.count {
            case 1: guard bounds[0] != nil else { return nil }; total += 1
            case 2:
                guard let low = bounds[0], let high = bounds[1], low <= high else { return nil }
                total += high - low + 1
            default: return nil
            }
        }
        return total > 0 ? total : nil
    }
}
