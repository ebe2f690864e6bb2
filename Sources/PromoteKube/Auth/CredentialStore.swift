import Foundation
import Promote

/// What one request presents: an `Authorization` header value and/or a client certificate.
struct RequestCredential: Sendable, Equatable {
    var authorization: String?
    /// A certificate from an exec plugin (kubeconfig certificates are part of the endpoint's TLS setup).
    var clientCertificate: ClusterEndpoint.ClientCertificate?
}

/// Hands out request credentials for every endpoint of one run, running exec plugins at most once per user
/// until their credential expires (or the server rejects it), and re-reading token files each time.
actor CredentialStore {
    private let plugin: ExecCredentialPlugin
    private let scrubber: SecretScrubber
    private let now: @Sendable () -> Date
    private var execCredentials: [String: Task<ExecCredential, any Error>] = [:]

    init(plugin: ExecCredentialPlugin, scrubber: SecretScrubber, now: @escaping @Sendable () -> Date = { Date() }) {
        self.plugin = plugin
        self.scrubber = scrubber
        self.now = now
    }

    /// The credential for the next request to `endpoint`; `renew` drops a cached exec credential first (after a 401).
    func credential(for endpoint: ClusterEndpoint, renew: Bool = false) async throws(PromoteError) -> RequestCredential {
        switch endpoint.credential {
        case .none:
            return RequestCredential()
        case .token(let token):
            return RequestCredential(authorization: "Bearer \(token)")
        case .basic(let username, let password):
            return RequestCredential(authorization: "Basic \(Data("\(username):\(password)".utf8).base64EncodedString())")
        case .tokenFile(let path):
            let token: String
            do {
                token = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw PromoteError(.badInput, "\(endpoint.name): cannot read the token file \(path) (\(endpoint.origin))")
            }
            guard !token.isEmpty else {
                throw PromoteError(.badInput, "\(endpoint.name): the token file \(path) is empty (\(endpoint.origin))")
            }
            scrubber.add([token])
            return RequestCredential(authorization: "Bearer \(token)")
        case .exec(let config, let key):
            let credential = try await execCredential(config, key: key, endpoint: endpoint, renew: renew)
            return RequestCredential(authorization: credential.token.map { "Bearer \($0)" },
                                     clientCertificate: credential.clientCertificate)
        }
    }

    private func execCredential(_ config: ExecConfig, key: String, endpoint: ClusterEndpoint,
                                renew: Bool) async throws(PromoteError) -> ExecCredential {
        if !renew, let existing = execCredentials[key] {
            let credential = try await value(of: existing)
            if !credential.isExpired(at: now()) { return credential }
            // Expired: another caller may have started a fresh run meanwhile.
            if let current = execCredentials[key], current != existing { return try await value(of: current) }
        }
        let plugin = self.plugin
        let scrubber = self.scrubber
        let task = Task<ExecCredential, any Error> {
            let credential = try await plugin.run(config, for: endpoint)
            scrubber.add(credential.secrets)
            return credential
        }
        execCredentials[key] = task
        return try await value(of: task)
    }

    private func value(of task: Task<ExecCredential, any Error>) async throws(PromoteError) -> ExecCredential {
        do {
            return try await task.value
        } catch let error as PromoteError {
            throw error
        } catch {
            throw PromoteError(.runtime, "exec credential plugin failed: \(error)")
        }
    }
}
