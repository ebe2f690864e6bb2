import Foundation
import Testing
import TestSupport
@testable import Promote

/// The target moves on the remote between fetch and push: the promotion re-fetches and re-plans, or gives
/// up with exit 5 — and never loses the other party's commit.
@Suite struct PushRaceTests {
    /// `production` has a commit of its own, `main` is ahead; the clone's origin is served by `git daemon`.
    struct Setup {
        let fixture: GitFixture
        let daemon: GitDaemon
        let clone: URL
        let mainTip: String
    }

    static func setup() throws -> Setup {
        let fixture = try GitFixture(files: [
            "components/web/base/release.yaml": "chart: web\nversion: 1.0.0\n",
            "components/web/production/values.yaml": "replicas: 3\n",
        ])
        let base = try fixture.revParse("main", in: fixture.origin)
        try fixture.createBranch("production", at: base, in: fixture.origin)
        try fixture.commit(["components/web/production/hotfix.yaml": "hotfix: 1\n"], on: "production", message: "hotfix 1", in: fixture.origin)
        let mainTip = try fixture.commit(["components/web/base/release.yaml": "chart: web\nversion: 1.1.0\n"], on: "main",
                                         message: "bump web", in: fixture.origin)
        let daemon = try fixture.serve()
        let clone = try fixture.cloneOrigin(named: "work")
        try fixture.setRemoteURL(daemon.url("origin.git"), in: clone)
        return Setup(fixture: fixture, daemon: daemon, clone: clone, mainTip: mainTip)
    }

    static func options(_ clone: URL, retries: Int = 3) -> PromoteOptions {
        var options = PromoteOptions()
        options.repositoryPath = clone.path
        options.skipVerify = true
        options.retries = retries
        return options
    }

    /// Another party lands a commit on the origin's production (as a person merging a hotfix would).
    static func otherPartyCommits(_ setup: Setup, _ number: Int) throws -> String {
        try setup.fixture.commit(["components/web/production/other-\(number).yaml": .text("other: \(number)\n")], on: "production",
                                 message: "other party \(number)", in: setup.fixture.origin)
    }

    @Test func theTargetMovedOnceAndTheRePlannedMergeLandsOnTopOfIt() throws {
        let setup = try Self.setup()
        defer { setup.daemon.stop() }
        let moved = Mutex<String?>(nil)
        let context = ServiceContext(environment: [:], beforePush: { attempt in
            if attempt == 0 { moved.set(try Self.otherPartyCommits(setup, 1)) }
        })
        let outcome = try PromotionService(options: Self.options(setup.clone), context: context).promote()

        #expect(outcome.failure == nil)
        let landed = try setup.fixture.revParse("production", in: setup.fixture.origin)
        let other = try #require(moved.get())
        #expect(outcome.report.result.pushed && outcome.report.result.commit?.hex == landed)
        #expect(try setup.fixture.parents(of: landed, in: setup.fixture.origin) == [other, setup.mainTip])
        #expect(outcome.report.target.revision?.hex == other)
        #expect(try setup.fixture.git("fsck", "--no-progress", in: setup.fixture.origin).isEmpty)
    }

    @Test func aTargetThatKeepsMovingEndsWithTargetMovedAndLosesNothing() throws {
        let setup = try Self.setup()
        defer { setup.daemon.stop() }
        let last = Mutex<String?>(nil)
        let context = ServiceContext(environment: [:], beforePush: { attempt in
            last.set(try Self.otherPartyCommits(setup, attempt))
        })
        let outcome = try PromotionService(options: Self.options(setup.clone, retries: 2), context: context).promote()

        #expect(outcome.failure?.kind == .targetMoved)
        #expect(outcome.failure?.message.contains("gave up after 2 retries") == true)
        #expect(try setup.fixture.revParse("production", in: setup.fixture.origin) == last.get())
        #expect(try setup.fixture.log("production", format: "%s", in: setup.fixture.origin).prefix(3)
            == ["other party 2", "other party 1", "other party 0"])
    }

    /// Two runs that merge in the same second make the very same commit; the one that pushes second finds the
    /// target already there and reports nothing to promote, not a push.
    @Test func aTargetAlreadyAtTheVerySameCommitIsNothingToPromote() throws {
        let setup = try Self.setup()
        defer { setup.daemon.stop() }
        let landed = Mutex<String?>(nil)
        let context = ServiceContext(environment: [:], beforePush: { attempt in
            guard attempt == 0 else { return }
            // The merge commit is written but not referenced yet: another party pushes exactly that commit.
            let unreachable = try setup.fixture.git("fsck", "--unreachable", "--no-reflogs", "--no-progress", in: setup.clone)
                .split(separator: "\n").filter { $0.hasPrefix("unreachable commit ") }.map { String($0.split(separator: " ")[2]) }
            let commit = try #require(unreachable.count == 1 ? unreachable.first : nil, "one new commit: \(unreachable)")
            try setup.fixture.git("push", "--quiet", "origin", "\(commit):refs/heads/production", in: setup.clone)
            landed.set(commit)
        })
        let outcome = try PromotionService(options: Self.options(setup.clone), context: context).promote()

        #expect(outcome.failure == nil, "\(String(describing: outcome.failure))")
        let commit = try #require(landed.get())
        #expect(try setup.fixture.revParse("production", in: setup.fixture.origin) == commit)
        #expect(outcome.report.action == .none && !outcome.report.result.pushed, "\(outcome.report.action) \(outcome.report.result)")
        #expect(outcome.report.target.revision?.hex == commit)
        #expect(try setup.fixture.revParse("refs/remotes/origin/production", in: setup.clone) == commit)
    }

    @Test func promotingTwiceWritesNothingTheSecondTime() throws {
        let setup = try Self.setup()
        defer { setup.daemon.stop() }
        let first = try PromotionService(options: Self.options(setup.clone), context: ServiceContext(environment: [:])).promote()
        #expect(first.failure == nil && first.report.action == .merge && first.report.result.pushed)
        let refsBefore = try setup.fixture.git("for-each-ref", in: setup.fixture.origin)
        let cloneRefsBefore = try setup.fixture.git("for-each-ref", in: setup.clone)

        let second = try PromotionService(options: Self.options(setup.clone), context: ServiceContext(environment: [:])).promote()
        #expect(second.failure == nil)
        #expect(second.report.action == .none && !second.report.result.pushed)
        #expect(try setup.fixture.git("for-each-ref", in: setup.fixture.origin) == refsBefore)
        #expect(try setup.fixture.git("for-each-ref", in: setup.clone) == cloneRefsBefore)
    }
}
