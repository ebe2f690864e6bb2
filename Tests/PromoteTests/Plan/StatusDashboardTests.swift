import Foundation
import Testing
import TestSupport
@testable import Promote

/// `status` as a release manager's dashboard, on the sample repository, with the clock injected.
@Suite struct StatusDashboardTests {
    let folder: TemporaryDirectory
    let sample: SampleRepository

    init() throws {
        folder = try TemporaryDirectory(prefix: "keos-promote-dashboard")
        sample = try SampleRepository.copy(in: folder.url)
    }

    private func status(_ change: (inout PromoteOptions) -> Void = { _ in }, now: Date) throws -> PromotionReport {
        var options = PromoteOptions()
        options.repositoryPath = sample.clone.path
        options.stagingStatusFiles = [sample.stagingStatus.path]
        change(&options)
        let outcome = try PromotionService(options: options, context: ServiceContext(environment: [:], now: { now })).status()
        #expect(outcome.failure == nil, "\(String(describing: outcome.failure))")
        return outcome.report
    }

    /// Production's status: the staging status with production's branch and tip.
    private func productionStatus() throws -> URL {
        let text = try String(contentsOf: sample.stagingStatus, encoding: .utf8)
            .replacingOccurrences(of: "\"branch\": \"main\"", with: "\"branch\": \"production\"")
            .replacingOccurrences(of: "main@sha1:\(sample.mainTip)", with: "production@sha1:\(sample.productionTip)")
        let url = folder.url("production-1.json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    private func committerTime(_ revision: String) throws -> Int64 {
        try #require(Int64(try Shell.git("show", "-s", "--format=%ct", revision, in: sample.origin)))
    }

    @Test("tips, what staging runs, what waits and the oldest waiting commit's age at the injected time")
    func dashboard() throws {
        let oldest = try Shell.git("rev-list", "--reverse", "production..main", in: sample.origin).split(separator: "\n")[0]
        let oldestTime = try committerTime(String(oldest))
        let now = Date(timeIntervalSince1970: TimeInterval(oldestTime + 3 * 86400 + 4 * 3600 + 59))
        let report = try status(now: now)
        #expect(report.environments == [
            EnvironmentStatus(name: "staging", branch: "main", tip: ObjectID(hex: sample.mainTip),
                              clusters: [.init(name: "staging-1", revision: sample.mainTip)]),
            EnvironmentStatus(name: "production", branch: "production", tip: ObjectID(hex: sample.productionTip), clusters: []),
        ])
        #expect(report.waiting == WaitingSummary(commits: 5, included: 5, components: ["gosec", "observability", "storage"],
                                                 oldestCommit: ObjectID(hex: String(oldest)), oldestCommitTime: oldestTime,
                                                 oldestAgeSeconds: 3 * 86400 + 4 * 3600 + 59))
        let text = TextReportRenderer().render(report)
        #expect(text.contains("""
              ENVIRONMENT  BRANCH      TIP      RUNNING
              staging      main        \(sample.mainTip.prefix(7))  staging-1 \(sample.mainTip.prefix(7))
              production   production  \(sample.productionTip.prefix(7))  not observed
            5 commits waiting, the oldest (\(oldest.prefix(7))) for 3d4h; 3 components: gosec, observability, storage
            """))
        let markdown = MarkdownReportRenderer().render(report)
        #expect(markdown.contains("| production | `production` | `\(sample.productionTip.prefix(7))` | not observed |"))
        #expect(markdown.contains("**Waiting:** 5 commits waiting, the oldest (`\(oldest.prefix(7))`) for 3d4h; 3 components: `gosec`, `observability`, `storage`."))
    }

    @Test("staging behind the tip: the waiting commits it does not run yet are counted apart")
    func stagingBehind() throws {
        let behind = try Shell.git("rev-parse", "main~2", in: sample.origin)
        try sample.writeStatus(revision: behind, to: folder.url("behind.json"))
        let report = try status({ $0.stagingStatusFiles = [folder.url("behind.json").path] }, now: Date())
        #expect(report.waiting?.commits == 5)
        #expect(report.waiting?.included == 3)
        #expect(report.environments?.first?.clusters == [.init(name: "behind", revision: behind)])
        #expect(ReportWording.waiting(try #require(report.waiting)).text.hasPrefix("5 commits waiting (3 in the revision shown), the oldest"))
    }

    @Test("production status files show what production runs; one of another repository is a warning")
    func productionRuns() throws {
        let production = try productionStatus()
        let report = try status({ $0.productionStatusFiles = [production.path, "other=\(sample.stagingStatus.path)"] }, now: Date())
        #expect(report.environments?.last?.clusters == [.init(name: "production-1", revision: sample.productionTip),
                                                         .init(name: "other", revision: nil)])
        #expect(report.warnings.contains { $0.hasPrefix("production status: other: no GitRepository tracks") })
        #expect(ReportWording.running(try #require(report.environments?.last)).text
                == "production-1 \(sample.productionTip.prefix(7)), other (unknown)")
    }

    @Test("nothing waiting: no oldest commit")
    func nothingWaits() throws {
        var options = PromoteOptions()
        options.repositoryPath = sample.clone.path
        options.skipVerify = true
        #expect(try PromotionService(options: options, context: ServiceContext(environment: [:])).promote().report.result.pushed)
        let report = try status({ $0.stagingStatusFiles = [] }, now: Date())
        #expect(report.waiting == WaitingSummary(commits: 0, included: 0, components: []))
        #expect(ReportWording.waiting(try #require(report.waiting)).text == "nothing waiting")
        #expect(ReportWording.age(0) == "0s")
        #expect(ReportWording.age(3600) == "1h")
        #expect(ReportWording.age(3661) == "1h1m")
        #expect(ReportWording.age(86400 * 2 + 59) == "2d")
    }
}
