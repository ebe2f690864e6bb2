import Foundation
import Testing
import TestSupport
import CThreadPlacement
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

    /// The affinity `Cores` counts is what `nproc` (sched_getaffinity too) counts, and the cores it settles on are
    /// never more than the process may run on.
    @Test func affinityIsWhatNprocCounts() throws {
        #if os(Linux)
        let all = try Shell.run("nproc", ["--all"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let allowed = try Shell.run("nproc", []).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Int(keos_allowed_processor_count()) == Int(allowed))
        #expect(Cores.available <= (Int(all) ?? 0))
        #expect(Cores.available <= (Int(allowed) ?? 0))
        #expect(Cores.available >= 1)
        #endif
    }
}
