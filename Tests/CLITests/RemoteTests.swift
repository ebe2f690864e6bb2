import Foundation
import Testing
import TestSupport

/// Server policy over `git://` (a push to a local path would bypass the server's hooks).
@Suite("Remote over git daemon") struct RemoteTests {
    /// A `pre-receive` hook that, on every push to production (at most `limit` times), first moves production
    /// itself to a new commit that adds `other-party/change-<n>.txt` — another party winning the race. It
    /// logs each commit it made to `other-party.log` in the repository.
    static func racingHook(limit: Int) -> String {
        """
        #!/bin/sh
        input=$(cat)
        case "$input" in
            *" refs/heads/production"*) ;;
            *) exit 0 ;;
        esac
        count=$(cat other-party.count 2>/dev/null || echo 0)
        [ "$count" -ge \(limit) ] && exit 0
        count=$((count + 1))
        # Inside pre-receive the pushed objects are quarantined; our own commit must go to the real store.
        ungit() { env -u GIT_QUARANTINE_PATH -u GIT_OBJECT_DIRECTORY -u GIT_ALTERNATE_OBJECT_DIRECTORIES "$@"; }
        index="$PWD/other-party.index"
        rm -f "$index"
        tip=$(ungit git rev-parse --verify refs/heads/production) || exit 1
        ungit GIT_INDEX_FILE="$index" git read-tree "$tip" || exit 1
        blob=$(echo "change $count by another party" | ungit git hash-object -w --stdin) || exit 1
        ungit GIT_INDEX_FILE="$index" git update-index --add --cacheinfo "100644,$blob,other-party/change-$count.txt" || exit 1
        tree=$(ungit GIT_INDEX_FILE="$index" git write-tree) || exit 1
        rm -f "$index"
        commit=$(echo "other party: change $count" | ungit git commit-tree "$tree" -p "$tip") || exit 1
        ungit git update-ref refs/heads/production "$commit" "$tip" || exit 1
        echo "$count" > other-party.count
        echo "$commit" >> other-party.log
        exit 0
        """
    }

    /// The commits the racing hook made, oldest first.
    static func otherPartyCommits(in origin: URL) -> [String] {
        let text = (try? String(contentsOf: origin.appendingPathComponent("other-party.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    @Test("1: a pre-receive hook declines: the server's reason on stderr, remote unchanged")
    func hookDeclines() throws {
        let world = try SampleWorld()
        let daemon = try world.serveOrigin()
        defer { daemon.stop() }
        let reason = "production is frozen until Monday (change CHG-4242)"
        try GitDaemon.installHook("pre-receive", script: "#!/bin/sh\ncat >/dev/null\necho '\(reason)' >&2\nexit 1\n", in: world.origin)
        let originBefore = try world.refs(of: world.origin)
        let localBefore = try RefState.local(world.clone)
        let snapshot = try world.snapshot()

        let result = try world.keos("--yes", "--staging-status", world.stagingStatus.path)

        #expect(result.status == 1, "\(result)")
        let errors = result.stderrLines.filter { $0.hasPrefix("error:") }
        #expect(errors.count == 1, "one error line\n\(result)")
        #expect(result.stderr.contains("declined"), "\(result)")
        #expect(result.stderr.contains(reason), "the hook's own message is the server's reason\n\(result)")
        expectSameRefs(try world.refs(of: world.origin), originBefore, "origin")
        expectSameRefs(try RefState.local(world.clone), localBefore, "clone (local refs)")
        #expect(try world.revParse("refs/remotes/origin/production") == world.productionTip)
        expectUnchanged(try world.snapshot(), snapshot)
    }

    /// With the server's `receive.denyNonFastForwards` on and off: keos-promote never forces, so the policy
    /// changes nothing; a moved target is the server's compare-and-swap refusing the stale old tip.
    @Test("5: production keeps moving; retries run out; the other party's work stays on top",
          arguments: [false, true])
    func targetKeepsMoving(denyNonFastForwards: Bool) throws {
        let world = try SampleWorld()
        let daemon = try world.serveOrigin()
        defer { daemon.stop() }
        if denyNonFastForwards { try GitDaemon.setConfig("receive.denyNonFastForwards", "true", in: world.origin) }
        try GitDaemon.installHook("pre-receive", script: Self.racingHook(limit: 100), in: world.origin)
        let localBefore = try RefState.local(world.clone)
        let snapshot = try world.snapshot()

        let result = try world.keos("--yes", "--retries", "2", "--staging-status", world.stagingStatus.path)

        #expect(result.status == 5, "\(result)\n\(daemon.log)")
        let errors = result.stderrLines.filter { $0.hasPrefix("error:") }
        #expect(errors.count == 1, "\(result)")
        #expect(result.stderr.contains("production"), "\(result)")

        // The hook really moved production on each of the 1 + 2 pushes …
        let others = Self.otherPartyCommits(in: world.origin)
        #expect(others.count == 3, "the hook ran once per push: \(others)\n\(daemon.log)")
        // … and every commit of the other party is still there, the latest on top.
        let tip = try world.revParse("refs/heads/production", in: world.origin)
        #expect(tip == others.last, "\(others)")
        var expectedParent = world.productionTip
        for commit in others {
            #expect(try world.git("rev-parse", "\(commit)^", in: world.origin) == expectedParent)
            expectedParent = commit
        }
        #expect(try world.revParse("refs/heads/main", in: world.origin) == world.mainTip)
        #expect(!(try world.git("log", "--format=%s", "refs/heads/production", in: world.origin)).contains("Promote main@"
            + world.mainTip.prefix(7)), "no promotion landed")
        expectSameRefs(try RefState.local(world.clone), localBefore, "clone (local refs)")
        expectUnchanged(try world.snapshot(), snapshot)
    }

    @Test("0: production moved once: re-planned on the other party's commit", arguments: [false, true])
    func targetMovedOnce(denyNonFastForwards: Bool) throws {
        let world = try SampleWorld()
        let daemon = try world.serveOrigin()
        defer { daemon.stop() }
        if denyNonFastForwards { try GitDaemon.setConfig("receive.denyNonFastForwards", "true", in: world.origin) }
        try GitDaemon.installHook("pre-receive", script: Self.racingHook(limit: 1), in: world.origin)
        let snapshot = try world.snapshot()

        let result = try world.keos("--yes", "--staging-status", world.stagingStatus.path)

        #expect(result.status == 0, "\(result)\n\(daemon.log)")
        let others = Self.otherPartyCommits(in: world.origin)
        #expect(others.count == 1, "the hook moved production once: \(others)")
        let other = try #require(others.first)
        #expect(try world.git("rev-parse", "\(other)^", in: world.origin) == world.productionTip)

        let tip = try world.revParse("refs/heads/production", in: world.origin)
        let parents = try world.git("rev-list", "--parents", "-n", "1", tip, in: world.origin).split(separator: " ").dropFirst().map(String.init)
        #expect(parents == [other, world.mainTip], "the merge starts from the other party's commit")
        let expectedTree = try world.git("merge-tree", "--write-tree", other, world.mainTip, in: world.origin)
        #expect(try world.revParse("\(tip)^{tree}", in: world.origin) == expectedTree)
        #expect(try world.git("show", "\(tip):other-party/change-1.txt", in: world.origin) == "change 1 by another party")
        #expect(try world.git("log", "-1", "--format=%s", tip, in: world.origin) == "Promote main@\(world.mainTip.prefix(7)) to production")
        #expect(try world.revParse("refs/remotes/origin/production") == tip)
        expectUnchanged(try world.snapshot(), snapshot)
    }

    @Test("1: an unreachable remote; the password in its URL is never printed")
    func unreachableRemote() throws {
        let world = try SampleWorld()
        let port = try GitDaemon.freePort()
        let secret = "s3cr3t-t0ken-\(port)"
        try world.git("remote", "set-url", "origin", "http://deploy:\(secret)@127.0.0.1:\(port)/origin.git")
        let originBefore = try world.refs(of: world.origin)
        let snapshot = try world.snapshot()
        for format in ["text", "json"] {
            let result = try world.keos("--yes", "-v", "--output", format, "--staging-status", world.stagingStatus.path)
            #expect(result.status == 1, "\(result)")
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "a credential was printed\n\(result)")
            #expect(result.stderrLines.filter { $0.hasPrefix("error:") }.count == 1, "\(result)")
            #expect(result.stderr.contains("127.0.0.1"), "the error says which remote failed\n\(result)")
            if format == "json" {
                try ReportSchema.expectValid(result)
                #expect(try JSONReport(result).errorCode == 1)
            }
        }
        expectSameRefs(try world.refs(of: world.origin), originBefore, "origin")
        expectUnchanged(try world.snapshot(), snapshot)
    }
}
