import Foundation
import Testing
import TestSupport

/// Re-running a finished promotion is a no-op.
@Suite("Idempotence") struct IdempotenceTests {
    @Test("promoting twice: the second run reports none, exits 0 and writes nothing")
    func promoteTwice() throws {
        let world = try SampleWorld()
        let first = try world.keos("--yes", "--staging-status", world.stagingStatus.path)
        #expect(first.status == 0, "\(first)")
        let promoted = try world.revParse("refs/heads/production", in: world.origin)
        #expect(promoted != world.productionTip)

        let originBefore = try world.refs(of: world.origin)
        let cloneBefore = try world.refs(of: world.clone)
        let snapshot = try world.snapshot()
        let objectsBefore = try world.git("count-objects", "-v", in: world.origin)

        let second = try world.keos("--yes", "--output", "json", "--staging-status", world.stagingStatus.path)
        #expect(second.status == 0, "\(second)")
        #expect(second.stderr.isEmpty, "\(second)")
        let report = try JSONReport(second)
        #expect(report.action == "none")
        #expect(report.pushed == false)
        #expect(report.components.isEmpty && report.outsidePaths.isEmpty)

        let third = try world.keos("--yes", "--staging-status", world.stagingStatus.path)
        #expect(third.status == 0, "\(third)")
        #expect(third.stdout.contains("nothing to promote"), "\(third)")
        #expect(third.stdout.contains("action none"), "\(third)")

        expectSameRefs(try world.refs(of: world.origin), originBefore, "origin")
        expectSameRefs(try world.refs(of: world.clone), cloneBefore, "clone")
        expectUnchanged(try world.snapshot(), snapshot)
        #expect(try world.git("count-objects", "-v", in: world.origin) == objectsBefore, "no objects pushed")
        #expect(try world.revParse("refs/heads/production", in: world.origin) == promoted)
    }
}
