import Crypto
import Foundation

/// An OpenSSH `known_hosts` file: which host keys are trusted for which hosts.
///
/// Understands plain host patterns (comma-separated, `*`/`?` wildcards, `!` negation, `[host]:port`),
/// hashed entries (`|1|salt|hash`, HMAC-SHA1 of the host name keyed by the salt) and the `@revoked`
/// marker; `@cert-authority` lines are ignored (host certificates are not supported by libssh2 1.10).
public struct KnownHosts: Sendable {
    /// One trusted (or revoked) key line.
    struct Entry: Sendable {
        var patterns: [String]
        var key: Data
        var revoked: Bool
    }

    /// What the file says about a host and the key it presented.
    public enum Verdict: Equatable, Sendable {
        case trusted
        /// The key is listed as `@revoked`.
        case revoked
        /// The host is known, but with other keys of the same type: the key changed (or an attack).
        case changed
        /// The host is not listed with this key.
        case unknown
    }

    var entries: [Entry]

    /// Parses the text of a known_hosts file; lines that cannot be read are skipped, as ssh does.
    public init(text: String) {
        entries = []
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            var revoked = false
            if first.hasPrefix("@") {
                guard first == "@revoked" else { continue }
                revoked = true
                fields.removeFirst()
            }
            guard fields.count >= 3, let key = Data(base64Encoded: fields[2]) else { continue }
            entries.append(Entry(patterns: fields[0].split(separator: ",").map(String.init), key: key, revoked: revoked))
        }
    }

    /// The name ssh looks up: `host`, or `[host]:port` when the port is not 22.
    public static func lookupName(host: String, port: Int?) -> String {
        guard let port, port != 22 else { return host.lowercased() }
        return "[\(host.lowercased())]:\(port)"
    }

    /// Judges `key` (the raw host key blob, as in the file's third field) presented by `host` on `port`.
    public func verdict(host: String, port: Int?, key: Data) -> Verdict {
        let name = Self.lookupName(host: host, port: port)
        let keyType = Self.keyType(of: key)
        var sameTypeElsewhere = false
        var trusted = false
        for entry in entries where Self.matches(name, patterns: entry.patterns) {
            if entry.key == key {
                if entry.revoked { return .revoked }
                trusted = true
            } else if !entry.revoked && Self.keyType(of: entry.key) == keyType {
                sameTypeElsewhere = true
            }
        }
        if trusted { return .trusted }
        return sameTypeElsewhere ? .changed : .unknown
    }

    /// Whether `name` matches a comma-separated pattern list: one positive match and no negated one.
    static func matches(_ name: String, patterns: [String]) -> Bool {
        var matched = false
        for pattern in patterns {
            if pattern.hasPrefix("|1|") {
                if hashedMatch(name, pattern) { matched = true }
            } else if pattern.hasPrefix("!") {
                if wildcardMatch(name, String(pattern.dropFirst()).lowercased()) { return false }
            } else if wildcardMatch(name, pattern.lowercased()) {
                matched = true
            }
        }
        return matched
    }

    /// `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`.
    static func hashedMatch(_ name: String, _ pattern: String) -> Bool {
        let parts = pattern.split(separator: "|", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[0] == "1", let salt = Data(base64Encoded: String(parts[1])),
              let expected = Data(base64Encoded: String(parts[2])) else { return false }
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: Data(name.utf8), using: SymmetricKey(data: salt))
        return Data(code) == expected
    }

    /// Glob match with `*` and `?`, as ssh's host patterns.
    static func wildcardMatch(_ name: String, _ pattern: String) -> Bool {
        let text = Array(name.utf8), glob = Array(pattern.utf8)
        var t = 0, g = 0, starG = -1, starT = 0
        while t < text.count {
            if g < glob.count && (glob[g] == UInt8(ascii: "?") || glob[g] == text[t]) {
                t += 1; g += 1
            } else if g < glob.count && glob[g] == UInt8(ascii: "*") {
                starG = g; starT = t; g += 1
            } else if starG >= 0 {
                g = starG + 1; starT += 1; t = starT
            } else {
                return false
            }
        }
        while g < glob.count && glob[g] == UInt8(ascii: "*") { g += 1 }
        return g == glob.count
    }

    /// The key type named at the start of a host key blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, …).
    public static func keyType(of key: Data) -> String {
        let bytes = [UInt8](key)
        guard bytes.count >= 4 else { return "unknown" }
        let length = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        guard length > 0, 4 + length <= bytes.count else { return "unknown" }
        return String(decoding: bytes[4..<(4 + length)], as: UTF8.self)
    }

    /// `SHA256:<base64 without padding>`, as `ssh-keygen -l` prints a fingerprint.
    public static func fingerprint(of key: Data) -> String {
        let digest = Data(SHA256.hash(data: key)).base64EncodedString()
        return "SHA256:" + digest.replacingOccurrences(of: "=", with: "")
    }
}
