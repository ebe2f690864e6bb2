import Foundation

/// Removes known secrets (tokens, passwords, private keys, exec credentials) from text before it is shown.
///
/// Messages are built not to include secrets in the first place; this is the second line of defence for
/// text we do not control, such as a server's error message or a plugin's stderr.
final class SecretScrubber: @unchecked Sendable {
    private let lock = NSLock()
    private var secrets: Set<String> = []

    init(_ secrets: [String] = []) {
        add(secrets)
    }

    /// Remembers more secrets; values shorter than 6 characters are ignored (they would mangle ordinary words).
    func add(_ values: [String]) {
        lock.lock()
        defer { lock.unlock() }
        for value in values where value.count >= 6 {
            secrets.insert(value)
        }
    }

    /// `text` with every known secret replaced by `***`.
    func scrub(_ text: String) -> String {
        lock.lock()
        let known = secrets.sorted { $0.count > $1.count }
        lock.unlock()
        var result = text
        for secret in known where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        return result
    }

    /// The forms in which a PEM private key could show up in text: the whole text, its base64 (as in a
    /// kubeconfig's `client-key-data`), and each base64 line of its body.
    static func pemSecrets(_ pem: Data) -> [String] {
        let text = String(decoding: pem, as: UTF8.self)
        var values = [text.trimmingCharacters(in: .whitespacesAndNewlines), pem.base64EncodedString()]
        values += text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.hasPrefix("-----") && $0.count >= 16 }
        return values
    }
}
