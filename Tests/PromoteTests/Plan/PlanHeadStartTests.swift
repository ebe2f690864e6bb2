import Foundation
import Testing
import TestSupport
@testable import Promote

/// A plan's first steps, taken while the arguments are parsed: the service uses the parts that match its options,
/// and its report is the same whatever was guessed.
@Suite(.enabled(if: Cores.available > 1, "the steps are taken only with a second core"))
struct PlanHeadStartTests {
    /// A clone whose `main` changed a HelmRelease and whose `production` has a hotfix of its own, so that the
    /// plan merges; `release` is where both started.
    static func fixture() throws -> GitFixture {
        let release = "components/app/controllers/base/release.yaml"
        let fixture = try GitFixture(files: [
            release: .text(helmRelease(version: "1.0.0")),
            "components/app/controllers/staging/kustomization.yaml": "resources:\n  - release.yaml\n",
            "README.md": "hello\n",
        ])
        let base = try fixture.revParse("main", in: fixture.origin)
        try fixture.createBranch("production", at: base, in: fixture.origin)
        try fixture.createBranch("release", at: base, in: fixture.origin)
        try fixture.commit(["README.md": "hotfix\n"], on: "production", message: "hotfix", in: fixture.origin)
        try fixture.commit([release: .text(helmRelease(version: "1.2.0"))], on: "main", message: "bump", in: fixture.origin)
        try fixture.git("fetch", "--quiet", "origin")
        return fixture
    }

    /// Starts the steps for `flags` on another thread, as `main` does.
    static func started(_ flags: StartingFlags) throws -> PlanHeadStart {
        let headStart = try #require(PlanHeadStart(flags))
        WorkerThread.start { headStart.run() }
        return headStart
    }

    /// The options as `CommandRunner` resolves them (the config file, then the flags), with the config from
    /// `headStart` when there is one; without fetching.
    static func options(_ flags: StartingFlags, headStart: PlanHeadStart?) throws -> PromoteOptions {
        var options = PromoteOptions()
        let request = flags.configRequest
        let loaded = try headStart.map { try $0.loadConfig(request) } ?? ConfigLoader.load(request)
        loaded?.config.apply(to: &options)
        flags.apply(to: &options)
        options.fetch = false
        options.skipVerify = true
        return options
    }

    /// The `diff` report for `flags` (the real ones), with the steps started for `guessed` (none when `nil`).
    static func diffReport(_ flags: StartingFlags, guessed: StartingFlags?) throws -> (PromotionReport, Set<PlanHeadStart.Part>) {
        let headStart = try guessed.map(started)
        var context = ServiceContext(environment: [:])
        context.headStart = headStart
        let outcome = try PromotionService(options: options(flags, headStart: headStart), context: context).diff()
        #expect(outcome.failure == nil)
        return (outcome.report, headStart?.used ?? [])
    }

    /// The `diff` report for `flags` without a head start, and the parts the service used of one started for
    /// `guessed`, whose report must be the same.
    static func reportAndUse(_ flags: StartingFlags, guessed: StartingFlags) throws -> (PromotionReport, Set<PlanHeadStart.Part>) {
        let (plain, _) = try diffReport(flags, guessed: nil)
        let (ahead, used) = try diffReport(flags, guessed: guessed)
        #expect(ahead == plain)
        return (plain, used)
    }

    @Test("a right guess: the config, the clone and the YAML are used, and the report is the same")
    func rightGuess() throws {
        let fixture = try Self.fixture()
        let flags = StartingFlags(path: fixture.clone.path)
        let (plain, used) = try Self.reportAndUse(flags, guessed: flags)
        #expect(plain.action == .merge)
        #expect(plain.diff.components.first?.releases.isEmpty == false)
        #expect(used == [.config, .repository, .diffAhead])
    }

    @Test("the branches the config file names are the ones planned ahead")
    func configBranches() throws {
        let fixture = try Self.fixture()
        try fixture.write(".keos-promote.yaml", "branches:\n  target: release\n")
        let flags = StartingFlags(path: fixture.clone.path)
        let (plain, used) = try Self.reportAndUse(flags, guessed: flags)
        #expect(plain.target.branch == "release")
        #expect(used == [.config, .repository, .diffAhead])
    }

    /// Each wrong guess leaves unused what depends on it; nothing else changes.
    @Test("a wrong guess costs nothing but time", arguments: ["target", "revision", "path", "remote"])
    func wrongGuess(wrong: String) throws {
        let fixture = try Self.fixture()
        let flags = StartingFlags(path: fixture.clone.path)
        var guessed = flags
        let expectedUse: Set<PlanHeadStart.Part>
        switch wrong {
        case "target":
            guessed.target = "release"
            expectedUse = [.config, .repository]
        case "revision":
            guessed.revision = try fixture.revParse("origin/main~1")
            expectedUse = [.config, .repository]
        case "path":
            // Another repository with the same commits: only their YAML, which is the same, is used.
            guessed.path = fixture.origin.path
            expectedUse = [.diffAhead]
        default:
            // No such remote: the clone is the one guessed, but neither the config request nor the branches are.
            guessed.remote = "upstream"
            expectedUse = [.repository]
        }
        let (_, used) = try Self.reportAndUse(flags, guessed: guessed)
        #expect(used == expectedUse)
    }

    @Test("a config file in error gives the loader's own error, and nothing is opened")
    func brokenConfig() throws {
        let fixture = try Self.fixture()
        try fixture.write(".keos-promote.yaml", "branches: [\n")
        let flags = StartingFlags(path: fixture.clone.path)
        let headStart = try Self.started(flags)
        let expected = #expect(throws: PromoteError.self) { try ConfigLoader.load(flags.configRequest) }
        let error = #expect(throws: PromoteError.self) { try headStart.loadConfig(flags.configRequest) }
        #expect(error?.message == expected?.message)
        #expect(error?.kind == .badInput)
        #expect(headStart.takeRepository(openedAt: fixture.clone.path) == nil)
    }

    @Test("the clone is handed over once")
    func handedOverOnce() throws {
        let fixture = try Self.fixture()
        let headStart = try Self.started(StartingFlags(path: fixture.clone.path))
        #expect(headStart.takeRepository(openedAt: fixture.origin.path) == nil)
        #expect(headStart.takeRepository(openedAt: fixture.clone.path) != nil)
        #expect(headStart.takeRepository(openedAt: fixture.clone.path) == nil)
    }
}
