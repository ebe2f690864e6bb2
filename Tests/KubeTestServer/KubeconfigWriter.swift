import Foundation

/// Writes kubeconfig files for tests, one context per staging cluster.
public struct KubeconfigWriter: Sendable {
    /// How a context's user authenticates.
    public enum User: Sendable {
        case none
        case token(String)
        case tokenFile(String)
        case basic(username: String, password: String)
        /// Client certificate and key as file paths.
        case clientCertificateFiles(certificate: String, key: String)
        /// Client certificate and key inline (`-data`, base64 of the PEM).
        case clientCertificateData(certificate: Data, key: Data)
        case exec(apiVersion: String, command: String, args: [String], env: [String: String], interactiveMode: String?,
                  provideClusterInfo: Bool)
        /// Lines written under `user:` as they are.
        case raw([String])
    }

    /// How a context's cluster is trusted.
    public enum Trust: Sendable {
        case caFile(String)
        case caData(Data)
        case insecure
        case system
    }

    public struct Context: Sendable {
        public var name: String
        public var server: String
        public var trust: Trust
        public var user: User

        public init(name: String, server: String, trust: Trust, user: User) {
            self.name = name
            self.server = server
            self.trust = trust
            self.user = user
        }
    }

    public var contexts: [Context]
    public var currentContext: String?

    public init(contexts: [Context], currentContext: String? = nil) {
        self.contexts = contexts
        self.currentContext = currentContext ?? contexts.first?.name
    }

    /// The kubeconfig YAML.
    public func yaml() -> String {
        var lines = ["apiVersion: v1", "kind: Config"]
        if let currentContext { lines.append("current-context: \(quote(currentContext))") }
        lines.append("clusters:")
        for context in contexts {
            lines.append("- name: \(quote(context.name + "-cluster"))")
            lines.append("  cluster:")
            lines.append("    server: \(quote(context.server))")
            switch context.trust {
            case .caFile(let path): lines.append("    certificate-authority: \(quote(path))")
            case .caData(let pem): lines.append("    certificate-authority-data: \(pem.base64EncodedString())")
            case .insecure: lines.append("    insecure-skip-tls-verify: true")
            case .system: break
            }
        }
        lines.append("users:")
        for context in contexts {
            lines.append("- name: \(quote(context.name + "-user"))")
            lines.append("  user:")
            switch context.user {
            case .none:
                lines[lines.count - 1] = "  user: {}"
            case .token(let token):
                lines.append("    token: \(quote(token))")
            case .tokenFile(let path):
                lines.append("    tokenFile: \(quote(path))")
            case .basic(let username, let password):
                lines.append("    username: \(quote(username))")
                lines.append("    password: \(quote(password))")
            case .clientCertificateFiles(let certificate, let key):
                lines.append("    client-certificate: \(quote(certificate))")
                lines.append("    client-key: \(quote(key))")
            case .clientCertificateData(let certificate, let key):
                lines.append("    client-certificate-data: \(certificate.base64EncodedString())")
                lines.append("    client-key-data: \(key.base64EncodedString())")
            case .exec(let apiVersion, let command, let args, let env, let interactiveMode, let provideClusterInfo):
                lines.append("    exec:")
                lines.append("      apiVersion: \(quote(apiVersion))")
                lines.append("      command: \(quote(command))")
                lines.append("      args: [\(args.map(quote).joined(separator: ", "))]")
                if !env.isEmpty {
                    lines.append("      env:")
                    for (name, value) in env.sorted(by: { $0.key < $1.key }) {
                        lines.append("      - name: \(quote(name))")
                        lines.append("        value: \(quote(value))")
                    }
                }
                if let interactiveMode { lines.append("      interactiveMode: \(interactiveMode)") }
                if provideClusterInfo { lines.append("      provideClusterInfo: true") }
            case .raw(let raw):
                lines += raw.map { "    " + $0 }
            }
        }
        lines.append("contexts:")
        for context in contexts {
            lines.append("- name: \(quote(context.name))")
            lines.append("  context:")
            lines.append("    cluster: \(quote(context.name + "-cluster"))")
            lines.append("    user: \(quote(context.name + "-user"))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `yaml()` to `url` and returns it.
    @discardableResult
    public func write(to url: URL) throws -> URL {
        try Data(yaml().utf8).write(to: url)
        return url
    }

    private func quote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
