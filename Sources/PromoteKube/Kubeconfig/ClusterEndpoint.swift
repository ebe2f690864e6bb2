import Foundation

/// Everything needed to reach one staging cluster's API server: where, whom to trust, and who we are.
///
/// Resolved from a kubeconfig context or from the in-cluster service account; holds secrets, so it has no
/// description and never appears in a message (messages use `name` and `origin`).
public struct ClusterEndpoint: Sendable {
    /// How the server's certificate is checked.
    public enum ServerTrust: Sendable, Equatable {
        /// The system's trust store (no `certificate-authority` configured).
        case system
        /// The PEM certificates of `certificate-authority(-data)`.
        case certificates(pem: Data)
        /// `insecure-skip-tls-verify: true`: not checked at all.
        case insecure
    }

    /// A TLS client certificate and its private key, both PEM.
    public struct ClientCertificate: Sendable, Equatable {
        public var certificatePEM: Data
        public var keyPEM: Data

        public init(certificatePEM: Data, keyPEM: Data) {
            self.certificatePEM = certificatePEM
            self.keyPEM = keyPEM
        }
    }

    /// Where the bearer credential comes from.
    public enum Credential: Sendable, Equatable {
        case none
        case token(String)
        /// Read at each use: service-account tokens rotate.
        case tokenFile(String)
        case basic(username: String, password: String)
        /// A credential plugin; `cacheKey` identifies the user, so contexts sharing it run the plugin once.
        case exec(ExecConfig, cacheKey: String)
    }

    /// The cluster name in reports: the context name, or `in-cluster`.
    public var name: String
    /// `https://host:port` and any path prefix, without a trailing slash.
    public var server: String
    public var trust: ServerTrust
    public var clientCertificate: ClientCertificate?
    public var credential: Credential
    /// Where this was configured, for messages: `context staging-1 in /home/me/.kube/config`.
    public var origin: String

    public init(name: String, server: String, trust: ServerTrust = .system, clientCertificate: ClientCertificate? = nil,
                credential: Credential = .none, origin: String) {
        self.name = name
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.trust = trust
        self.clientCertificate = clientCertificate
        self.credential = credential
        self.origin = origin
    }

    /// The secrets this endpoint carries, to scrub from any text before it is shown.
    var secrets: [String] {
        var values: [String] = []
        switch credential {
        case .token(let token): values.append(token)
        case .basic(_, let password): values.append(password)
        case .none, .tokenFile, .exec: break
        }
        if let clientCertificate { values += SecretScrubber.pemSecrets(clientCertificate.keyPEM) }
        return values
    }
}
