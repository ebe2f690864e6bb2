import Foundation
import Testing
@testable import Promote

/// The pull-request body within a provider's limit.
@Suite struct ProposalBodyTests {
    /// A proposal of `components` components with `files` files each.
    static func report(components: Int, files: Int, conflicts: Int = 0) -> PromotionReport {
        var report = ReportFixtures.dryRunMerge
        report.action = .propose
        report.dryRun = false
        report.components = (1...components).map { number in
            let name = "component-\(number)"
            return ComponentChange(name: name, change: .modified, affectsProduction: true, files: (1...files).map { index in
                FileChange(path: "components/\(name)/controllers/base/file-with-a-long-name-\(index).yaml", change: .modified,
                           environment: .base, additions: 2, deletions: 1, binary: false,
                           conflict: index <= conflicts ? true : nil)
            }, releases: [])
        }
        report.conflicts = report.components.flatMap { $0.files.filter { $0.conflict == true }.map(\.path) }
        return report
    }

    @Test func aSmallPlanIsTheWholePlanWithoutResultLine() {
        let report = Self.report(components: 2, files: 3)
        let body = ProposalBody.make(report, limit: 65_536)
        #expect(!body.shortened)
        #expect(body.text == ProposalBody.full(report))
        #expect(body.text.contains("file-with-a-long-name-3.yaml"))
        #expect(!body.text.contains("**Result:**"))
    }

    @Test("Shortened, never the component list", arguments: [65_536, 20_000, 6_000])
    func shortenedWithinTheLimit(limit: Int) {
        let report = Self.report(components: 40, files: 50, conflicts: 2)
        let body = ProposalBody.make(report, limit: limit)
        #expect(body.shortened)
        #expect(body.text.utf16.count <= limit, "\(body.text.utf16.count)")
        #expect(body.text.contains("shortened"))
        for component in report.components {
            #expect(body.text.contains("`\(component.name)`"), "\(component.name)")
        }
        #expect(body.text.contains("### Conflicts"))
    }

    @Test func filesBeyondTheCapAreCounted() {
        let report = Self.report(components: 20, files: 50)
        let (body, shortened) = ProposalBody.make(report, limit: 65_536)
        #expect(shortened)
        #expect(body.contains("file-with-a-long-name-20.yaml") && !body.contains("file-with-a-long-name-21.yaml"), "20 files each")
        #expect(body.contains("… and 30 more files"))
    }

    @Test func titleIsTheMergeCommitsSubject() {
        let report = Self.report(components: 1, files: 1)
        #expect(ProposalBody.title(report, shortRevision: "1a2b3c4") == "Promote main@1a2b3c4 to production")
    }
}
