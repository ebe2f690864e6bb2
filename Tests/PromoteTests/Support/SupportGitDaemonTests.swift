import Foundation
import Testing
import TestSupport

@Suite struct SupportGitDaemonTests {
    @Test func servesClonesAcceptsPushesAndStops() throws {
        let fixture = try GitFixture()
        let daemon = try fixture.serve()
        let url = daemon.url("origin.git")
        #expect(url.hasPrefix("git://127.0.0.1:"))
        #expect(GitDaemon.accepts(port: daemon.port))

        try fixture.setRemoteURL(url)
        let tip = try fixture.commit(["a.txt": "a\n"], on: "main", message: "over git://")
        try fixture.push("main")
        #expect(try fixture.revParse("main", in: fixture.origin) == tip)

        let copy = fixture.root.appendingPathComponent("copy")
        try fixture.git("clone", "--quiet", url, copy.path, in: fixture.root)
        #expect(try fixture.revParse("HEAD", in: copy) == tip)

        daemon.stop()
        #expect(!daemon.isRunning)
        #expect(!GitDaemon.accepts(port: daemon.port))
        let refused = try fixture.gitResult(["ls-remote", url])
        #expect(!refused.succeeded)
        daemon.stop() // idempotent
    }

    @Test func serverPolicyApplies() throws {
        let fixture = try GitFixture()
        let daemon = try fixture.serve()
        try fixture.setRemoteURL(daemon.url("origin.git"))

        // receive.denyNonFastForwards refuses a forced push over git:// …
        try GitDaemon.setConfig("receive.denyNonFastForwards", "true", in: fixture.origin)
        try fixture.commit(["a.txt": "a\n"], on: "main", message: "a")
        try fixture.push("main")
        try fixture.updateBranch("main", to: "main~1")
        try fixture.commit(["b.txt": "b\n"], on: "main", message: "rewritten")
        let forced = try fixture.gitResult(["push", "--force", "origin", "main"])
        #expect(!forced.succeeded)
        #expect(forced.stderr.contains("non-fast-forward") || forced.stderr.contains("denying"))

        // … and a pre-receive hook runs on the server.
        try GitDaemon.installHook("pre-receive", script: "#!/bin/sh\necho 'protected by policy' >&2\nexit 1\n", in: fixture.origin)
        try fixture.createBranch("feature", at: "main")
        let hooked = try fixture.gitResult(["push", "origin", "feature"])
        #expect(!hooked.succeeded)
        #expect(hooked.stderr.contains("protected by policy"))
        #expect(fixture.tryRevParse("feature", in: fixture.origin) == nil)
        #expect(daemon.log.contains("Ready to rumble"))
    }

    @Test func freePortsAreUsable() throws {
        let port = try GitDaemon.freePort()
        #expect(port > 0)
        #expect(!GitDaemon.accepts(port: port))
    }
}
