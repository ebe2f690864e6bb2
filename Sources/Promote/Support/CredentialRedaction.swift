import Foundation

/// Removes credentials from text that may quote a URL (libgit2 and server messages do).
public enum CredentialRedaction {
    private static let userInfo = try! NSRegularExpression(pattern: "([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s]+@")

    /// `https://user:token@host/x` becomes `https://***@host/x`; everything else is unchanged.
    public static func redact(_ text: String) -> String {
        let range = NSRange(text.startIndex..., in: text)
        return userInfo.stringByReplacingMatches(in: text, range: range, withTemplate: "$1***@")
    }
}
