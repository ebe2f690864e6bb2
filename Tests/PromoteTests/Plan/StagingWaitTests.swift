import Foundation
import Testing
import TestSupport
@testable import Promote

/// `verify --wait`: the polling schedule, and the service checking again until staging reconciled.
@Suite struct StagingWaitTests {
    // MARK: Schedule

    @Test func delaysGrowToTheMaximumAndStopAtTheDeadline() {
        let start = Date(timeIntervalSince1970: 1_000)
        var wait = StagingWait(timeout: 40, start: start, initialDelay: 1, maximumDelay: 15)
        var now = start
        var delays: [TimeInterval] = []
        while let delay = wait.nextDelay(now: now) {
            delays.append(delay)
            now.addTimeInterval(delay)
        }
        #expect(delays == [1, 1.5, 2.25, 3.375, 5.0625, 7.59375, 11.390625, 7.828125])
        #expect(now == start.addingTimeInterval(40))
        #expect(wait.polls == 8)
    }

    @Test func noTimeMeansNoWait() {
        var wait = StagingWait(timeout: 0, start: Date(timeIntervalSince1970: 0))
        #expect(wait.nextDelay(now: Date(timeIntervalSince1970: 0)) == nil)
    }

    @Test func theProgressLineSaysWhatIsLeftAndWhy() {
        let start = Date(timeIntervalSince1970: 0)
        let wait = StagingWait(timeout: 600, start: start)
        #expect(wait.progressLine(now: start.addingTimeInterval(75), delay: 2.25, reason: "staging has not reconciled abc (pending, 1 problem): …")
            == "waiting for staging (8m45s left, next check in 3s): staging has not reconciled abc (pending, 1 problem): …")
    }

    // MARK: Service

    /// A clone whose `main` is one commit ahead of `production`, and staging snapshots for its tip.
    struct Setup {
        let fixture: GitFixture
        let tip: String
        let url: String

        init() throws {
            fixture = try GitFixture(files: ["components/apps/base/release.yaml": "version: 1\n"])
            let base = try fixture.revParse("main", in: fixture.origin)
            try fixture.createBranch("production", at: base, in: fixture.origin)
            tip = try fixture.commit(["components/apps/base/release.yaml": "version: 2\n"], on: "main", message: "v2", in: fixture.origin)
            try fixture.fetch()
            url = try fixture.git("config", "remote.origin.url")
        }

        func snapshot(applied revision: String) throws -> ClusterSnapshot {
            let json = FluxStatusFixture(repositoryURL: url)
                .kustomization(name: "apps", path: "components/apps/staging", appliedRevision: revision).jsonData()
            return try StagingStatusLoader.snapshot(named: "staging-1", from: json, path: "staging-1")
        }

        var base: String { (try? fixture.revParse("production", in: fixture.origin)) ?? "" }
    }

    /// Hands out the given reads in turn (the last one again when they run out).
    final class ScriptedStaging: StagingSnapshotProvider, @unchecked Sendable {
        private let lock = NSLock()
        private var reads: [Result<StagingSnapshots, PromoteError>]
        private(set) var count = 0

        init(_ reads: [Result<StagingSnapshots, PromoteError>]) {
            self.reads = reads
        }

        func readSnapshots() throws(PromoteError) -> StagingSnapshots {
            lock.lock()
            defer { lock.unlock() }
            count += 1
            let next = reads.count > 1 ? reads.removeFirst() : reads[0]
            return try next.get()
        }
    }

    /// A clock that only moves when the service sleeps, recording each sleep and progress line.
    final class FakeTime: @unchecked Sendable {
        private let lock = NSLock()
        private var current = Date(timeIntervalSince1970: 1_800_000_000)
        private(set) var sleeps: [TimeInterval] = []
        private(set) var lines: [String] = []

        var now: Date {
            lock.lock()
            defer { lock.unlock() }
            return current
        }

        func sleep(_ seconds: TimeInterval) {
            lock.lock()
            sleeps.append(seconds)
            current.addTimeInterval(seconds)
            lock.unlock()
        }

        func progress(_ line: String) {
            lock.lock()
            lines.append(line)
            lock.unlock()
        }
    }

    private func verify(_ setup: Setup, _ staging: ScriptedStaging, wait: TimeInterval?, time: FakeTime) throws -> CommandOutcome {
        var options = PromoteOptions()
        options.repositoryPath = setup.fixture.clone.path
        options.fetch = false
        options.revision = setup.tip
        options.waitTimeout = wait
        var context = ServiceContext(environment: [:], now: { time.now }, stagingProvider: staging)
        context.sleep = { time.sleep($0) }
        context.waitProgress = { time.progress($0) }
        return try PromotionService(options: options, context: context).verify()
    }

    @Test func waitingEndsAsSoonAsStagingReconciled() throws {
        let setup = try Setup()
        let pending = StagingSnapshots(clusters: [try setup.snapshot(applied: setup.base)])
        let done = StagingSnapshots(clusters: [try setup.snapshot(applied: setup.tip)], warnings: ["staging-1: a warning, once"])
        let staging = ScriptedStaging([.success(pending), .success(pending), .success(done)])
        let time = FakeTime()
        let outcome = try verify(setup, staging, wait: 600, time: time)

        #expect(outcome.failure == nil)
        #expect(outcome.report.verification.status == .reconciled)
        #expect(outcome.report.warnings == ["staging-1: a warning, once"])
        #expect(staging.count == 3)
        #expect(time.sleeps == [1, 1.5])
        #expect(time.lines.count == 2)
        #expect(time.lines.first?.hasPrefix("waiting for staging (10m left, next check in 1s): staging has not reconciled \(setup.tip.prefix(12)) (pending, 1 problem): staging-1 flux-system/apps: applied main@sha1:") == true, "\(time.lines)")
    }

    @Test func waitingGivesUpWhenTheTimeIsUp() throws {
        let setup = try Setup()
        let staging = ScriptedStaging([.success(StagingSnapshots(clusters: [try setup.snapshot(applied: setup.base)]))])
        let time = FakeTime()
        let outcome = try verify(setup, staging, wait: 3, time: time)

        #expect(outcome.failure?.kind == .notVerified)
        #expect(outcome.report.verification.status == .pending)
        #expect(time.sleeps == [1, 1.5, 0.5])
        #expect(staging.count == 4)
    }

    @Test func withoutWaitThereIsOneCheck() throws {
        let setup = try Setup()
        let staging = ScriptedStaging([.success(StagingSnapshots(clusters: [try setup.snapshot(applied: setup.base)]))])
        let time = FakeTime()
        let outcome = try verify(setup, staging, wait: nil, time: time)
        #expect(outcome.failure?.kind == .notVerified)
        #expect(staging.count == 1 && time.sleeps.isEmpty && time.lines.isEmpty)
    }

    @Test(arguments: [PromoteError(.badInput, "kubeconfig: malformed"), PromoteError(.runtime, "staging-1: no answer within 30s")])
    func errorsOtherThanNotVerifiedEndTheWait(_ error: PromoteError) throws {
        let setup = try Setup()
        let staging = ScriptedStaging([.failure(error)])
        let time = FakeTime()
        let outcome = try verify(setup, staging, wait: 600, time: time)
        #expect(outcome.failure == error)
        #expect(staging.count == 1 && time.sleeps.isEmpty)
    }
}
