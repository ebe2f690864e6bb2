import Foundation
import Testing
import TestSupport

/// `--ff` (default), `--no-ff` and `--ff-only` when production has nothing of its own.
@Suite("Fast-forward and --no-ff") struct FastForwardTests {
    /// main two commits ahead of production, production with nothing of its own; staging reconciled main.
    private func world() throws -> (FixtureWorld, main: String, production: String, status: URL) {
        let world = try FixtureWorld()
        let production = try world.tip("production")
        try world.commit(["components/app/base/values.yaml": "replicas: 2\nimage: app:1.1\n"], on: "main", message: "app 1.1")
        let main = try world.commit(["components/app/staging/kustomization.yaml": "resources:\n  - ../base\nnamespace: app\n"],
                                    on: "main", message: "app: staging namespace")
        return (world, main, production, try world.statusFile(revision: main))
    }

    @Test("default: a fast-forward, no new commit")
    func fastForward() throws {
        let (world, main, production, status) = try world()
        let result = try world.keos("--yes", "--output", "json", "--staging-status", status.path)
        #expect(result.status == 0, "\(result)")
        let report = try JSONReport(result)
        #expect(report.action == "fast-forward")
        #expect(report.pushed == true)
        #expect(report.resultCommit == main)
        #expect(try world.tip("production") == main, "production is now main's tip itself")
        #expect(try world.fixture.isAncestor(production, of: main))
        #expect(try world.fixture.revParse("refs/remotes/origin/production") == main)
        #expect(report.componentNames == ["app"])
    }

    @Test("--ff-only: the same fast-forward")
    func ffOnly() throws {
        let (world, main, _, status) = try world()
        let result = try world.keos("--yes", "--ff-only", "--staging-status", status.path)
        #expect(result.status == 0, "\(result)")
        #expect(try world.tip("production") == main)
    }

    @Test("--no-ff: a merge commit whose tree is main's tree")
    func noFastForward() throws {
        let (world, main, production, status) = try world()
        let result = try world.keos("--yes", "--no-ff", "--output", "json", "--staging-status", status.path)
        #expect(result.status == 0, "\(result)")
        let report = try JSONReport(result)
        #expect(report.action == "merge")
        let tip = try world.tip("production")
        #expect(tip != main)
        #expect(report.resultCommit == tip)
        #expect(try world.fixture.parents(of: tip, in: world.origin) == [production, main])
        #expect(try world.fixture.tree(of: tip, in: world.origin) == world.fixture.tree(of: main, in: world.origin))
        let message = try world.fixture.message(of: tip, in: world.origin)
        #expect(message.hasPrefix("Promote main@\(main.prefix(7)) to production"), "\(message)")
        #expect(message.contains("Promoted-Revision: \(main)"), "\(message)")
        #expect(message.contains("Verified-On: staging-1"), "\(message)")
    }

    @Test("--skip-verify is recorded in the merge commit")
    func skipVerifyTrailer() throws {
        let (world, main, _, _) = try world()
        let result = try world.keos("--yes", "--no-ff", "--skip-verify")
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("warning:"), "a loud warning\n\(result)")
        let message = try world.fixture.message(of: world.tip("production"), in: world.origin)
        #expect(message.contains("Promoted-Revision: \(main)"), "\(message)")
        #expect(message.contains("Verification: skipped"), "\(message)")
        #expect(!message.contains("Verified-On"), "\(message)")
    }
}
