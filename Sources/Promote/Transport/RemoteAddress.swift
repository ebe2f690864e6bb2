import Foundation

/// The parts of a remote URL that transports need: scheme, user, host, port and path.
///
/// Understands `scheme://[user[:password]@]host[:port]/path` (ssh, https, http, git), the scp-like
/// `[user@]host:path`, and local paths (`isLocal`). The password is never kept.
public struct RemoteAddress: Sendable, Equatable {
    /// `ssh`, `https`, `http`, `git`, `file`; `ssh` for the scp-like form; `nil` for a local path.
    public var scheme: String?
    public var user: String?
    public var host: String
    public var port: Int?
    /// The path on the server, without a leading slash for the scp-like form.
    public var path: String
    /// Whether the URL carried a password (or token) in its user part.
    public var hasPassword: Bool

    public init?(_ text: String) {
        if let schemeEnd = text.range(of: "://") {
            let scheme = text[..<schemeEnd.lowerBound].lowercased()
            let rest = text[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
            var authority = String(rest[..<authorityEnd])
            self.scheme = scheme
            path = String(rest[authorityEnd...])
            hasPassword = false
            if let at = authority.lastIndex(of: "@") {
                let userInfo = authority[..<at]
                let name = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                user = name.first.map { String($0).removingPercentEncoding ?? String($0) }
                hasPassword = name.count > 1
                authority = String(authority[authority.index(after: at)...])
            }
            if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
                host = String(authority[authority.index(after: authority.startIndex)..<close])
                let after = authority[authority.index(after: close)...]
                port = after.hasPrefix(":") ? Int(after.dropFirst()) : nil
            } else if let colon = authority.lastIndex(of: ":") {
                host = String(authority[..<colon])
                port = Int(authority[authority.index(after: colon)...])
            } else {
                host = authority
            }
            if scheme == "file" { return }
            guard !host.isEmpty else { return nil }
            return
        }
        // scp-like: [user@]host:path, where the host part has no slash (else it is a local path).
        guard let colon = text.firstIndex(of: ":"), !text[..<colon].contains("/"), text[..<colon].count > 1 else {
            return nil
        }
        var hostPart = String(text[..<colon])
        if let at = hostPart.lastIndex(of: "@") {
            user = String(hostPart[..<at])
            hostPart = String(hostPart[hostPart.index(after: at)...])
        }
        if hostPart.hasPrefix("[") && hostPart.hasSuffix("]") { hostPart = String(hostPart.dropFirst().dropLast()) }
        guard !hostPart.isEmpty else { return nil }
        scheme = "ssh"
        host = hostPart
        path = String(text[text.index(after: colon)...])
        hasPassword = false
    }

    /// Whether the transport is SSH (`ssh://`, `git+ssh://`, `ssh+git://` or scp-like).
    public var isSSH: Bool { ["ssh", "git+ssh", "ssh+git"].contains(scheme ?? "") }

    /// Whether the transport is HTTP(S).
    public var isHTTP: Bool { scheme == "https" || scheme == "http" }

    /// The port to use: the explicit one, else the scheme's default.
    public var effectivePort: Int? {
        if let port { return port }
        switch scheme {
        case "ssh", "git+ssh", "ssh+git": return 22
        case "https": return 443
        case "http": return 80
        case "git": return 9418
        default: return nil
        }
    }
}
