import Foundation

/// Where credentials and trusted host keys come from for fetches and pushes.
public struct TransportSettings: Sendable, Equatable {
    /// `--ssh-key` (or `KEOS_PROMOTE_SSH_KEY`): the only SSH key tried when set.
    public var sshKey: String?
    /// `--known-hosts`: the trusted host keys (default `~/.ssh/known_hosts`).
    public var knownHosts: String?
    /// The process environment: `SSH_AUTH_SOCK`, `GIT_TOKEN`, `GITHUB_TOKEN`, `HOME`, `KEOS_PROMOTE_SSH_KEY`.
    public var environment: [String: String]
    /// Remote name → the URL to connect to instead of the configured one (the `--url` mirror keeps a
    /// credential-free URL in its config and the given one, credentials included, only in memory).
    public var instanceURLs: [String: String] = [:]

    public init(sshKey: String? = nil, knownHosts: String? = nil, environment: [String: String] = [:]) {
        self.sshKey = sshKey
        self.knownHosts = knownHosts
        self.environment = environment
    }

    var home: String? { environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } }

    /// The explicit key: the flag, else `KEOS_PROMOTE_SSH_KEY`.
    var explicitKey: String? {
        if let sshKey, !sshKey.isEmpty { return sshKey }
        if let key = environment["KEOS_PROMOTE_SSH_KEY"], !key.isEmpty { return key }
        return nil
    }

    /// The known_hosts file that decides which host keys are trusted.
    public var knownHostsPath: String {
        if let knownHosts, !knownHosts.isEmpty { return knownHosts }
        return (home ?? NSHomeDirectory()) + "/.ssh/known_hosts"
    }

    /// An HTTPS token: `GIT_TOKEN`, else `GITHUB_TOKEN`.
    var httpToken: (variable: String, value: String)? {
        for name in ["GIT_TOKEN", "GITHUB_TOKEN"] {
            if let value = environment[name], !value.isEmpty { return (name, value) }
        }
        return nil
    }

    /// The ssh-agent `SSH_AUTH_SOCK` names, if any.
    var agentSocket: String? { environment["SSH_AUTH_SOCK"].flatMap { $0.isEmpty ? nil : $0 } }

    /// The SSH identities to try, in order: the explicit key alone; else the agent (when it holds keys: an
    /// agent that does not answer would end the attempt), then the default key files.
    func sshIdentities(agent: SSHAgentState, fileExists: (String) -> Bool) -> [SSHIdentity] {
        if let key = explicitKey { return [.file(key)] }
        var identities: [SSHIdentity] = []
        if case .holding = agent { identities.append(.agent) }
        if let home {
            for name in ["id_ed25519", "id_ecdsa"] where fileExists("\(home)/.ssh/\(name)") {
                identities.append(.file("\(home)/.ssh/\(name)"))
            }
        }
        return identities
    }
}

/// What `SSH_AUTH_SOCK` leads to.
enum SSHAgentState: Equatable {
    /// No `SSH_AUTH_SOCK`.
    case absent
    /// Nothing answers there (a stale variable).
    case unreachable
    /// An agent without keys.
    case empty
    /// An agent with this many keys.
    case holding(Int)

    /// Asks the agent at `socket`, if any.
    static func query(socket: String?) -> SSHAgentState {
        guard let socket else { return .absent }
        switch SSHAgentQuery.keyCount(socket: socket) {
        case nil: return .unreachable
        case 0?: return .empty
        case let count?: return .holding(count)
        }
    }
}

/// One way of proving who we are to an SSH server.
enum SSHIdentity: Equatable {
    case agent
    case file(String)

    var label: String {
        switch self {
        case .agent: "the ssh-agent"
        case .file(let path): "key \(path)"
        }
    }
}

/// What an SSH private key file holds, as far as the choice of signature algorithm matters.
enum SSHKeyKind: Equatable {
    case rsa, other, unreadable

    /// Reads the public key beside it (`FILE.pub`) or the private key's own header.
    static func of(privateKey path: String) -> SSHKeyKind {
        if let text = try? String(contentsOfFile: path + ".pub", encoding: .utf8) {
            return text.hasPrefix("ssh-rsa ") ? .rsa : .other
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return .unreadable }
        if text.contains("BEGIN RSA PRIVATE KEY") { return .rsa }
        if text.contains("BEGIN OPENSSH PRIVATE KEY") {
            let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            if let data = Data(base64Encoded: body), data.prefix(200).range(of: Data("ssh-rsa".utf8)) != nil { return .rsa }
        }
        return .other
    }
}
