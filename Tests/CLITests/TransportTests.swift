import Foundation
import Testing
import TestSupport

extension SampleWorld {
    /// Points the clone's `origin` at `url` and the staging status at the same URL.
    func pointOrigin(at url: String) throws {
        try git("remote", "set-url", "origin", url)
        let text = try String(contentsOf: stagingStatus, encoding: .utf8)
        let written = "\"url\": \"\(remoteURL)\""
        guard text.contains(written) else { throw TestSupportError("\(stagingStatus.path) does not name \(remoteURL)") }
        try Data(text.replacingOccurrences(of: written, with: "\"url\": \"\(url)\"").utf8).write(to: stagingStatus)
    }

    /// The promotion landed on the origin: production is a merge of the old tip (or `base`) and main's tip.
    func expectPromoted(onto base: String? = nil, clone: Bool = true, _ comment: Comment? = nil) throws {
        let tip = try revParse("refs/heads/production", in: origin)
        let parents = try git("rev-list", "--parents", "-n", "1", tip, in: origin).split(separator: " ").dropFirst().map(String.init)
        #expect(parents == [base ?? productionTip, mainTip], comment)
        #expect(try git("log", "-1", "--format=%s", tip, in: origin) == "Promote main@\(mainTip.prefix(7)) to production", comment)
        if clone { #expect(try revParse("refs/remotes/origin/production") == tip, comment) }
    }
}

/// Fetch, push and push races over SSH (a real sshd) and smart HTTP (git http-backend), with credentials.
@Suite("Transports and credentials", .serialized) struct TransportTests {
    // MARK: SSH

    /// A HOME whose `~/.ssh/id_ed25519` is the server's client key.
    static func homeWithDefaultKey(of server: SSHServer) throws -> TemporaryDirectory {
        let home = try TemporaryDirectory(prefix: "keos-home")
        let ssh = try home.makeDirectory(".ssh")
        for name in ["id_ed25519", "id_ed25519.pub"] {
            try FileManager.default.copyItem(at: server.clientKey.deletingLastPathComponent().appendingPathComponent(name),
                                             to: ssh.appendingPathComponent(name))
        }
        return home
    }

    @Test("ssh:// with --ssh-key and --known-hosts: fetch, merge, push")
    func sshPromotes() throws {
        let world = try SampleWorld()
        let server = try SSHServer()
        try world.pointOrigin(at: server.url(for: world.origin))

        let result = try world.keos("--yes", "--staging-status", world.stagingStatus.path,
                                    "--ssh-key", server.clientKey.path, "--known-hosts", server.knownHosts.path)

        #expect(result.status == 0, "\(result)\n\(server.log)")
        try world.expectPromoted("\(result)")
    }

    @Test("ssh: KEOS_PROMOTE_SSH_KEY, and a hashed known_hosts entry")
    func sshKeyFromEnvironmentHashedKnownHosts() throws {
        let world = try SampleWorld()
        let server = try SSHServer()
        try world.pointOrigin(at: server.url(for: world.origin))
        let hashed = try Shell.run("ssh-keygen", ["-H", "-f", server.knownHosts.path])
        try #require(hashed.succeeded, "\(hashed)")
        let text = try String(contentsOf: server.knownHosts, encoding: .utf8)
        try #require(text.hasPrefix("|1|") && !text.contains("127.0.0.1"), "hashed: \(text)")

        let result = try world.keos(["--yes", "--staging-status", world.stagingStatus.path, "--known-hosts", server.knownHosts.path],
                                    environment: ["KEOS_PROMOTE_SSH_KEY": server.clientKey.path])

        #expect(result.status == 0, "\(result)\n\(server.log)")
        try world.expectPromoted("\(result)")
    }

    @Test("ssh: the default ~/.ssh/id_ed25519 and ~/.ssh/known_hosts")
    func sshDefaultKeyAndKnownHosts() throws {
        let world = try SampleWorld()
        let server = try SSHServer()
        try world.pointOrigin(at: server.url(for: world.origin))
        let home = try Self.homeWithDefaultKey(of: server)
        try FileManager.default.copyItem(at: server.knownHosts, to: home.url(".ssh/known_hosts"))

        let result = try CLI.run(["--yes", "--staging-status", world.stagingStatus.path], in: world.clone, home: home.url)

        #expect(result.status == 0, "\(result)\n\(server.log)")
        try world.expectPromoted("\(result)")
    }

    @Test("ssh: the key only in the ssh-agent (no --ssh-key, no key file anywhere)")
    func sshAgentKey() throws {
        let world = try SampleWorld()
        let server = try SSHServer()
        let agent = try SSHAgent()
        defer { agent.stop() }
        try world.pointOrigin(at: server.url(for: world.origin))
        try agent.add(server.clientKey)
        // The agent holds the only copy: the key file is gone, and the scratch HOME has no ~/.ssh.
        try FileManager.default.removeItem(at: server.clientKey)
        try #require(try agent.keys().count == 1)

        let result = try world.keos(["--yes", "--staging-status", world.stagingStatus.path, "--known-hosts", server.knownHosts.path],
                                    environment: agent.environment)

        #expect(result.status == 0, "\(result)\n\(server.log)")
        try world.expectPromoted("\(result)")
        #expect(server.log.contains("Accepted publickey"), "\(server.log)")
    }

    @Test("ssh: an empty ssh-agent and no key files: one line saying the agent holds no keys")
    func sshEmptyAgent() throws {
        let world = try SampleWorld()
        let server = try SSHServer()
        let agent = try SSHAgent()
        defer { agent.stop() }
        try world.pointOrigin(at: server.url(for: world.origin))
        let originBefore = try world.refs(of: world.origin)

        let result = try world.keos(["--yes", "--staging-status", world.stagingStatus.path, "--known-hosts", server.knownHosts.path],
                                    environment: agent.environment)

        let url = server.url(for: world.origin).replacingOccurrences(of: "\(server.user)@", with: "***@")
        expectOneLineError(result, code: 1, mentions: [])
        #expect(result.stderrLines == [
            "error: authentication failed for \(url): the ssh-agent (SSH_AUTH_SOCK) holds no keys — add yours with ssh-add, or pass --ssh-key FILE",
        ], "\(result)")
        expectSameRefs(try world.refs(of: world.origin), originBefore, "origin")
    }

    @Test("ssh: a stale SSH_AUTH_SOCK (no agent there) still falls back to ~/.ssh/id_ed25519")
    func sshStaleAgentSocket() throws {
        let world = try SampleWorld()
        let server = try SSHServer()
        try world.pointOrigin(at: server.url(for: world.origin))
        let home = try Self.homeWithDefaultKey(of: server)

        let result = try CLI.run(["--yes", "--staging-status", world.stagingStatus.path, "--known-hosts", server.knownHosts.path],
                                 in: world.clone, home: home.url, environment: ["SSH_AUTH_SOCK": home.url("gone/agent.sock").path])

        #expect(result.status == 0, "\(result)\n\(server.log)")
        try world.expectPromoted("\(result)")
    }

    @Test("ssh: production moved during the push: re-planned on the other party's commit")
    func sshPushRace() throws {
        let world = try SampleWorld()
        let server = try SSHServer()
        try world.pointOrigin(at: server.url(for: world.origin))
        try GitDaemon.installHook("pre-receive", script: RemoteTests.racingHook(limit: 1), in: world.origin)

        let result = try world.keos("--yes", "--staging-status", world.stagingStatus.path,
                                    "--ssh-key", server.clientKey.path, "--known-hosts", server.knownHosts.path)

        #expect(result.status == 0, "\(result)\n\(server.log)")
        let others = RemoteTests.otherPartyCommits(in: world.origin)
        #expect(others.count == 1, "\(others)\n\(result)")
        try world.expectPromoted(onto: others.first, "\(result)")
    }

    @Test("ssh: an unknown host is refused, naming the host and its fingerprint")
    func sshUnknownHost() throws {
        let world = try SampleWorld()
        let server = try SSHServer()
        try world.pointOrigin(at: server.url(for: world.origin))
        let otherHost = server.directory.url("other_host")
        let otherLine = try SSHKeys.make(at: otherHost).split(separator: " ")
        let knownHosts = server.directory.url("known_hosts_other")
        // Another host's entry, and this host's name on another port: neither trusts this server.
        try Data("[127.0.0.1]:\(server.port &+ 1) \(otherLine[0]) \(otherLine[1])\nexample.com \(otherLine[0]) \(otherLine[1])\n".utf8)
            .write(to: knownHosts)
        let originBefore = try world.refs(of: world.origin)
        let fingerprint = try SSHKeys.fingerprint(ofPublicKey: server.hostPublicKey)

        let result = try world.keos("--yes", "--staging-status", world.stagingStatus.path,
                                    "--ssh-key", server.clientKey.path, "--known-hosts", knownHosts.path)

        #expect(result.status == 1, "\(result)")
        let error = result.stderrLines.filter { $0.hasPrefix("error:") }
        #expect(error.count == 1, "\(result)")
        #expect(result.stderr.contains("[127.0.0.1]:\(server.port)"), "\(result)")
        #expect(result.stderr.contains(fingerprint), "fingerprint \(fingerprint)\n\(result)")
        #expect(result.stderr.contains("not in \(knownHosts.path)"), "\(result)")
        #expect(!server.log.contains("Accepted publickey"), "no authentication to an unknown host\n\(server.log)")
        #expect(try world.refs(of: world.origin) == originBefore)
    }

    @Test("ssh: a changed host key is refused")
    func sshChangedHostKey() throws {
        let world = try SampleWorld()
        let server = try SSHServer()
        try world.pointOrigin(at: server.url(for: world.origin))
        let otherLine = try SSHKeys.make(at: server.directory.url("other_host")).split(separator: " ")
        let knownHosts = server.directory.url("known_hosts_changed")
        try Data("[127.0.0.1]:\(server.port) \(otherLine[0]) \(otherLine[1])\n".utf8).write(to: knownHosts)

        let result = try world.keos("--yes", "--staging-status", world.stagingStatus.path,
                                    "--ssh-key", server.clientKey.path, "--known-hosts", knownHosts.path)

        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("does not match"), "\(result)")
    }

    @Test("ssh: a key the server does not accept fails with a clear message, once")
    func sshWrongKey() throws {
        let world = try SampleWorld()
        let server = try SSHServer()
        try world.pointOrigin(at: server.url(for: world.origin))
        let stranger = server.directory.url("stranger/id_ed25519")
        try SSHKeys.make(at: stranger)

        let result = try world.keos("--yes", "--staging-status", world.stagingStatus.path,
                                    "--ssh-key", stranger.path, "--known-hosts", server.knownHosts.path)

        #expect(result.status == 1, "\(result)")
        #expect(result.stderrLines.filter { $0.hasPrefix("error:") } == [
            "error: authentication failed for \(server.url(for: world.origin).replacingOccurrences(of: "\(server.user)@", with: "***@")): the server refused key \(stranger.path)",
        ], "\(result)")
    }

    @Test("ssh: an RSA key gets the libssh2 explanation and the ed25519 suggestion")
    func sshRSAKey() throws {
        let world = try SampleWorld()
        let server = try SSHServer()
        try world.pointOrigin(at: server.url(for: world.origin))
        let rsa = server.directory.url("rsa/id_rsa")
        try SSHKeys.make(at: rsa, type: "rsa")
        try server.authorize(publicKeyOf: rsa)
        try FileManager.default.removeItem(at: rsa.appendingPathExtension("pub"))

        let result = try world.keos("--yes", "--staging-status", world.stagingStatus.path,
                                    "--ssh-key", rsa.path, "--known-hosts", server.knownHosts.path)

        if result.status == 0 {
            // A libssh2 that signs with rsa-sha2 works; nothing to explain then.
            try world.expectPromoted("\(result)")
        } else {
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("\(rsa.path) is an RSA key"), "\(result)")
            #expect(result.stderr.contains("ed25519"), "\(result)")
        }
    }

    // MARK: HTTP

    @Test("http: GIT_TOKEN is sent as x-access-token, never printed")
    func httpToken() throws {
        let world = try SampleWorld()
        let token = "ghs_tokenTOKEN\(UInt32.random(in: 1000...9999))"
        let server = try HTTPGitServer(serving: world.root, credentials: "x-access-token:\(token)")
        try world.pointOrigin(at: server.url("origin.git"))

        for variable in ["GIT_TOKEN", "GITHUB_TOKEN"] {
            let result = try world.keos(["--yes", "-v", "--output", "json", "--staging-status", world.stagingStatus.path],
                                        environment: [variable: token])
            #expect(result.status == 0, "\(variable)\n\(result)\n\(server.log)")
            #expect(!result.stdout.contains(token) && !result.stderr.contains(token))
        }
        try world.expectPromoted()
    }

    @Test("http: a refused token fails clearly, without printing it")
    func httpWrongToken() throws {
        let world = try SampleWorld()
        let server = try HTTPGitServer(serving: world.root, credentials: "x-access-token:right")
        try world.pointOrigin(at: server.url("origin.git"))
        let wrong = "wrong-token-\(UInt32.random(in: 1000...9999))"

        let refused = try world.keos(["--yes", "--staging-status", world.stagingStatus.path], environment: ["GIT_TOKEN": wrong])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("authentication failed for \(server.url("origin.git")): the server refused the token from GIT_TOKEN"), "\(refused)")
        #expect(!refused.stderr.contains(wrong) && !refused.stdout.contains(wrong))

        let none = try world.keos("--yes", "--staging-status", world.stagingStatus.path)
        #expect(none.status == 1, "\(none)")
        #expect(none.stderr.contains("set GIT_TOKEN or GITHUB_TOKEN"), "\(none)")
    }

    @Test("http: credentials in the URL work, and a wrong password in the URL is never printed")
    func httpCredentialsInURL() throws {
        let world = try SampleWorld()
        let server = try HTTPGitServer(serving: world.root, credentials: "deploy:hunter2secret")
        try world.pointOrigin(at: server.url("origin.git", userInfo: "deploy:wrongpassw0rd"))
        let refused = try world.keos("--yes", "--staging-status", world.stagingStatus.path)
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("authentication failed"), "\(refused)")
        #expect(!refused.stderr.contains("wrongpassw0rd") && !refused.stdout.contains("wrongpassw0rd"), "\(refused)")

        try world.git("remote", "set-url", "origin", server.url("origin.git", userInfo: "deploy:hunter2secret"))
        let result = try world.keos("--yes", "-v", "--staging-status", world.stagingStatus.path)
        #expect(result.status == 0, "\(result)\n\(server.log)")
        #expect(!result.stderr.contains("hunter2secret") && !result.stdout.contains("hunter2secret"))
        try world.expectPromoted("\(result)")
    }

    @Test("http: production moved during the (chunked) push: re-planned")
    func httpPushRace() throws {
        let world = try SampleWorld()
        let server = try HTTPGitServer(serving: world.root)
        try world.pointOrigin(at: server.url("origin.git"))
        try GitDaemon.installHook("pre-receive", script: RemoteTests.racingHook(limit: 1), in: world.origin)

        let result = try world.keos("--yes", "--staging-status", world.stagingStatus.path)

        #expect(result.status == 0, "\(result)\n\(server.log)")
        let others = RemoteTests.otherPartyCommits(in: world.origin)
        #expect(others.count == 1, "\(others)\n\(result)")
        try world.expectPromoted(onto: others.first, "\(result)")
    }

    @Test("http: a declining pre-receive hook is an error with the server's reason, never success")
    func httpServerPolicy() throws {
        let world = try SampleWorld()
        let server = try HTTPGitServer(serving: world.root)
        try world.pointOrigin(at: server.url("origin.git"))
        try GitDaemon.installHook("pre-receive", script: "#!/bin/sh\ncat >/dev/null\necho 'frozen by policy' >&2\nexit 1\n", in: world.origin)
        let before = try world.refs(of: world.origin)

        let result = try world.keos("--yes", "--staging-status", world.stagingStatus.path)

        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("frozen by policy"), "\(result)")
        #expect(try world.refs(of: world.origin) == before)
    }
}

/// `--url`: no clone, a bare mirror in the cache folder.
@Suite("--url mirror", .serialized) struct MirrorTests {
    /// Runs `--url` twice: the first creates the mirror and promotes main's tip; after a new commit on main
    /// (reconciled on staging), the second fetches into the mirror and promotes that.
    func promoteTwice(world: SampleWorld, url: String, extra: [String], environment: [String: String] = [:],
                      secret: String? = nil, serverLog: () -> String) throws {
        let home = try TemporaryDirectory(prefix: "keos-home")
        let empty = try home.makeDirectory("work")
        let cache = home.url(".cache/keos-promote")
        let status = try world.write(world.fluxStatus(url: url), named: "mirror-status-1")

        let first = try CLI.run(["--url", url, "--yes", "-v", "--staging-status", status.path] + extra, in: empty,
                                home: home.url, environment: environment)
        #expect(first.status == 0, "\(first)\n\(serverLog())")
        #expect(first.stderr.contains("creating the mirror"), "\(first)")
        try world.expectPromoted(clone: false, "\(first)")
        let mirrors = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasSuffix(".git") }
        #expect(mirrors.count == 1, "\(mirrors)")
        let mirror = cache.appendingPathComponent(mirrors.first ?? "?")
        #expect(try Shell.git("rev-parse", "--is-bare-repository", in: mirror) == "true")

        let promoted = try world.revParse("refs/heads/production", in: world.origin)
        let newTip = try world.commitOnOrigin(["components/storage/controllers/base/extra.yaml": "a: 1\n"], on: "main",
                                              message: "storage: extra")
        let status2 = try world.write(world.fluxStatus(revision: newTip, url: url), named: "mirror-status-2")
        let second = try CLI.run(["--url", url, "--yes", "-v", "--staging-status", status2.path] + extra, in: empty,
                                 home: home.url, environment: environment)
        #expect(second.status == 0, "\(second)\n\(serverLog())")
        #expect(second.stderr.contains("using the mirror"), "\(second)")
        #expect(try Shell.git("rev-parse", "refs/remotes/origin/main", in: mirror) == newTip)
        let tip = try world.revParse("refs/heads/production", in: world.origin)
        let parents = try world.git("rev-list", "--parents", "-n", "1", tip, in: world.origin).split(separator: " ").dropFirst().map(String.init)
        #expect(parents == [promoted, newTip], "\(second)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasSuffix(".git") }.count == 1)
        if let secret {
            let config = try String(contentsOf: mirror.appendingPathComponent("config"), encoding: .utf8)
            #expect(!config.contains(secret), "no credential in the cache: \(config)")
            for result in [first, second] { #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret)) }
        }
    }

    @Test("--url over SSH: created, then fetched into; the promotion lands on the remote")
    func sshMirror() throws {
        let world = try SampleWorld()
        let server = try SSHServer()
        try promoteTwice(world: world, url: server.url(for: world.origin),
                         extra: ["--ssh-key", server.clientKey.path, "--known-hosts", server.knownHosts.path],
                         serverLog: { server.log })
    }

    @Test("--url over HTTP with credentials in the URL: none of them in the cache or the output")
    func httpMirror() throws {
        let world = try SampleWorld()
        let server = try HTTPGitServer(serving: world.root, credentials: "deploy:m1rr0rpass")
        let url = server.url("origin.git", userInfo: "deploy:m1rr0rpass")
        try promoteTwice(world: world, url: url, extra: [], secret: "m1rr0rpass", serverLog: { server.log })
    }

    @Test("--url and -C exclude each other; a local path is refused")
    func usage() throws {
        let world = try SampleWorld()
        let both = try world.keos("--url", "https://example.invalid/x.git", "-C", world.clone.path, "--dry-run")
        #expect(both.status == 2, "\(both)")
        let local = try world.keos("--url", world.origin.path, "--dry-run", "--skip-verify")
        #expect(local.status == 2, "\(local)")
        #expect(local.stderr.contains("not a remote URL"), "\(local)")
    }
}
