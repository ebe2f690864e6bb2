import Foundation
import KubeTestServer
import Testing
import TestSupport
@testable import Promote
@testable import PromoteKube

/// Reading Flux objects from a real (test) API server: authentication, pagination, API versions, retries.
@Suite struct KubeAPIReadTests {
    // MARK: Authentication

    @Test func aBearerTokenReadsAllThreeKinds() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server()
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server)], in: folder)
        let snapshots = try #require(await KubeHarness.read(KubeHarness.source(path)).snapshots)

        let cluster = try #require(snapshots.clusters.first)
        #expect(snapshots.clusters.count == 1 && cluster.name == "staging-1")
        #expect(cluster.gitRepositories.map(\.url) == [KubeHarness.repositoryURL])
        #expect(cluster.kustomizations.map(\.key.description) == ["flux-system/apps"])
        #expect(cluster.kustomizations.first?.lastAppliedRevision == "main@sha1:\(KubeHarness.revision)")
        #expect(cluster.helmReleases.map(\.key.description) == ["apps/podinfo"])
        #expect(snapshots.warnings.isEmpty)
        #expect(server.requests.map(\.path) == [
            "/apis/source.toolkit.fluxcd.io/v1/gitrepositories",
            "/apis/kustomize.toolkit.fluxcd.io/v1/kustomizations",
            "/apis/helm.toolkit.fluxcd.io/v2/helmreleases",
        ])
        #expect(server.requests.allSatisfy { $0.identity == "token:\(KubeHarness.user)" })
    }

    @Test func aTokenFileIsReadAtEachRead() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server { $0.tokens = ["first-token-000111": "first", "second-token-222333": "second"] }
        let tokenFile = folder.url("token")
        try Data("first-token-000111\n".utf8).write(to: tokenFile)
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server, user: .tokenFile(tokenFile.path))], in: folder)
        let source = KubeHarness.source(path)

        #expect(await KubeHarness.read(source).snapshots != nil)
        try Data("second-token-222333\n".utf8).write(to: tokenFile)
        #expect(await KubeHarness.read(source).snapshots != nil)
        #expect(server.requests.map(\.identity) == ["token:first", "token:first", "token:first", "token:second", "token:second", "token:second"])
    }

    @Test func basicAuthentication() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server { $0.basic = ["admin": "correct-horse-battery"] }
        let path = try KubeHarness.kubeconfig(
            [KubeHarness.context("staging-1", server, user: .basic(username: "admin", password: "correct-horse-battery"))], in: folder)
        #expect(await KubeHarness.read(KubeHarness.source(path)).snapshots?.clusters.count == 1)
        #expect(server.requests.allSatisfy { $0.identity == "basic:admin" })
    }

    @Test func clientCertificateFilesAndInlineData() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server()
        let client = server.certificates.client
        let path = try KubeHarness.kubeconfig([
            KubeHarness.context("files", server, user: .clientCertificateFiles(certificate: client.certificateFile.path, key: client.keyFile.path)),
            KubeHarness.context("inline", server, user: .clientCertificateData(certificate: client.certificatePEM, key: client.keyPEM),
                                trust: .caData(server.certificates.ca.certificatePEM)),
        ], in: folder)
        let snapshots = try #require(await KubeHarness.read(KubeHarness.source(path, contexts: ["files", "inline"])).snapshots)
        #expect(snapshots.clusters.map(\.name) == ["files", "inline"])
        #expect(server.requests.count == 6)
        #expect(server.requests.allSatisfy { $0.identity == "cert:\(TestCertificates.clientUser)" })
    }

    @Test func aClientCertificateFromAnotherCAIsUnauthorized() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server()
        let stranger = server.certificates.strangerClient
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server, user: .clientCertificateFiles(
            certificate: stranger.certificateFile.path, key: stranger.keyFile.path))], in: folder)
        let error = try #require(await KubeHarness.read(KubeHarness.source(path)).error)
        #expect(error.kind == .runtime)
        #expect(error.message.hasPrefix("staging-1: "))
    }

    @Test func anExecPluginTokenIsUsedAndCachedUntilItExpires() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server { $0.tokens = ["exec-issued-token-a1b2c3": "oidc:alice"] }
        let plugin = try ExecPlugin(response: ExecPlugin.tokenResponse("exec-issued-token-a1b2c3", expires: Date().addingTimeInterval(3_600)))
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server, user: plugin.user())], in: folder)
        let source = KubeHarness.source(path)

        #expect(await KubeHarness.read(source).snapshots?.clusters.count == 1)
        #expect(await KubeHarness.read(source).snapshots?.clusters.count == 1)
        #expect(plugin.runs == 1)
        #expect(server.requests.count == 6 && server.requests.allSatisfy { $0.identity == "token:oidc:alice" })
        #expect(plugin.arguments == "get-token --cluster staging\n")
        #expect(plugin.environmentSeen == "hello from kubeconfig")
        let info = try JSONSerialization.jsonObject(with: Data(plugin.execInfo.utf8)) as? [String: Any]
        #expect(info?["apiVersion"] as? String == "client.authentication.k8s.io/v1")
        #expect(info?["kind"] as? String == "ExecCredential")
        let spec = info?["spec"] as? [String: Any]
        #expect(spec?["interactive"] as? Bool == false)
        let cluster = spec?["cluster"] as? [String: Any]
        #expect(cluster?["server"] as? String == server.url)
        #expect(cluster?["certificate-authority-data"] as? String == server.certificates.ca.certificatePEM.base64EncodedString())
    }

    @Test func anExpiredExecCredentialIsFetchedAgain() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server { $0.tokens = ["short-lived-token-99": "oidc:alice"] }
        let plugin = try ExecPlugin(response: ExecPlugin.tokenResponse("short-lived-token-99", expires: Date().addingTimeInterval(-60)))
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server, user: plugin.user())], in: folder)
        #expect(await KubeHarness.read(KubeHarness.source(path)).snapshots != nil)
        #expect(plugin.runs == 3)
    }

    @Test func aRejectedExecCredentialIsRenewedOnce() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server { $0.tokens = ["renewed-token-2222": "oidc:alice"] }
        let plugin = try ExecPlugin(response: ExecPlugin.tokenResponse("renewed-token-2222"))
        try plugin.respond(ExecPlugin.tokenResponse("revoked-token-1111"), run: 1)
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server, user: plugin.user())], in: folder)
        #expect(await KubeHarness.read(KubeHarness.source(path)).snapshots != nil)
        #expect(plugin.runs == 2)
        #expect(server.requests.map(\.identity) == ["none", "token:oidc:alice", "token:oidc:alice", "token:oidc:alice"])
    }

    @Test func anExecPluginClientCertificateV1beta1() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server()
        let plugin = try ExecPlugin(response: ExecPlugin.certificateResponse(server.certificates.client))
        let path = try KubeHarness.kubeconfig(
            [KubeHarness.context("staging-1", server, user: plugin.user(apiVersion: "client.authentication.k8s.io/v1beta1", interactiveMode: nil))],
            in: folder)
        #expect(await KubeHarness.read(KubeHarness.source(path)).snapshots != nil)
        #expect(server.requests.allSatisfy { $0.identity == "cert:\(TestCertificates.clientUser)" })
        #expect(plugin.execInfo.contains("\"apiVersion\":\"client.authentication.k8s.io/v1beta1\""))
    }

    @Test func execPluginFailuresSayWhatFailedWithoutItsOutput() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server()
        let plugin = try ExecPlugin(response: "{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\",\"status\":{\"token\":\"leaky-secret-0987\"}}")
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server, user: plugin.user(apiVersion: "client.authentication.k8s.io/v1beta1", interactiveMode: "Never"))], in: folder)
        let mismatch = try #require(await KubeHarness.read(KubeHarness.source(path)).error)
        #expect(mismatch.kind == .runtime)
        #expect(mismatch.message == "staging-1: exec credential plugin credential-plugin answered in client.authentication.k8s.io/v1 but was asked for client.authentication.k8s.io/v1beta1")

        try plugin.failNextRuns()
        let failed = try #require(await KubeHarness.read(KubeHarness.source(path)).error)
        #expect(failed.message == "staging-1: exec credential plugin credential-plugin failed with exit status 3: credential-plugin: the session expired, log in again")
        #expect(!failed.message.contains("leaky-secret-0987"))
    }

    @Test func anExecPluginThatIsMissingShowsTheInstallHint() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server()
        let path = folder.url("kubeconfig").path
        try Data("""
            apiVersion: v1
            kind: Config
            current-context: staging-1
            clusters: [{name: c, cluster: {server: "\(server.url)", certificate-authority: "\(server.certificates.ca.certificateFile.path)"}}]
            users:
            - name: u
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: kubelogin-not-installed
                  interactiveMode: Never
                  installHint: "install kubelogin: brew install int128/kubelogin/kubelogin"
            contexts: [{name: staging-1, context: {cluster: c, user: u}}]

            """.utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(await KubeHarness.read(KubeHarness.source(path, environment: ["PATH": "/usr/bin:/bin"])).error)
        #expect(error.kind == .badInput)
        #expect(error.message.contains("exec credential plugin kubelogin-not-installed not found"))
        #expect(error.message.hasSuffix("install kubelogin: brew install int128/kubelogin/kubelogin"))
    }

    @Test func anInteractiveOnlyPluginFailsWithoutATerminal() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server()
        let plugin = try ExecPlugin(response: ExecPlugin.tokenResponse(KubeHarness.token))
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server, user: plugin.user(interactiveMode: "Always"))], in: folder)
        let error = try #require(await KubeHarness.read(KubeHarness.source(path)).error)
        #expect(error.kind == .badInput)
        #expect(error.message.contains("needs an interactive terminal (interactiveMode: Always)"))
        #expect(plugin.runs == 0)
    }

    @Test func inClusterServiceAccountFromAMountedFolder() async throws {
        let server = try KubeHarness.server()
        let mount = try TemporaryDirectory(prefix: "serviceaccount")
        try Data("\(KubeHarness.token)\n".utf8).write(to: mount.url("token"))
        try server.certificates.ca.certificatePEM.write(to: mount.url("ca.crt"))
        try Data("flux-system".utf8).write(to: mount.url("namespace"))
        let environment = ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(server.port),
                           StagingSourceSelection.serviceAccountFolderVariable: mount.path]
        let clusters = try #require(StagingSourceSelection.choose(kubeconfig: nil, contexts: [], environment: environment,
                                                                  fileExists: { FileManager.default.fileExists(atPath: $0) }))
        #expect(clusters == .inCluster(InClusterConfig(folder: mount.path)))
        let source = KubeStagingSource(clusters, environment: environment, options: KubeHarness.options())
        let snapshots = try #require(await KubeHarness.read(source).snapshots)
        #expect(snapshots.clusters.map(\.name) == ["in-cluster"])
        #expect(server.requests.allSatisfy { $0.identity == "token:\(KubeHarness.user)" })
    }

    @Test func insecureSkipTLSVerifyWarns() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server { $0.certificate = .wrongHost }
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server, trust: .insecure)], in: folder)
        let snapshots = try #require(await KubeHarness.read(KubeHarness.source(path, environment: ["https_proxy": "http://proxy:3128"])).snapshots)
        #expect(snapshots.warnings == [
            "staging-1: insecure-skip-tls-verify is set in \(path): the API server's certificate is not verified",
            "https_proxy is set, but keos-promote connects to the Kubernetes API servers directly",
        ])
    }

    // MARK: Lists

    @Test func listsFollowContinueTokensWithTheLimit() async throws {
        let folder = try TemporaryDirectory()
        var fixture = KubeHarness.healthy()
        for index in 1...4 {
            fixture = fixture.kustomization(name: "apps-\(index)", path: "components/apps-\(index)/staging", appliedRevision: KubeHarness.revision)
        }
        let server = try KubeHarness.server(fixture)
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server)], in: folder)
        var options = KubeHarness.options()
        options.pageSize = 2
        let snapshots = try #require(await KubeHarness.read(KubeHarness.source(path, options: options)).snapshots)

        #expect(snapshots.clusters[0].kustomizations.map(\.key.name) == ["apps", "apps-1", "apps-2", "apps-3", "apps-4"])
        let lists = server.requests.filter { $0.path.hasSuffix("/kustomizations") }
        #expect(lists.count == 3)
        #expect(lists.allSatisfy { $0.query["limit"] == "2" })
        #expect(lists.map { $0.query["continue"] == nil } == [true, false, false])
    }

    @Test func anExpiredContinueTokenRestartsTheList() async throws {
        let folder = try TemporaryDirectory()
        let fixture = KubeHarness.healthy().kustomization(name: "infra", path: "components/infra/staging", appliedRevision: KubeHarness.revision)
        let server = try KubeHarness.server(fixture)
        server.inject([.expireContinue])
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server)], in: folder)
        var options = KubeHarness.options()
        options.pageSize = 1
        let snapshots = try #require(await KubeHarness.read(KubeHarness.source(path, options: options)).snapshots)
        #expect(snapshots.clusters[0].kustomizations.map(\.key.name) == ["apps", "infra"])
        let lists = server.requests.filter { $0.path.hasSuffix("/gitrepositories") }
        #expect(lists.map { $0.query["continue"] == nil } == [true])
        let kustomizationLists = server.requests.filter { $0.path.hasSuffix("/kustomizations") }
        #expect(kustomizationLists.map { $0.query["continue"] == nil } == [true, false, true, false])
    }

    @Test func olderServedVersionsAreReadWhenTheCurrentOnesAreNot() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server {
            $0.served = ["source.toolkit.fluxcd.io": ["v1beta2"], "kustomize.toolkit.fluxcd.io": ["v1beta2"],
                         "helm.toolkit.fluxcd.io": ["v2beta1"]]
        }
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server)], in: folder)
        let snapshots = try #require(await KubeHarness.read(KubeHarness.source(path)).snapshots)
        #expect(snapshots.clusters[0].helmReleases.count == 1 && snapshots.clusters[0].kustomizations.count == 1)
        #expect(server.requests.map(\.path) == [
            "/apis/source.toolkit.fluxcd.io/v1/gitrepositories",
            "/apis/source.toolkit.fluxcd.io/v1beta2/gitrepositories",
            "/apis/kustomize.toolkit.fluxcd.io/v1/kustomizations",
            "/apis/kustomize.toolkit.fluxcd.io/v1beta2/kustomizations",
            "/apis/helm.toolkit.fluxcd.io/v2/helmreleases",
            "/apis/helm.toolkit.fluxcd.io/v2beta2/helmreleases",
            "/apis/helm.toolkit.fluxcd.io/v2beta1/helmreleases",
        ])
    }

    @Test func aClusterWithoutHelmControllerHasNoHelmReleases() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server { $0.served["helm.toolkit.fluxcd.io"] = nil }
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server)], in: folder)
        let snapshots = try #require(await KubeHarness.read(KubeHarness.source(path)).snapshots)
        #expect(snapshots.clusters[0].helmReleases.isEmpty)
    }

    @Test func aClusterWithoutFluxIsRefused() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server { $0.served = [:] }
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server)], in: folder)
        let error = try #require(await KubeHarness.read(KubeHarness.source(path)).error)
        #expect(error == PromoteError(.badInput, "staging-1: the API server serves no GitRepository API (tried source.toolkit.fluxcd.io/v1, source.toolkit.fluxcd.io/v1beta2, source.toolkit.fluxcd.io/v1beta1); is Flux installed on this cluster?"))
    }

    // MARK: Retries and faults

    @Test func serverErrorsAreRetriedWithBackoffUntilOneSucceeds() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server()
        server.inject([.status(500), .status(503), .status(502)])
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server)], in: folder)
        let sleeps = Recorder<TimeInterval>()
        #expect(await KubeHarness.read(KubeHarness.source(path, options: KubeHarness.options(sleeps: sleeps))).snapshots != nil)
        #expect(sleeps.values == [0.25, 0.5, 1])
        #expect(server.requests.count == 6)
    }

    @Test func tooManyRequestsWaitsAsRetryAfterSays() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server()
        server.inject([.status(429, retryAfter: "3"), .status(429, retryAfter: "1")])
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server)], in: folder)
        let sleeps = Recorder<TimeInterval>()
        #expect(await KubeHarness.read(KubeHarness.source(path, options: KubeHarness.options(sleeps: sleeps))).snapshots != nil)
        #expect(sleeps.values == [3, 1])
    }

    @Test func serverErrorsThatPersistFailAfterTheLastAttempt() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server()
        server.inject(Array(repeating: .status(500), count: 5))
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server)], in: folder)
        let error = try #require(await KubeHarness.read(KubeHarness.source(path)).error)
        #expect(error == PromoteError(.runtime, "staging-1: list gitrepositories.source.toolkit.fluxcd.io/v1 failed: HTTP 500 InternalError: Internal error occurred: etcdserver: leader changed (after 5 attempts)"))
    }

    @Test func unauthorizedSaysTheCredentialsWereRejected() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server()
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server, user: .token("expired-token-5555"))], in: folder)
        let error = try #require(await KubeHarness.read(KubeHarness.source(path)).error)
        #expect(error == PromoteError(.runtime, "staging-1: the API server at \(server.url) rejected the credentials (401 Unauthorized: Unauthorized); the token or certificate may have expired, or belongs to another cluster"))
    }

    @Test func forbiddenNamesTheMissingPermission() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server { $0.forbidden = ["helmreleases"] }
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server)], in: folder)
        let error = try #require(await KubeHarness.read(KubeHarness.source(path)).error)
        #expect(error.kind == .runtime)
        #expect(error.message == "staging-1: permission denied: this identity may not list helmreleases in API group helm.toolkit.fluxcd.io at the cluster scope (403 Forbidden: helmreleases.helm.toolkit.fluxcd.io is forbidden: User \"\(KubeHarness.user)\" cannot list resource \"helmreleases\" in API group \"helm.toolkit.fluxcd.io\" at the cluster scope); grant get and list on gitrepositories, kustomizations and helmreleases (see deploy/rbac.yaml)")
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server()
        server.inject([.hang])
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server)], in: folder)
        let error = try #require(await KubeHarness.read(KubeHarness.source(path, options: KubeHarness.options(requestTimeout: 0.5))).error)
        #expect(error == PromoteError(.runtime, "staging-1: no answer from \(server.url) within 0.5s (--request-timeout)"))
    }

    @Test func malformedJSONIsAClearRuntimeError() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server()
        server.inject([.malformedJSON])
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server)], in: folder)
        let error = try #require(await KubeHarness.read(KubeHarness.source(path)).error)
        #expect(error.kind == .runtime)
        #expect(error.message.hasPrefix("staging-1: list gitrepositories.source.toolkit.fluxcd.io/v1: the API server's answer is not a JSON list (not valid JSON"))
    }

    @Test func anOversizedAnswerIsNotRead() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server()
        server.inject([.oversized(bytes: 2 << 20)])
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server)], in: folder)
        var options = KubeHarness.options()
        options.maxResponseBytes = 1 << 20
        let error = try #require(await KubeHarness.read(KubeHarness.source(path, options: options)).error)
        #expect(error == PromoteError(.runtime, "staging-1: list gitrepositories.source.toolkit.fluxcd.io/v1: the answer is larger than 1 MiB; refusing to read it"))
    }

    @Test func tlsFaultsSayWhatIsWrongWithTheCertificate() async throws {
        let folder = try TemporaryDirectory()
        let good = try KubeHarness.server()
        let expired = try KubeHarness.server { $0.certificate = .expired }
        let elsewhere = try KubeHarness.server { $0.certificate = .wrongHost }
        let path = try KubeHarness.kubeconfig([
            KubeHarness.context("wrong-ca", good, trust: .caFile(good.certificates.otherCA.certificateFile.path)),
            KubeHarness.context("expired", expired),
            KubeHarness.context("wrong-host", elsewhere),
            KubeHarness.context("good", good),
        ], in: folder)
        let error = try #require(await KubeHarness.read(KubeHarness.source(path, contexts: ["wrong-ca", "expired", "wrong-host", "good"])).error)
        #expect(error.message.hasPrefix("wrong-ca: TLS handshake with \(good.url) failed: the server's certificate is not signed by the kubeconfig's certificate-authority (wrong CA for this cluster?); expired: TLS handshake with \(expired.url) failed: the server's certificate expired on "))
        #expect(error.message.hasSuffix("; wrong-host: TLS: the certificate of \(elsewhere.url) is not valid for host 127.0.0.1 (it names other hosts); check the kubeconfig's server address"))
        #expect(!error.message.contains("good:"))
        #expect(expired.requests.isEmpty && elsewhere.requests.isEmpty)
    }

    @Test func aRefusedConnectionNamesTheServer() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server()
        let address = server.url
        server.stop()
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server, address: address)], in: folder)
        let error = try #require(await KubeHarness.read(KubeHarness.source(path)).error)
        #expect(error == PromoteError(.runtime, "staging-1: cannot connect to \(address): connection refused (is the API server running, and the address right?)"))
    }

    // MARK: Several clusters

    @Test func everyContextIsReadConcurrentlyAndAFailingOneIsNamed() async throws {
        let folder = try TemporaryDirectory()
        let first = try KubeHarness.server()
        let second = try KubeHarness.server()
        let third = try KubeHarness.server { $0.forbidden = ["kustomizations"] }
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", first), KubeHarness.context("staging-2", second),
                                               KubeHarness.context("staging-3", third)], in: folder)
        let both = try #require(await KubeHarness.read(KubeHarness.source(path, contexts: ["staging-2", "staging-1"])).snapshots)
        #expect(both.clusters.map(\.name) == ["staging-2", "staging-1"])

        let error = try #require(await KubeHarness.read(KubeHarness.source(path, contexts: ["staging-1", "staging-2", "staging-3"])).error)
        #expect(error.message.hasPrefix("staging-3: permission denied: this identity may not list kustomizations"))
    }

    // MARK: Secrets

    @Test func secretsInServerMessagesAreScrubbed() async throws {
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server()
        server.inject([.status(500, message: "webhook authenticator rejected token \(KubeHarness.token)")])
        let path = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server)], in: folder)
        var options = KubeHarness.options()
        options.retry.attempts = 1
        let error = try #require(await KubeHarness.read(KubeHarness.source(path, options: options)).error)
        #expect(error.message == "staging-1: list gitrepositories.source.toolkit.fluxcd.io/v1 failed: HTTP 500 InternalError: webhook authenticator rejected token ***")
    }
}
