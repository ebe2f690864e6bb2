import Foundation
import Testing
import TestSupport
@testable import Promote
@testable import PromoteKube

/// Reading, merging and resolving kubeconfig files, and choosing the staging source; no server involved.
@Suite struct KubeconfigTests {
    private func write(_ text: String, _ name: String, in folder: TemporaryDirectory) throws -> String {
        let url = folder.url(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    private func load(_ paths: [String], required: Bool = true) -> Result<MergedKubeconfig, PromoteError> {
        do throws(PromoteError) {
            return .success(try KubeconfigLoader.load(paths, required: required))
        } catch {
            return .failure(error)
        }
    }

    private func endpoint(_ config: MergedKubeconfig, _ context: String?) -> Result<(endpoint: ClusterEndpoint, warnings: [String]), PromoteError> {
        do throws(PromoteError) {
            return .success(try KubeconfigLoader.endpoint(config, context: context))
        } catch {
            return .failure(error)
        }
    }

    static let sample = """
        apiVersion: v1
        kind: Config
        current-context: staging-1
        preferences: {}
        clusters:
        - name: staging-1
          cluster:
            server: https://10.0.0.1:6443/
            certificate-authority: certs/ca.crt
        - name: staging-2
          cluster:
            server: https://staging-2.example.com
            certificate-authority-data: \(Data("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".utf8).base64EncodedString())
        users:
        - name: ci
          user:
            tokenFile: secrets/token
        - name: oidc
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: ./bin/kubelogin
              args: [get-token, --oidc-issuer-url=https://issuer.example.com]
              env:
              - name: KUBELOGIN_CACHE
                value: /tmp/cache
              interactiveMode: IfAvailable
              provideClusterInfo: true
        - name: plain
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1beta1
              command: gke-gcloud-auth-plugin
        contexts:
        - name: staging-1
          context: {cluster: staging-1, user: ci, namespace: flux-system}
        - name: staging-2
          context: {cluster: staging-2, user: oidc}
        - name: staging-3
          context: {cluster: staging-2, user: plain}
        extensions: []

        """

    @Test func readsClustersUsersAndContextsAndResolvesRelativePaths() throws {
        let folder = try TemporaryDirectory()
        let path = try write(Self.sample, "conf/kubeconfig", in: folder)
        let config = try load([path]).get()
        #expect(config.currentContext == "staging-1")
        #expect(config.clusters["staging-1"]?.certificateAuthority == folder.url("conf/certs/ca.crt").path)
        #expect(config.users["ci"]?.tokenFile == folder.url("conf/secrets/token").path)
        let exec = try #require(config.users["oidc"]?.exec)
        #expect(exec.command == folder.url("conf/bin/kubelogin").path)
        #expect(exec.args == ["get-token", "--oidc-issuer-url=https://issuer.example.com"])
        #expect(exec.env.map(\.name) == ["KUBELOGIN_CACHE"] && exec.env.map(\.value) == ["/tmp/cache"])
        #expect(exec.interactiveMode == .ifAvailable && exec.provideClusterInfo)
        let plain = try #require(config.users["plain"]?.exec)
        #expect(plain.command == "gke-gcloud-auth-plugin")
        #expect(plain.interactiveMode == .ifAvailable)
        #expect(config.contexts["staging-1"] == KubeContext(cluster: "staging-1", user: "ci", namespace: "flux-system", file: path))
    }

    @Test func mergesAsKubectlDoesTheFirstFileWinsPerKey() throws {
        let folder = try TemporaryDirectory()
        let first = try write("""
            current-context: a
            clusters: [{name: shared, cluster: {server: "https://first.example.com"}}]
            users: [{name: u, user: {token: first-token-value}}]
            contexts: [{name: a, context: {cluster: shared, user: u}}]

            """, "first", in: folder)
        let second = try write("""
            current-context: b
            clusters:
            - {name: shared, cluster: {server: "https://second.example.com"}}
            - {name: only-second, cluster: {server: "https://only.example.com"}}
            users: [{name: u, user: {token: second-token-value}}]
            contexts: [{name: a, context: {cluster: only-second, user: u}}, {name: b, context: {cluster: only-second, user: u}}]

            """, "second", in: folder)
        let config = try load([first, folder.url("missing").path, second], required: false).get()
        #expect(config.files == [first, second])
        #expect(config.currentContext == "a")
        #expect(config.clusters["shared"]?.server == "https://first.example.com")
        #expect(config.clusters["only-second"]?.server == "https://only.example.com")
        #expect(config.users["u"]?.token == "first-token-value")
        #expect(config.contexts["a"]?.cluster == "shared")
        #expect(config.contexts["b"]?.file == second)
        let b = try endpoint(config, "b").get().endpoint
        #expect(b.server == "https://only.example.com" && b.credential == .token("first-token-value"))
    }

    @Test func anExplicitFileMustExist() throws {
        let folder = try TemporaryDirectory()
        let missing = folder.url("nope").path
        #expect(load([missing]).error == PromoteError(.badInput, "\(missing): no such kubeconfig file"))
    }

    @Test func malformedFilesNameTheFileAndThePlaceButNoValue() throws {
        let folder = try TemporaryDirectory()
        let secret = "sha256~Zm9vYmFyYmF6cXV4c2VjcmV0"
        let cases: [(String, String)] = [
            ("users: [{name: u, user: {token: \"\(secret)\"}\ncontexts: []\n", "invalid YAML at line "),
            ("clusters: [{name: c, cluster: {certificate-authority-data: abc}}]\n", "clusters[0].cluster: missing \"server\""),
            ("users: [{name: u, user: {client-key-data: \"not base64 \(secret)!\"}}]\n", "users[0].user.client-key-data: not valid base64"),
            ("users: [{name: u, user: {exec: {command: x, apiVersion: client.authentication.k8s.io/v1}}}]\n",
             "users[0].user.exec: missing \"interactiveMode\" (required by client.authentication.k8s.io/v1)"),
            ("users: [{name: u, user: {exec: {command: x, apiVersion: client.authentication.k8s.io/v1alpha1}}}]\n",
             "users[0].user.exec.apiVersion: client.authentication.k8s.io/v1alpha1 is not supported"),
            ("users: [{name: u, user: {exec: {command: x, apiVersion: client.authentication.k8s.io/v1, interactiveMode: Sometimes}}}]\n",
             "users[0].user.exec.interactiveMode: Sometimes is not Never, IfAvailable or Always"),
            ("clusters: {name: c}\n", "clusters: expected another type"),
            ("- just\n- a list\n", "not a kubeconfig"),
        ]
        for (index, (text, expected)) in cases.enumerated() {
            let path = try write(text, "kubeconfig-\(index)", in: folder)
            let error = try #require(load([path]).error)
            #expect(error.kind == .badInput)
            #expect(error.message.hasPrefix("\(path): malformed kubeconfig: "), "\(error.message)")
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(!error.message.contains(secret))
        }
    }

    @Test func anEmptyFileIsAnEmptyConfig() throws {
        let folder = try TemporaryDirectory()
        let config = try load([try write("\n\n", "empty", in: folder)]).get()
        #expect(config.contexts.isEmpty)
        #expect(endpoint(config, nil).error?.message.hasSuffix("no current-context is set; pass --context NAME (it defines no contexts)") == true)
    }

    @Test func contextsResolveToEndpoints() throws {
        let folder = try TemporaryDirectory()
        let path = try write(Self.sample, "kubeconfig", in: folder)
        try FileManager.default.createDirectory(at: folder.url("certs"), withIntermediateDirectories: true)
        try Data("CA PEM".utf8).write(to: folder.url("certs/ca.crt"))
        try FileManager.default.createDirectory(at: folder.url("secrets"), withIntermediateDirectories: true)
        try Data("token".utf8).write(to: folder.url("secrets/token"))
        let config = try load([path]).get()

        let current = try endpoint(config, nil).get()
        #expect(current.endpoint.name == "staging-1")
        #expect(current.endpoint.server == "https://10.0.0.1:6443")
        #expect(current.endpoint.trust == .certificates(pem: Data("CA PEM".utf8)))
        #expect(current.endpoint.credential == .tokenFile(folder.url("secrets/token").path))
        #expect(current.endpoint.origin == "context staging-1 in \(path)")
        #expect(current.warnings.isEmpty)

        let oidc = try endpoint(config, "staging-2").get().endpoint
        guard case .exec(let exec, let key) = oidc.credential else {
            Issue.record("expected an exec credential")
            return
        }
        #expect(exec.apiVersion == "client.authentication.k8s.io/v1" && key == "\(path)#oidc")
        #expect(oidc.trust == .certificates(pem: Data("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".utf8)))
    }

    @Test func settingsThatAreNotSupportedAreWarnedAbout() throws {
        let folder = try TemporaryDirectory()
        let path = try write("""
            clusters: [{name: c, cluster: {server: "https://api.example.com", proxy-url: "http://proxy:3128", tls-server-name: kubernetes}}]
            users: [{name: u, user: {token: abcdefgh, as: admin}}]
            contexts: [{name: staging, context: {cluster: c, user: u}}]

            """, "kubeconfig", in: folder)
        let resolved = try endpoint(try load([path]).get(), "staging").get()
        #expect(resolved.warnings == [
            "staging: proxy-url in \(path) is not supported; connecting to https://api.example.com directly",
            "staging: tls-server-name kubernetes in \(path) is not supported; the certificate must name the server's host",
            "staging: impersonation (as) in \(path) is not supported; reading as the user itself",
        ])
    }

    @Test func unresolvableContextsSayWhatIsMissing() throws {
        let folder = try TemporaryDirectory()
        let path = try write("""
            clusters:
            - {name: ok, cluster: {server: "https://ok.example.com"}}
            - {name: both, cluster: {server: "https://b.example.com", insecure-skip-tls-verify: true, certificate-authority-data: \(Data("x".utf8).base64EncodedString())}}
            - {name: ftp, cluster: {server: "ftp://files.example.com"}}
            users:
            - {name: gcp, user: {auth-provider: {name: gcp}}}
            - {name: half, user: {client-certificate-data: \(Data("cert".utf8).base64EncodedString())}}
            - {name: filed, user: {client-certificate: certs/missing.crt, client-key: certs/missing.key}}
            contexts:
            - {name: no-cluster, context: {cluster: gone, user: gcp}}
            - {name: no-user, context: {cluster: ok, user: gone}}
            - {name: legacy, context: {cluster: ok, user: gcp}}
            - {name: half, context: {cluster: ok, user: half}}
            - {name: both, context: {cluster: both}}
            - {name: ftp, context: {cluster: ftp}}
            - {name: filed, context: {cluster: ok, user: filed}}

            """, "kubeconfig", in: folder)
        let config = try load([path]).get()
        let origin = { (name: String) in "context \(name) in \(path)" }
        #expect(endpoint(config, "staging-9").error?.message
            == "\(path): no context named staging-9 (contexts: both, filed, ftp, half, legacy, no-cluster, no-user)")
        #expect(endpoint(config, "no-cluster").error?.message == "\(origin("no-cluster")): cluster gone is not defined in \(path)")
        #expect(endpoint(config, "no-user").error?.message == "\(origin("no-user")): user gone is not defined in \(path)")
        #expect(endpoint(config, "legacy").error?.message.hasPrefix("\(origin("legacy")): user gcp uses auth-provider gcp, which kubectl removed") == true)
        #expect(endpoint(config, "half").error?.message == "\(origin("half")): user half has a client certificate but no client-key")
        #expect(endpoint(config, "both").error?.message == "\(origin("both")): cluster both sets both insecure-skip-tls-verify and a certificate-authority; choose one")
        #expect(endpoint(config, "ftp").error?.message == "\(origin("ftp")): server ftp://files.example.com is not an https:// URL")
        #expect(endpoint(config, "filed").error?.message == "\(origin("filed")): client-certificate \(folder.url("certs/missing.crt").path): no such file")
        #expect([endpoint(config, "no-user"), endpoint(config, "ftp")].allSatisfy { $0.error?.kind == .badInput })
    }

    @Test func inClusterNeedsTheVariablesAndTheMountedToken() throws {
        let mount = try TemporaryDirectory()
        let config = InClusterConfig(folder: mount.path)
        let environment = ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"]
        let exists = { (path: String) in FileManager.default.fileExists(atPath: path) }
        #expect(!config.isAvailable(environment: environment, fileExists: exists))
        try Data("token".utf8).write(to: mount.url("token"))
        try Data("CA".utf8).write(to: mount.url("ca.crt"))
        #expect(config.isAvailable(environment: environment, fileExists: exists))
        #expect(!config.isAvailable(environment: [:], fileExists: exists))
        let endpoint = try config.endpoint(environment: environment)
        #expect(endpoint.server == "https://[fd00::1]:443")
        #expect(endpoint.name == "in-cluster")
        #expect(endpoint.credential == .tokenFile(mount.url("token").path))
        #expect(endpoint.trust == .certificates(pem: Data("CA".utf8)))
    }

    // MARK: Choosing the source

    @Test func theStagingSourceIsChosenAsKubectlWould() {
        let home = "/home/dev"
        let homeConfig = "/home/dev/.kube/config"
        func choose(kubeconfig: String? = nil, contexts: [String] = [], environment: [String: String] = [:],
                    existing: Set<String> = []) -> KubeStagingSource.Clusters? {
            var variables = ["HOME": home]
            variables.merge(environment) { _, new in new }
            return StagingSourceSelection.choose(kubeconfig: kubeconfig, contexts: contexts, environment: variables,
                                                 fileExists: { existing.contains($0) })
        }
        let pod = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        let token = InClusterConfig.defaultFolder + "/token"

        #expect(choose() == nil)
        #expect(choose(kubeconfig: "/k", contexts: ["a"], existing: [homeConfig])
            == .kubeconfig(files: ["/k"], explicit: true, contexts: ["a"]))
        #expect(choose(environment: ["KUBECONFIG": "/a::/b"], existing: ["/b", homeConfig])
            == .kubeconfig(files: ["/a", "/b"], explicit: false, contexts: []))
        #expect(choose(existing: [homeConfig]) == .kubeconfig(files: [homeConfig], explicit: false, contexts: []))
        // KUBECONFIG replaces ~/.kube/config even when its files are missing.
        #expect(choose(environment: ["KUBECONFIG": "/gone"], existing: [homeConfig]) == nil)
        #expect(choose(contexts: ["staging"]) == .kubeconfig(files: [], explicit: false, contexts: ["staging"]))
        #expect(choose(environment: pod, existing: [token]) == .inCluster(InClusterConfig()))
        #expect(choose(environment: pod) == nil)
        #expect(choose(environment: pod, existing: [token, homeConfig]) == .kubeconfig(files: [homeConfig], explicit: false, contexts: []))
        #expect(choose(environment: pod.merging([StagingSourceSelection.serviceAccountFolderVariable: "/sa"]) { $1 }, existing: ["/sa/token"])
            == .inCluster(InClusterConfig(folder: "/sa")))
    }

    @Test func contextsWithoutAnyKubeconfigSaySo() async {
        let source = KubeStagingSource(.kubeconfig(files: [], explicit: false, contexts: ["staging"]), environment: [:])
        #expect(await KubeHarness.read(source).error
            == PromoteError(.badInput, "no kubeconfig found: KUBECONFIG is not set and ~/.kube/config does not exist; pass --kubeconfig FILE"))
    }
}

