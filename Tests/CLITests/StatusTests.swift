import Foundation
import Testing
import TestSupport

/// `status`: tips, what staging runs, what is waiting, and the components.
@Suite("status") struct StatusTests {
    @Test("text: tips, staging's revision, the 5 waiting commits and the components")
    func text() throws {
        let world = try SampleWorld()
        let result = try world.keos("status", "--staging-status", world.stagingStatus.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        let out = result.stdout
        #expect(out.contains("main@\(world.mainTip.prefix(7))"), "source tip\n\(out)")
        #expect(out.contains("production@\(world.productionTip.prefix(7))"), "target tip\n\(out)")
        #expect(out.contains("staging-1 (\(world.mainTip.prefix(7)))"), "what staging runs\n\(out)")
        #expect(out.contains("waiting on main: 5 commits"), "\(out)")
        let waiting = try world.git("rev-list", "refs/heads/production..refs/heads/main", in: world.origin).split(separator: "\n")
        #expect(waiting.count == 5)
        for id in waiting {
            #expect(out.contains("  \(id.prefix(7)) "), "waiting commit \(id) listed\n\(out)")
        }
        #expect(out.contains("observability: update metrics-server to 3.12.2 (renovate[bot])"), "\(out)")
        #expect(TextReport(out).componentChanges == ["gosec": "modified", "observability": "modified", "storage": "modified"])
    }

    @Test("JSON: waitingCommits has the 5 commits, newest first")
    func json() throws {
        let world = try SampleWorld()
        let result = try world.keos("status", "--output", "json", "--staging-status", world.stagingStatus.path)
        #expect(result.status == 0, "\(result)")
        try ReportSchema.expectValid(result)
        let report = try JSONReport(result)
        let waiting = try #require(report.waitingCommits, "\(result)")
        #expect(waiting.count == 5)
        let expected = try world.git("rev-list", "refs/heads/production..refs/heads/main", in: world.origin)
            .split(separator: "\n").map(String.init)
        #expect(waiting.compactMap { $0["id"] as? String } == expected)
        #expect(waiting.first?["summary"] as? String == "ci: validate rendered overlays with kubeconform")
        #expect(waiting.last?["author"] as? String == "renovate[bot]")
        #expect(report.sourceRevision == world.mainTip)
        #expect(report.targetRevision == world.productionTip)
        #expect(report.componentNames == SampleRepository.components.filter { ["gosec", "observability", "storage"].contains($0) })
    }

    @Test("after the promotion nothing is waiting")
    func nothingWaiting() throws {
        let world = try SampleWorld()
        #expect(try world.keos("--yes", "--staging-status", world.stagingStatus.path).status == 0)
        let result = try world.keos("status", "--output", "json", "--staging-status", world.stagingStatus.path)
        #expect(result.status == 0, "\(result)")
        #expect(try JSONReport(result).waitingCommits?.count == 0, "\(result)")
    }
}
