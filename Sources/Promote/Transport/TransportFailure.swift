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

    /// The failure after every SSH identity was refused.
    static func sshRefused(_ url: String, tried: [SSHIdentity], rsaKeys: [String]) -> String {
        var message = "authentication failed for \(url)"
        if tried.isEmpty {
            message += ": no SSH key to offer — pass --ssh-key FILE (or KEOS_PROMOTE_SSH_KEY), start an ssh-agent (SSH_AUTH_SOCK), or create ~/.ssh/id_ed25519"
        } else {
            message += ": the server refused " + tried.map(\.label).joined(separator: ", ")
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
