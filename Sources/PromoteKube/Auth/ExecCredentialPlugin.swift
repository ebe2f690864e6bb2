import Foundation
import Promote

/// What a credential plugin returned: a bearer token or a client certificate, and until when it is valid.
struct ExecCredential: Sendable, Equatable {
    var token: String?
    var clientCertificate: ClusterEndpoint.ClientCertificate?
    var expiration: Date?

    /// Whether it must be fetched again at `now` (it expires within 10 seconds).
    func isExpired(at now: Date) -> Bool {
        guard let expiration else { return false }
        return expiration.timeIntervalSince(now) < 10
    }

    /// The secret values, for scrubbing.
    var secrets: [String] {
        (token.map { [$0] } ?? []) + (clientCertificate.map { SecretScrubber.pemSecrets($0.keyPEM) } ?? [])
    }
}

/// Runs `client.authentication.k8s.io` credential plugins (`users[].user.exec`) the way kubectl does.
///
/// The plugin gets this process's environment plus `exec.env` and `KUBERNETES_EXEC_INFO` (an ExecCredential
/// whose `spec` says whether it may interact, and the cluster when `provideClusterInfo` is set); it prints an
/// ExecCredential whose `status` holds a token or a client certificate and key, optionally with
/// `expirationTimestamp`. Stdin is handed over only when a person can answer (interactiveMode `IfAvailable`
/// or `Always` on a terminal); a plugin that requires a terminal fails without one.
struct ExecCredentialPlugin: Sendable {
    var environment: [String: String]
    /// Whether stdin is a terminal a person can answer on.
    var interactive: Bool
    var timeout: TimeInterval

    /// Runs the plugin of `config` for `endpoint` and decodes its credential.
    ///
    /// - Throws: `PromoteError(.badInput)` when the command cannot be found or needs a terminal there is not;
    ///   `PromoteError(.runtime)` when it fails, times out, or prints something that is not an ExecCredential
    ///   of its `apiVersion`. Messages never quote the plugin's output.
    func run(_ config: ExecConfig, for endpoint: ClusterEndpoint) async throws(PromoteError) -> ExecCredential {
        let name = URL(fileURLWithPath: config.command).lastPathComponent
        let subject = "\(endpoint.name): exec credential plugin \(DisplayText.escaped(name))"
        guard let executable = resolveCommand(config.command) else {
            let hint = config.installHint.map { ": \(DisplayText.escaped($0.trimmingCharacters(in: .whitespacesAndNewlines)))" } ?? ""
            throw PromoteError(.badInput, "\(subject) not found (\(endpoint.origin))\(hint)")
        }
        let mayInteract: Bool
        switch config.interactiveMode {
        case .never: mayInteract = false
        case .ifAvailable: mayInteract = interactive
        case .always:
            guard interactive else {
                throw PromoteError(.badInput, "\(subject) needs an interactive terminal (interactiveMode: Always), and there is none; use a non-interactive credential in CI")
            }
            mayInteract = true
        }
        var variables = environment
        for variable in config.env { variables[variable.name] = variable.value }
        variables["KUBERNETES_EXEC_INFO"] = execInfo(config, endpoint: endpoint, interactive: mayInteract)

        let result: ProcessOutput
        do {
            result = try await ProcessOutput.run(executable, config.args, environment: variables, passStandardInput: mayInteract,
                                                 passStandardError: mayInteract, timeout: timeout)
        } catch {
            throw PromoteError(.runtime, "\(subject) could not be started: \(error.localizedDescription)")
        }
        if result.timedOut {
            throw PromoteError(.runtime, "\(subject) did not finish within \(Int(timeout))s")
        }
        guard result.status == 0 else {
            let detail = result.stderrSummary.map { ": \($0)" } ?? ""
            throw PromoteError(.runtime, "\(subject) failed with exit status \(result.status)\(detail)")
        }
        return try Self.decode(result.stdout, apiVersion: config.apiVersion, subject: subject)
    }

    /// Decodes the plugin's stdout.
    static func decode(_ data: Data, apiVersion: String, subject: String) throws(PromoteError) -> ExecCredential {
        let output: WireOutput
        do {
            output = try JSONDecoder().decode(WireOutput.self, from: data)
        } catch {
            throw PromoteError(.runtime, "\(subject) printed something that is not an ExecCredential (JSON expected on stdout)")
        }
        guard output.kind == "ExecCredential" else {
            throw PromoteError(.runtime, "\(subject) printed kind \(DisplayText.escaped(output.kind ?? "(none)")), not ExecCredential")
        }
        guard output.apiVersion == apiVersion else {
            throw PromoteError(.runtime, "\(subject) answered in \(DisplayText.escaped(output.apiVersion ?? "(no apiVersion)")) but was asked for \(apiVersion)")
        }
        guard let status = output.status else {
            throw PromoteError(.runtime, "\(subject) printed an ExecCredential without status")
        }
        var expiration: Date?
        if let text = status.expirationTimestamp, !text.isEmpty {
            guard let date = KubeTimestamp.parse(text) else {
                throw PromoteError(.runtime, "\(subject) printed an expirationTimestamp that is not an RFC 3339 time")
            }
            expiration = date
        }
        var certificate: ClusterEndpoint.ClientCertificate?
        switch (status.clientCertificateData, status.clientKeyData) {
        case (let cert?, let key?) where !cert.isEmpty && !key.isEmpty:
            certificate = .init(certificatePEM: Data(cert.utf8), keyPEM: Data(key.utf8))
        case (nil, nil), ("", ""), (nil, ""), ("", nil):
            certificate = nil
        default:
            throw PromoteError(.runtime, "\(subject) returned a client certificate without its key, or a key without its certificate")
        }
        let token = status.token.flatMap { $0.isEmpty ? nil : $0 }
        guard token != nil || certificate != nil else {
            throw PromoteError(.runtime, "\(subject) returned neither a token nor a client certificate")
        }
        return ExecCredential(token: token, clientCertificate: certificate, expiration: expiration)
    }

    /// The `KUBERNETES_EXEC_INFO` document.
    func execInfo(_ config: ExecConfig, endpoint: ClusterEndpoint, interactive: Bool) -> String {
        var spec: [String: Any] = ["interactive": interactive]
        if config.provideClusterInfo {
            var cluster: [String: Any] = ["server": endpoint.server]
            switch endpoint.trust {
            case .certificates(let pem): cluster["certificate-authority-data"] = pem.base64EncodedString()
            case .insecure: cluster["insecure-skip-tls-verify"] = true
            case .system: break
            }
            spec["cluster"] = cluster
        }
        let object: [String: Any] = ["apiVersion": config.apiVersion, "kind": "ExecCredential", "spec": spec]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The executable: a path as given, or the first match on `PATH`.
    func resolveCommand(_ command: String) -> String? {
        ChildProcess.locate(command, environment: environment)
    }

    private struct WireOutput: Decodable {
        struct Status: Decodable {
            var token: String?
            var clientCertificateData: String?
            var clientKeyData: String?
            var expirationTimestamp: String?
        }

        var apiVersion: String?
        var kind: String?
        var status: Status?
    }
}

/// Kubernetes timestamps: RFC 3339, with or without fractional seconds.
enum KubeTimestamp {
    static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
