import Foundation
import Testing
import TestSupport

/// `--sign`: merge commits signed with throw-away OpenPGP and SSH keys, checked by `git verify-commit`.
@Suite("Signed merge commits") struct SigningTests {
    /// The committer keos-promote uses in `SampleWorld` (no identity configured).
    static let committer = "keos-promote <keos-promote@localhost>"

    /// The sample served over `git://`, a GnuPG home with one key, and what a run needs.
    final class World: @unchecked Sendable {
        let sample: SampleWorld
        let daemon: GitDaemon
        let gnupg: GnuPGHome
        let fingerprint: String

        init() throws {
            sample = try SampleWorld()
            daemon = try sample.serveOrigin()
            gnupg = try GnuPGHome()
            fingerprint = try gnupg.makeKey(userID: "Release Signing <release@example.com>")
        }

        deinit {
            daemon.stop()
            gnupg.stop()
        }

        /// Promotes staging-1's revision with `arguments` and `GNUPGHOME`.
        func promote(_ arguments: String...) throws -> ProcessResult { try promote(arguments) }

        func promote(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
            try sample.keos(["--yes", "--staging-status", sample.stagingStatus.path] + arguments,
                            environment: gnupg.environment.merging(environment) { _, new in new })
        }

        /// The origin's production tip.
        func productionTip() throws -> String { try sample.revParse("refs/heads/production", in: sample.origin) }

        /// `git verify-commit` of `commit` in the origin (with `config` as `-c` settings), whatever its status.
        func verifyCommit(_ commit: String, config: [String] = []) throws -> ProcessResult {
            try GitEnvironment.standard.adding(gnupg.environment)
                .gitResult(config.flatMap { ["-c", $0] } + ["verify-commit", "-v", commit], in: sample.origin)
        }

        /// `%G?` (G: good signature) and the signing key's fingerprint, as git reads them.
        func signatureFacts(_ commit: String, config: [String] = []) throws -> (status: String, key: String) {
            let line = try Shell.git(config.flatMap { ["-c", $0] } + ["log", "-1", "--format=%G? %GF", commit],
                                     in: sample.origin, environment: GitEnvironment.standard.adding(gnupg.environment))
            let fields = line.split(separator: " ", maxSplits: 1).map(String.init)
            return (fields.first ?? "", fields.count > 1 ? fields[1] : "")
        }

        /// The parents of `commit` in the origin.
        func parents(_ commit: String) throws -> [String] {
            try sample.git("rev-list", "--parents", "-n", "1", commit, in: sample.origin).split(separator: " ").dropFirst().map(String.init)
        }

        /// git settings that verify SSH signatures with an allowed-signers file trusting only `publicKey`
        /// (the line of a `.pub` file).
        func sshVerification(trusting publicKey: String) throws -> [String] {
            let file = sample.root.appendingPathComponent("allowed_signers")
            try Data("release@example.com namespaces=\"git\" \(publicKey)\n".utf8).write(to: file)
            return ["gpg.format=ssh", "gpg.ssh.allowedSignersFile=\(file.path)"]
        }
    }

    @Test("0: OpenPGP: --sign --signing-key signs the merge, and git verify-commit accepts it")
    func openPGPMergeVerifies() throws {
        let world = try World()
        let result = try world.promote("--sign", "--signing-key", world.fingerprint)

        #expect(result.status == 0, "\(result)\n\(world.daemon.log)")
        let tip = try world.productionTip()
        #expect(try world.parents(tip) == [world.sample.productionTip, world.sample.mainTip])
        let verified = try world.verifyCommit(tip)
        #expect(verified.succeeded, "git verify-commit: \(verified)")
        #expect(verified.stderr.contains("Good signature"), "\(verified)")
        let facts = try world.signatureFacts(tip)
        #expect(facts.status == "G" && facts.key == world.fingerprint, "\(facts)")
        #expect(try world.sample.git("log", "-1", "--format=%s", tip, in: world.sample.origin)
            == "Promote main@\(world.sample.mainTip.prefix(7)) to production")
        #expect(try world.sample.revParse("refs/remotes/origin/production") == tip)
    }

    @Test("0: OpenPGP: with --sign alone the key is git's user.signingkey")
    func openPGPKeyFromGitConfig() throws {
        let world = try World()
        // A second key: the one git's configuration names must be the one used.
        let other = try world.gnupg.makeKey(userID: "Other Key <other@example.com>")
        try world.sample.git("config", "user.signingkey", other)

        let result = try world.promote("--sign")

        #expect(result.status == 0, "\(result)")
        let tip = try world.productionTip()
        #expect(try world.verifyCommit(tip).succeeded)
        #expect(try world.signatureFacts(tip).key == other)
    }

    @Test("0: SSH: the config file's signing section signs through ssh-keygen; verify-commit with allowed signers accepts it")
    func sshFromConfigFile() throws {
        let world = try World()
        let key = world.sample.root.appendingPathComponent("keys/release_ed25519")
        let publicKey = try SSHKeys.make(at: key, comment: "release")
        let config = world.sample.root.appendingPathComponent("promote.yaml")
        // The key file is relative to the config file's folder.
        try Data("version: 1\nsigning:\n  enabled: true\n  format: ssh\n  key: keys/release_ed25519\n".utf8).write(to: config)

        let result = try world.promote("--config", config.path)

        #expect(result.status == 0, "\(result)")
        let tip = try world.productionTip()
        #expect(try world.parents(tip) == [world.sample.productionTip, world.sample.mainTip])
        let settings = try world.sshVerification(trusting: publicKey)
        let verified = try world.verifyCommit(tip, config: settings)
        #expect(verified.succeeded, "git verify-commit: \(verified)")
        #expect(verified.stderr.contains("Good \"git\" signature"), "\(verified)")
        #expect(try world.signatureFacts(tip, config: settings).status == "G")
        // Not signed by just any key: another key's allowed-signers file refuses it.
        let stranger = try SSHKeys.make(at: world.sample.root.appendingPathComponent("keys/stranger"), comment: "stranger")
        #expect(!(try world.verifyCommit(tip, config: try world.sshVerification(trusting: stranger)).succeeded))
    }

    @Test("0: SSH: git's gpg.format=ssh and user.signingkey are used with --sign")
    func sshFromGitConfig() throws {
        let world = try World()
        let key = world.sample.root.appendingPathComponent("keys/git_ed25519")
        let publicKey = try SSHKeys.make(at: key, comment: "git-configured")
        try world.sample.git("config", "gpg.format", "ssh")
        try world.sample.git("config", "user.signingkey", key.path)

        let result = try world.promote("--sign")

        #expect(result.status == 0, "\(result)")
        let verified = try world.verifyCommit(try world.productionTip(), config: try world.sshVerification(trusting: publicKey))
        #expect(verified.succeeded, "\(verified)")
    }

    @Test("0: SSH: a public key as user.signingkey signs through the ssh-agent, which holds the only private half")
    func sshLiteralKeyThroughAgent() throws {
        let world = try World()
        let agent = try SSHAgent()
        defer { agent.stop() }
        let key = world.sample.root.appendingPathComponent("keys/agent_ed25519")
        let publicKey = try SSHKeys.make(at: key, comment: "in-agent")
        try agent.add(key)
        try FileManager.default.removeItem(at: key)
        try world.sample.git("config", "gpg.format", "ssh")
        try world.sample.git("config", "user.signingkey", publicKey)

        let result = try world.promote(["--sign"], environment: agent.environment)

        #expect(result.status == 0, "\(result)")
        let verified = try world.verifyCommit(try world.productionTip(), config: try world.sshVerification(trusting: publicKey))
        #expect(verified.succeeded, "\(verified)")
    }

    @Test("1: a key the signer cannot use: one line naming the key and the program's reason; nothing pushed")
    func signingFailures() throws {
        let world = try World()
        let missingKeyFile = world.sample.root.appendingPathComponent("keys/absent").path
        let cases: [(arguments: [String], config: [String: String], mentions: [String])] = [
            (["--sign", "--signing-key", "0000DEAD0000BEEF"], [:], ["OpenPGP key '0000DEAD0000BEEF'", "gpg", "No secret key"]),
            (["--sign", "--signing-key", missingKeyFile], ["gpg.format": "ssh"], ["SSH key '\(missingKeyFile)'", "ssh-keygen", "No such file"]),
            (["--sign", "--signing-key", world.fingerprint], ["gpg.program": "/nonexistent/gpg-9"], ["'/nonexistent/gpg-9' not found", world.fingerprint]),
        ]
        let originBefore = try world.sample.refs(of: world.sample.origin)
        let localBefore = try RefState.local(world.sample.clone)
        for (arguments, config, mentions) in cases {
            for (name, value) in config { try world.sample.git("config", name, value) }
            let result = try world.promote(arguments)
            expectOneLineError(result, code: 1, mentions: mentions + ["nothing was pushed"])
            for name in config.keys { try world.sample.git("config", "--unset", name) }
        }
        expectSameRefs(try world.sample.refs(of: world.sample.origin), originBefore, "origin")
        expectSameRefs(try RefState.local(world.sample.clone), localBefore, "clone (local refs)")
    }

    @Test("1: a passphrase-protected key without a terminal fails at once instead of waiting for a prompt")
    func passphraseWithoutTerminal() throws {
        let world = try World()
        let locked = try world.gnupg.makeKey(userID: "Locked <locked@example.com>", passphrase: "correct horse")
        let originBefore = try world.sample.refs(of: world.sample.origin)

        let result = try world.promote("--sign", "--signing-key", locked)

        expectOneLineError(result, code: 1, mentions: [locked, "passphrase", "no terminal"])
        #expect(!result.stderr.contains("correct horse"))
        expectSameRefs(try world.sample.refs(of: world.sample.origin), originBefore, "origin")
    }

    @Test("0: production moved during the push: the re-planned merge is signed again")
    func racedMergeIsSignedAgain() throws {
        let world = try World()
        try GitDaemon.installHook("pre-receive", script: RemoteTests.racingHook(limit: 1), in: world.sample.origin)

        let result = try world.promote("--sign", "--signing-key", world.fingerprint, "-v")

        #expect(result.status == 0, "\(result)\n\(world.daemon.log)")
        let other = try #require(RemoteTests.otherPartyCommits(in: world.sample.origin).first)
        let tip = try world.productionTip()
        #expect(try world.parents(tip) == [other, world.sample.mainTip], "the merge starts from the other party's commit")
        #expect(try world.verifyCommit(tip).succeeded)
        #expect(try world.signatureFacts(tip).key == world.fingerprint)
        #expect(result.stderr.components(separatedBy: "signing the merge commit with OpenPGP key").count - 1 == 2,
                "signed once per attempt\n\(result)")
    }

    @Test("0: a fast-forward keeps main's own commit ids (a note says so); --no-ff makes a signed merge")
    func fastForwardIsNotRewritten() throws {
        let world = try FixtureWorld()
        let gnupg = try GnuPGHome()
        defer { gnupg.stop() }
        let fingerprint = try gnupg.makeKey(userID: "Release Signing <release@example.com>")
        let daemon = try GitDaemon(serving: world.fixture.root)
        defer { daemon.stop() }
        try world.fixture.git("remote", "set-url", "origin", daemon.url(world.origin.lastPathComponent))
        let revision = try world.commit(["components/app/base/values.yaml": "replicas: 2\nimage: app:1.1\n"], on: "main", message: "app 1.1")
        let status = try world.statusFile(revision: revision)
        func promote(_ extra: String...) throws -> ProcessResult {
            try CLI.run(["--yes", "--staging-status", status.path, "--sign", "--signing-key", fingerprint] + extra,
                        in: world.clone, home: world.fixture.environment.home, environment: gnupg.environment)
        }

        let result = try promote()

        #expect(result.status == 0, "\(result)")
        #expect(try world.tip("production") == revision, "production is main's own commit, not a rewritten one")
        let notes = result.stderrLines.filter { $0.hasPrefix("warning:") && $0.contains("fast-forward") }
        #expect(notes.count == 1 && notes.first?.contains("--no-ff") == true, "\(result)")

        let next = try world.commit(["components/app/base/values.yaml": "replicas: 3\nimage: app:1.2\n"], on: "main", message: "app 1.2")
        _ = try world.statusFile(revision: next)
        let merged = try promote("--no-ff")
        #expect(merged.status == 0, "\(merged)")
        let tip = try world.tip("production")
        #expect(try world.fixture.git("rev-list", "--parents", "-n", "1", tip, in: world.origin).split(separator: " ").dropFirst()
            .map(String.init) == [revision, next])
        let verified = try GitEnvironment.standard.adding(gnupg.environment).gitResult(["verify-commit", tip], in: world.origin)
        #expect(verified.succeeded, "\(verified)")
    }

    @Test("2: --signing-key without signing on is refused; --dry-run never runs the signer; SSH without a key is refused")
    func flagsAndDryRun() throws {
        let world = try World()
        let originBefore = try world.sample.refs(of: world.sample.origin)
        let keyOnly = try world.promote("--signing-key", world.fingerprint)
        expectOneLineError(keyOnly, code: 2, mentions: ["--signing-key", "--sign"])

        try world.sample.git("config", "gpg.program", "/nonexistent/gpg-9")
        let dryRun = try world.promote("--sign", "--dry-run")
        #expect(dryRun.status == 0, "\(dryRun)")
        #expect(!dryRun.stderr.contains("gpg-9"), "\(dryRun)")

        // SSH signing with no key anywhere (flag, config file, git's user.signingkey) is bad input, not a runtime failure.
        try world.sample.git("config", "gpg.format", "ssh")
        let noKey = try world.promote("--sign")
        expectOneLineError(noKey, code: 2, mentions: ["SSH signing needs a key", "--signing-key"])
        expectSameRefs(try world.sample.refs(of: world.sample.origin), originBefore, "origin")
    }
}
