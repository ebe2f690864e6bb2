import Foundation
import Testing
import TestSupport
@testable import Promote

/// The cores a process can use: processors, affinity and a container's CPU quota, whichever is smallest.
@Suite struct CoresTests {
    @Test(arguments: [
        (8, nil, nil, 8),
        (8, 2, nil, 2),
        (8, 0, nil, 8),                         // an affinity that could not be counted does not count
        (8, nil, "max 100000\n", 8),            // no quota
        (8, nil, "100000 100000\n", 1),
        (8, nil, "150000 100000\n", 2),         // one and a half cores: two threads can run at once
        (8, nil, "50000 100000", 1),            // half a core: still one
        (8, 4, "300000 100000\n", 3),
        (2, 4, "800000 100000\n", 2),
        (8, nil, "garbage\n", 8),
        (8, nil, "0 100000\n", 8),
    ] as [(Int, Int?, String?, Int)])
    func theSmallestLimitCounts(processors: Int, affinity: Int?, cpuMax: String?, expected: Int) {
        #expect(Cores.count(processors: processors, affinity: affinity, cpuMax: cpuMax) == expected)
    }

    @Test(arguments: [
        ("\t0-1", 2), ("0", 1), ("0-3,6,8-9", 7), ("\t0-1\n", 2), ("", nil), ("0-", nil), ("3-1", nil), ("a", nil),
    ] as [(String, Int?)])
    func affinityListsAreCounted(list: String, expected: Int?) {
        #expect(Cores.cpus(inList: Substring(list)) == expected)
    }

    /// This process's own affinity line, read as `Cores` reads it, counts what `nproc` (sched_getaffinity) counts.
    @Test func thisProcessesAffinityIsWhatNprocCounts() throws {
        #if os(Linux)
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") })
        let nproc = try Shell.run("nproc", ["--all"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let allowed = try Shell.run("nproc", []).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Cores.cpus(inList: line.dropFirst("Cpus_allowed_list:".count)) == Int(allowed))
        #expect(Cores.available <= (Int(nproc) ?? 0))
        #endif
    }
}
