import Foundation
import Testing
import TestSupport
@testable import Promote

/// How the service picks the revision from staging and enforces verification per command.
@Suite struct ServiceVerificationTests {
    static func options(_ sample: SampleRepository, status: URL, revision: String? = nil) -> PromoteOptions {
        var options = PromoteOptions()
        options.repositoryPath = sample.clone.path
        options.stagingStatusFiles = ["staging-1=\(status.path)"]
        options.revision = revision
        return options
    }

    @Test func withoutRevisionTheRevisionStagingRunsIsPromotedNotTheTip() throws {
        let directory = try TemporaryDirectory(prefix: "keos-service")
        let sample = try SampleRepository.make(in: directory.url)
        let older = try Shell.git("rev-list", "--reverse", "production..main", in: sample.clone).split(separator: "\n").first.map(String.init)!
        let status = try sample.writeStatus(revision: older, to: directory.url("older.json"))

        let outcome = try PromotionService(options: Self.options(sample, status: status), context: ServiceContext(environment: [:])).promote()

        #expect(outcome.failure == nil)
        #expect(outcome.report.source.revision?.hex == older)
        #expect(outcome.report.source.tip?.hex == sample.mainTip)
        let landed = try Shell.git("rev-parse", "production", in: sample.origin)
        #expect(try Shell.git("rev-parse", "\(landed)^2", in: sample.origin) == older)
        let message = try Shell.git("log", "-1", "--format=%B", landed, in: sample.origin)
        #expect(message.contains("Promoted-Revision: \(older)"))
        #expect(message.contains("Verified-On: staging-1"))
    }

    @Test func aRevisionNewerThanStagingIsNotPromoted() throws {
        let directory = try TemporaryDirectory(prefix: "keos-service")
        let sample = try SampleRepository.make(in: directory.url)
        let older = try Shell.git("rev-list", "--reverse", "production..main", in: sample.clone).split(separator: "\n").first.map(String.init)!
        let status = try sample.writeStatus(revision: older, to: directory.url("older.json"))
        let productionBefore = try Shell.git("rev-parse", "production", in: sample.origin)

        let outcome = try PromotionService(options: Self.options(sample, status: status, revision: sample.mainTip),
                                           context: ServiceContext(environment: [:])).promote()

        #expect(outcome.failure?.kind == .notVerified)
        #expect(outcome.report.verification.status == .pending)
        #expect(try Shell.git("rev-parse", "production", in: sample.origin) == productionBefore)
    }

    @Test func divergedStagingRevisionsRefuseToPromoteButDiffStillAnswers() throws {
        let directory = try TemporaryDirectory(prefix: "keos-service")
        let sample = try SampleRepository.make(in: directory.url)
        let status = try FluxStatusFixture(repositoryURL: sample.remoteURL)
            .kustomization(name: "apps", path: "components/gosec/configs/staging", appliedRevision: sample.mainTip)
            .kustomization(name: "infra", path: "components/storage/controllers/staging", appliedRevision: sample.productionTip)
            .write(to: directory.url("diverged.json"))

        let promoted = try PromotionService(options: Self.options(sample, status: status), context: ServiceContext(environment: [:])).promote()
        #expect(promoted.failure?.kind == .notVerified)
        #expect(promoted.failure?.message.contains(String(sample.productionTip.prefix(7))) == true)

        let diff = try PromotionService(options: Self.options(sample, status: status), context: ServiceContext(environment: [:])).diff()
        #expect(diff.failure == nil)
        #expect(diff.report.source.revision?.hex == sample.mainTip)
        #expect(diff.report.warnings.contains { $0.contains("showing main's tip instead") })
        #expect(!diff.report.components.isEmpty)
    }

    @Test func promoteWithoutAnyStagingSourceAsksForOne() throws {
        let directory = try TemporaryDirectory(prefix: "keos-service")
        let sample = try SampleRepository.make(in: directory.url)
        var options = PromoteOptions()
        options.repositoryPath = sample.clone.path
        let outcome = try PromotionService(options: options, context: ServiceContext(environment: [:])).promote()
        #expect(outcome.failure?.kind == .badInput)
        #expect(outcome.failure?.message.contains("--staging-status") == true)
        #expect(outcome.failure?.message.contains("--skip-verify") == true)
    }
}
