import Foundation

/// Messages for transport failures the credential and host-key callbacks diagnosed; never contain a secret.
enum TransportFailure {
    static func unknownHost(_ name: String, host: String, port: Int?, keyType: String, fingerprint: String, knownHosts: String) -> String {
        let scan = "ssh-keyscan \(port.map { $0 == 22 ? "" : "-p \($0) " } ?? "")\(host) >> \(knownHosts)"
        return "host key for \(name) is not in \(knownHosts) (\(keyType) \(fingerprint)); refusing to connect to an unknown host — check the fingerprint, then add the key (e.g. `\(scan)`) or pass --known-hosts FILE"
    }

    static func changedHost(_ name: String, keyType: String, fingerprint: String, knownHosts: String) -> String {
        "host key for \(name) does not match \(knownHosts) (it presented \(keyType) \(fingerprint)): the key changed or someone is intercepting the connection; refusing to connect"
    }

    static func revokedHost(_ name: String, fingerprint: String, knownHosts: String) -> String {
        "host key for \(name) (\(fingerprint)) is marked @revoked in \(knownHosts); refusing to connect"
    }

    static func missingKnownHosts(_ name: String, keyType: String, fingerprint: String, knownHosts: String) -> String {
        "cannot check the host key of \(name) (\(keyType) \(fingerprint)): \(knownHosts) does not exist; create it with the host's key or pass --known-hosts FILE"
    }

    static func noHostKey(_ name: String) -> String {
        "\(name) did not present a host key that can be checked; refusing to connect"
    }

    static let rsaHint = "this libssh2 (1.10) cannot sign with RSA keys for OpenSSH 9 servers (they refuse ssh-rsa SHA-1 signatures); use an ed25519 key instead (ssh-keygen -t ed25519)"

    /// The failure after every SSH identity was refused (or there was none to offer); an agent that is empty or
    /// does not answer is named as such.
    static func sshRefused(_ url: String, tried: [SSHIdentity], rsaKeys: [String], agent: SSHAgentState = .absent) -> String {
        var message = "authentication failed for \(url)"
        let agentNote: String? = switch agent {
        case .empty: "the ssh-agent (SSH_AUTH_SOCK) holds no keys — add yours with ssh-add, or pass --ssh-key FILE"
        case .unreachable: "no ssh-agent answers at SSH_AUTH_SOCK (a stale variable?) — start one and ssh-add your key, or pass --ssh-key FILE"
        case .absent, .holding: nil
        }
        if !tried.isEmpty {
            message += ": the server refused " + tried.map(\.label).joined(separator: ", ")
            if let agentNote { message += "; " + agentNote }
        } else if let agentNote {
            message += ": " + agentNote
        } else {
            message += ": no SSH key to offer — pass --ssh-key FILE (or KEOS_PROMOTE_SSH_KEY), start an ssh-agent (SSH_AUTH_SOCK), or create ~/.ssh/id_ed25519"
        }
        if !rsaKeys.isEmpty {
            message += "; \(rsaKeys.joined(separator: ", ")) is an RSA key: " + rsaHint
        } else if tried.contains(.agent) {
            message += " (if the agent holds only RSA keys: " + rsaHint + ")"
        }
        return message
    }

    static func httpRefused(_ url: String, token: String?) -> String {
        if let token {
            return "authentication failed for \(url): the server refused the token from \(token)"
        }
        return "authentication failed for \(url): the server refused the credentials in the URL"
    }

    static func httpNoCredentials(_ url: String) -> String {
        "authentication required for \(url): set GIT_TOKEN or GITHUB_TOKEN, or put credentials in the remote URL"
    }

    static func unsupported(_ url: String) -> String {
        "authentication failed for \(url): the server asks for a kind of credentials keos-promote cannot provide"
    }
}
