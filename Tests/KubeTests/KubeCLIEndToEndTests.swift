import Foundation
import KubeTestServer
import Testing
import TestSupport

/// The built binary against the test API server: promotion, `--wait`, the implicit sources, and secrets.
@Suite struct KubeCLIEndToEndTests {
    typealias Repo = KubeVerifyCLITests.Repository

    private func repo() throws -> Repo { try KubeVerifyCLITests.shared.value() }

    /// Runs the binary in the shared clone with `--no-fetch` and exactly these arguments and variables.
    private func run(_ arguments: [String], environment: [String: String] = [:], home: URL? = nil) throws -> ProcessResult {
        let repo = try repo()
        return try KeosBinary.locate().run(arguments + ["-C", repo.fixture.clone.path, "--no-fetch"], environment: environment,
                                           home: home ?? repo.fixture.environment.home, timeout: 60)
    }

    // MARK: Promotion

    @Test func promotesOnceEveryContextReconciledAndRecordsTheClusters() throws {
        let fixture = try GitFixture(files: ["components/apps/base/release.yaml": "version: 1\n"])
        let base = try fixture.revParse("main", in: fixture.origin)
        try fixture.createBranch("production", at: base, in: fixture.origin)
        try fixture.commit(["components/apps/production/hotfix.yaml": "hotfix: true\n"], on: "production", message: "hotfix", in: fixture.origin)
        let tip = try fixture.commit(["components/apps/base/release.yaml": "version: 2\n"], on: "main", message: "apps v2", in: fixture.origin)
        let url = try fixture.git("config", "remote.origin.url")
        let staging = FluxStatusFixture(repositoryURL: url)
            .kustomization(name: "apps", path: "components/apps/staging", appliedRevision: tip)
        let folder = try TemporaryDirectory()
        let first = try KubeHarness.server(staging)
        let second = try KubeHarness.server(staging)
        let kubeconfig = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", first), KubeHarness.context("staging-2", second)],
                                                    in: folder)
        let result = try KeosBinary.locate().run(
            ["--yes", "-C", fixture.clone.path, "--kubeconfig", kubeconfig, "--context", "staging-1", "--context", "staging-2"],
            home: fixture.environment.home)
        #expect(result.status == 0, "\(result)")
        let production = try fixture.revParse("production", in: fixture.origin)
        #expect(try fixture.parents(of: production, in: fixture.origin).last == tip)
        #expect(try fixture.message(of: production, in: fixture.origin).contains("Verified-On: staging-1, staging-2"))
    }

    // MARK: --wait

    @Test func waitReturnsAsSoonAsStagingReconciled() throws {
        let repo = try repo()
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server(KubeVerifyCLITests.staging(repo, revision: repo.base))
        server.serve(KubeVerifyCLITests.staging(repo, revision: repo.r), afterKustomizationLists: 1)
        let kubeconfig = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server)], in: folder)
        let result = try run(["verify", "--revision", repo.r, "--wait", "1m", "-v", "--kubeconfig", kubeconfig])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("verification: reconciled"), "\(result)")
        #expect(result.stderr.contains("waiting for staging ("), "\(result)")
        #expect(result.stderr.contains("left, next check in 1s): staging has not reconciled \(repo.r.prefix(12)) (pending"), "\(result)")
        #expect(server.requests.filter { $0.path.hasSuffix("/kustomizations") }.count == 2)
    }

    /// Runs the binary on a pseudo-terminal (util-linux `script`), where stdin, stdout and stderr are a tty.
    private func runOnTerminal(_ arguments: [String]) throws -> ProcessResult {
        let repo = try repo()
        let binary = try KeosBinary.locate()
        let words = [binary.url.path] + arguments + ["-C", repo.fixture.clone.path, "--no-fetch"]
        let command = words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        var environment = KeosBinary.cleanEnvironment(home: repo.fixture.environment.home ?? repo.fixture.root)
        environment["TERM"] = "xterm"
        return try Shell.run("script", ["-qec", command, "/dev/null"], environment: environment, timeout: 60)
    }

    @Test func onATerminalWaitingShowsOneProgressLineInPlace() throws {
        let repo = try repo()
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server(KubeVerifyCLITests.staging(repo, revision: repo.base))
        server.serve(KubeVerifyCLITests.staging(repo, revision: repo.r), afterKustomizationLists: 1)
        let kubeconfig = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server)], in: folder)
        let result = try runOnTerminal(["verify", "--revision", repo.r, "--wait", "1m", "--kubeconfig", kubeconfig])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("\r\u{1B}[Kwaiting for staging ("), "\(result)")
        #expect(result.stdout.contains("\r\u{1B}[Kkeos-promote verify: ") || result.stdout.contains("\r\u{1B}[K\u{1B}["), "the line is cleared before the report: \(result)")
    }

    @Test func anExecPluginMayAskOnATerminal() throws {
        let repo = try repo()
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server(KubeVerifyCLITests.staging(repo, revision: repo.r)) { $0.tokens = ["interactive-token-42": "alice"] }
        let plugin = try ExecPlugin(response: ExecPlugin.tokenResponse("interactive-token-42"))
        let kubeconfig = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server, user: plugin.user(interactiveMode: "IfAvailable"))],
                                                    in: folder)
        let result = try runOnTerminal(["verify", "--kubeconfig", kubeconfig])
        #expect(result.status == 0, "\(result)")
        #expect(plugin.execInfo.contains("\"interactive\":true"), "\(plugin.execInfo)")
        let piped = try run(["verify", "--kubeconfig", kubeconfig])
        #expect(piped.status == 0, "\(piped)")
        #expect(plugin.execInfo.contains("\"interactive\":false"), "\(plugin.execInfo)")
    }

    @Test func statusAndDiffReadWhatStagingRunsFromTheAPI() throws {
        let repo = try repo()
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server(KubeVerifyCLITests.staging(repo, revision: repo.d))
        let kubeconfig = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server)], in: folder)
        let status = try run(["status", "--output", "json", "--kubeconfig", kubeconfig])
        #expect(status.status == 0, "\(status)")
        let report = try JSONSerialization.jsonObject(with: status.stdoutData) as? [String: Any]
        #expect((report?["source"] as? [String: Any])?["revision"] as? String == repo.d)
        let diff = try run(["diff", "--kubeconfig", kubeconfig])
        #expect(diff.status == 0, "\(diff)")
        #expect(diff.stdout.contains("apps") && diff.stdout.contains("monitoring"), "\(diff)")
    }

    @Test func waitGivesUpWithExit3WhenTheTimeIsUp() throws {
        let repo = try repo()
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server(KubeVerifyCLITests.staging(repo, revision: repo.base))
        let kubeconfig = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server)], in: folder)
        let result = try run(["verify", "--revision", repo.r, "--wait", "2s", "--kubeconfig", kubeconfig])
        #expect(result.status == 3, "\(result)")
        #expect(result.stderr.contains("error: staging has not reconciled \(repo.r.prefix(12)) (pending"), "\(result)")
        #expect(!result.stderr.contains("waiting for staging"), "no progress line without a terminal or -v")
        #expect(server.requests.filter { $0.path.hasSuffix("/kustomizations") }.count >= 2)
    }

    @Test func waitDoesNotRetryAConfigurationError() throws {
        let folder = try TemporaryDirectory()
        let result = try run(["verify", "--wait", "1m", "--kubeconfig", folder.url("missing").path])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr == "error: \(folder.url("missing").path): no such kubeconfig file\n")
    }

    // MARK: Implicit sources

    @Test func theCurrentContextOfHomeKubeconfigIsUsedWithoutFlags() throws {
        let repo = try repo()
        let home = try TemporaryDirectory(prefix: "home")
        try FileManager.default.createDirectory(at: home.url(".kube"), withIntermediateDirectories: true)
        let server = try KubeHarness.server(KubeVerifyCLITests.staging(repo, revision: repo.r))
        try KubeconfigWriter(contexts: [KubeHarness.context("laptop-staging", server)]).write(to: home.url(".kube/config"))
        let result = try run(["verify", "--output", "json"], home: home.url)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("\"name\" : \"laptop-staging\""), "\(result)")
    }

    @Test func inClusterServiceAccountWithoutFlags() throws {
        let repo = try repo()
        let server = try KubeHarness.server(KubeVerifyCLITests.staging(repo, revision: repo.r))
        let mount = try TemporaryDirectory(prefix: "serviceaccount")
        try Data(KubeHarness.token.utf8).write(to: mount.url("token"))
        try server.certificates.ca.certificatePEM.write(to: mount.url("ca.crt"))
        let result = try run(["verify"], environment: ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(server.port),
                                                       "KEOS_PROMOTE_SERVICE_ACCOUNT_DIR": mount.path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("  in-cluster (\(repo.r.prefix(7))): 3 of 3 objects ready"), "\(result)")
    }

    @Test func withoutAnySourceTheErrorNamesAllOfThem() throws {
        let result = try run(["verify"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("pass --kubeconfig/--context (the staging clusters' API) or --staging-status FILE"))
        let mixed = try run(["verify", "--staging-status", "x.json", "--context", "staging-1"])
        #expect(mixed.status == 2)
        #expect(mixed.stderr.contains("--staging-status reads status from files; it cannot be combined with --kubeconfig or --context"))
    }

    // MARK: Secrets

    @Test func tokensKeysAndExecCredentialsNeverAppearInOutput() throws {
        let repo = try repo()
        let folder = try TemporaryDirectory()
        let staging = KubeVerifyCLITests.staging(repo, revision: repo.r)
        let execToken = "exec-credential-7c4f9e2d1b8a"
        let server = try KubeHarness.server(staging) { $0.tokens = [KubeHarness.token: KubeHarness.user, execToken: "oidc:alice"] }
        let client = server.certificates.client
        let plugin = try ExecPlugin(response: ExecPlugin.tokenResponse(execToken))
        let kubeconfig = try KubeHarness.kubeconfig([
            KubeHarness.context("token", server),
            KubeHarness.context("certificate", server, user: .clientCertificateData(certificate: client.certificatePEM, key: client.keyPEM)),
            KubeHarness.context("exec", server, user: plugin.user()),
        ], in: folder)
        var outputs: [ProcessResult] = []
        for context in ["token", "certificate", "exec"] {
            for format in ["text", "json", "markdown"] {
                outputs.append(try run(["verify", "-v", "--output", format, "--kubeconfig", kubeconfig, "--context", context]))
            }
        }
        #expect(outputs.allSatisfy { $0.status == 0 }, "\(outputs.filter { $0.status != 0 })")

        // Failures: the server quotes the secrets back; the plugin fails; the kubeconfig breaks on the token's line.
        // (A server can only quote back the credential it was sent.)
        server.inject(Array(repeating: .status(429, retryAfter: "0", message: "rejected \(KubeHarness.token)"), count: 5))
        outputs.append(try run(["verify", "-v", "--output", "json", "--kubeconfig", kubeconfig, "--context", "token"]))
        server.inject(Array(repeating: .status(429, retryAfter: "0", message: "rejected \(execToken)"), count: 5))
        outputs.append(try run(["verify", "-v", "--kubeconfig", kubeconfig, "--context", "exec"]))
        let unauthorized = try KubeHarness.server(staging) { $0.tokens = [:]; $0.clientCertificates = false }
        let rejected = try KubeHarness.kubeconfig([
            KubeHarness.context("certificate", unauthorized, user: .clientCertificateData(certificate: client.certificatePEM, key: client.keyPEM)),
            KubeHarness.context("token", unauthorized),
        ], in: folder, name: "rejected")
        outputs.append(try run(["verify", "-v", "--kubeconfig", rejected, "--context", "certificate", "--context", "token"]))
        try plugin.failNextRuns()
        outputs.append(try run(["verify", "-v", "--kubeconfig", kubeconfig, "--context", "exec"]))
        let fresh = try ExecPlugin(response: "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"\(execToken)\",\"expirationTimestamp\":\"not-a-time\"}}")
        let broken = try KubeHarness.kubeconfig([KubeHarness.context("exec", server, user: fresh.user())], in: folder, name: "broken-exec")
        outputs.append(try run(["verify", "-v", "--kubeconfig", broken]))
        let malformed = folder.url("malformed")
        try Data("users:\n- name: u\n  user: {token: \(KubeHarness.token), client-key-data: \(client.keyPEM.base64EncodedString())\ncontexts: [\n".utf8)
            .write(to: malformed)
        outputs.append(try run(["verify", "-v", "--output", "json", "--kubeconfig", malformed.path]))
        #expect(outputs.suffix(6).allSatisfy { $0.status != 0 }, "\(outputs.suffix(6))")

        let keyText = String(decoding: client.keyPEM, as: UTF8.self)
        let keyLines = keyText.split(separator: "\n").filter { !$0.hasPrefix("-----") }.map(String.init)
        let secrets = [KubeHarness.token, execToken, client.keyPEM.base64EncodedString()] + keyLines
        for output in outputs {
            for secret in secrets {
                #expect(!output.stdout.contains(secret) && !output.stderr.contains(secret), "secret in output: \(output)")
            }
        }
    }
}
