import Foundation
import KubeTestServer
import TestSupport
@testable import Promote
@testable import PromoteKube

/// Shared pieces of the Kubernetes API tests: servers, kubeconfigs, exec plugin scripts, fast client options.
enum KubeHarness {
    static let token = "staging-token-6f1c2a9e77d04b1f"
    static let user = "system:serviceaccount:flux-system:keos-promote"
    static let repositoryURL = "https://git.example.com/platform/keos-system-services.git"
    static let revision = "3f2a9c1e5b7d4f6a8c0e2b4d6f8a0c2e4b6d8f0a"

    /// A server accepting `token` for `user`, serving `fixture` (default: one healthy Kustomization).
    static func server(_ fixture: FluxStatusFixture? = nil,
                       _ configure: (inout KubeAPIServer.Configuration) -> Void = { _ in }) throws -> KubeAPIServer {
        var configuration = KubeAPIServer.Configuration(tokens: [token: user])
        configure(&configuration)
        let server = try KubeAPIServer(configuration: configuration)
        server.serve(fixture ?? healthy())
        return server
    }

    /// One GitRepository for `repositoryURL@main`, Kustomization `apps` at `revision` with HelmRelease `podinfo`.
    static func healthy(revision: String = revision) -> FluxStatusFixture {
        FluxStatusFixture(repositoryURL: repositoryURL)
            .kustomization(name: "apps", path: "components/apps/staging", appliedRevision: revision,
                           helmReleases: [.init(name: "podinfo", namespace: "apps", version: "6.7.1")])
    }

    /// A context for `server` trusting the test CA, authenticating as `user`.
    static func context(_ name: String, _ server: KubeAPIServer, user: KubeconfigWriter.User = .token(token),
                        trust: KubeconfigWriter.Trust? = nil, address: String? = nil) -> KubeconfigWriter.Context {
        KubeconfigWriter.Context(name: name, server: address ?? server.url,
                                 trust: trust ?? .caFile(server.certificates.ca.certificateFile.path), user: user)
    }

    /// Writes a kubeconfig with `contexts` into `folder` and returns its path.
    static func kubeconfig(_ contexts: [KubeconfigWriter.Context], in folder: TemporaryDirectory,
                           name: String = "kubeconfig", current: String? = nil) throws -> String {
        try KubeconfigWriter(contexts: contexts, currentContext: current).write(to: folder.url(name)).path
    }

    /// Client options for tests: short timeouts, retries that record their delays instead of sleeping.
    static func options(sleeps: Recorder<TimeInterval>? = nil, requestTimeout: TimeInterval = 5) -> KubeClientOptions {
        var options = KubeClientOptions()
        options.requestTimeout = requestTimeout
        options.connectTimeout = 2
        options.sleep = { seconds in sleeps?.append(seconds) }
        return options
    }

    /// A clean environment for sources and plugins: this process's `PATH` only (no proxies, no KUBECONFIG).
    static let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]

    /// A source reading `contexts` of the kubeconfig at `path`.
    static func source(_ path: String, contexts: [String] = [], environment: [String: String] = environment,
                       options: KubeClientOptions = options()) -> KubeStagingSource {
        KubeStagingSource(.kubeconfig(files: [path], explicit: true, contexts: contexts), environment: environment, options: options)
    }

    /// Reads and returns the snapshots, or the error.
    static func read(_ source: KubeStagingSource) async -> Result<StagingSnapshots, PromoteError> {
        do throws(PromoteError) {
            return .success(try await source.read())
        } catch {
            return .failure(error)
        }
    }
}

extension Result where Failure == PromoteError {
    /// The error, or `nil` on success.
    var error: PromoteError? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

extension Result where Success == StagingSnapshots, Failure == PromoteError {
    var snapshots: StagingSnapshots? {
        if case .success(let value) = self { return value }
        return nil
    }
}

/// Values appended from any thread, read afterwards.
final class Recorder<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Value] = []

    func append(_ value: Value) {
        lock.lock()
        stored.append(value)
        lock.unlock()
    }

    var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}

/// An exec credential plugin: a shell script in its own folder that records how it was run and prints
/// `response.json` (or `response-<run>.json` when present); with a file `fail` it exits 3 instead.
struct ExecPlugin {
    let folder: TemporaryDirectory
    var command: String { folder.url("credential-plugin").path }

    init(response: String) throws {
        folder = try TemporaryDirectory(prefix: "keos-exec-plugin")
        let script = """
            #!/bin/sh
            dir="$(dirname "$0")"
            printf '%s' "$KUBERNETES_EXEC_INFO" > "$dir/exec-info.json"
            printf '%s\\n' "$*" > "$dir/args.txt"
            printf '%s' "$PLUGIN_GREETING" > "$dir/env.txt"
            n=$(cat "$dir/runs" 2>/dev/null || echo 0); n=$((n+1)); echo "$n" > "$dir/runs"
            if [ -f "$dir/fail" ]; then echo "credential-plugin: the session expired, log in again" >&2; exit 3; fi
            if [ -f "$dir/response-$n.json" ]; then cat "$dir/response-$n.json"; else cat "$dir/response.json"; fi

            """
        try Data(script.utf8).write(to: folder.url("credential-plugin"))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: command)
        try respond(response)
    }

    func respond(_ json: String, run: Int? = nil) throws {
        try Data(json.utf8).write(to: folder.url(run.map { "response-\($0).json" } ?? "response.json"))
    }

    func failNextRuns() throws {
        try Data().write(to: folder.url("fail"))
    }

    var runs: Int { Int((try? String(contentsOf: folder.url("runs"), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0 }
    var execInfo: String { (try? String(contentsOf: folder.url("exec-info.json"), encoding: .utf8)) ?? "" }
    var arguments: String { (try? String(contentsOf: folder.url("args.txt"), encoding: .utf8)) ?? "" }
    var environmentSeen: String { (try? String(contentsOf: folder.url("env.txt"), encoding: .utf8)) ?? "" }

    /// An ExecCredential with a token.
    static func tokenResponse(_ token: String, apiVersion: String = "client.authentication.k8s.io/v1", expires: Date? = nil) -> String {
        let expiry = expires.map { ",\"expirationTimestamp\":\"\(FluxStatusFixture.timestamp($0))\"" } ?? ""
        return "{\"apiVersion\":\"\(apiVersion)\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"\(token)\"\(expiry)}}"
    }

    /// An ExecCredential with a client certificate.
    static func certificateResponse(_ pair: TestCertificates.Pair, apiVersion: String = "client.authentication.k8s.io/v1beta1") -> String {
        func json(_ data: Data) -> String {
            let text = String(decoding: data, as: UTF8.self)
            return String(decoding: try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes]), as: UTF8.self)
                .dropFirst().dropLast().description
        }
        return "{\"apiVersion\":\"\(apiVersion)\",\"kind\":\"ExecCredential\",\"status\":{\"clientCertificateData\":\(json(pair.certificatePEM)),\"clientKeyData\":\(json(pair.keyPEM))}}"
    }

    /// The user entry of a kubeconfig running this plugin.
    func user(apiVersion: String = "client.authentication.k8s.io/v1", args: [String] = ["get-token", "--cluster", "staging"],
              interactiveMode: String? = "Never", provideClusterInfo: Bool = true) -> KubeconfigWriter.User {
        .exec(apiVersion: apiVersion, command: command, args: args, env: ["PLUGIN_GREETING": "hello from kubeconfig"],
              interactiveMode: interactiveMode, provideClusterInfo: provideClusterInfo)
    }
}
