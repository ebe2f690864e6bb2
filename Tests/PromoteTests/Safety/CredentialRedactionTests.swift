import Foundation
import Testing
import TestSupport
@testable import Promote

/// The redaction of `scheme://user:password@` in messages: what the former regular expression did, in one pass.
@Suite struct CredentialRedactionTests {
    /// The regular expression the one-pass redaction replaced: the oracle.
    static let oracle = try! NSRegularExpression(pattern: "([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s]+@")

    static func oracleRedact(_ text: String) -> String {
        oracle.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$1***@")
    }

    @Test(arguments: [
        ("https://user:token@host/x", "https://***@host/x"),
        ("fetch from https://deploy:hunter2@git.example.com/a.git failed; ssh://git@h:22/r too",
         "fetch from https://***@git.example.com/a.git failed; ssh://***@h:22/r too"),
        ("https://TOKEN@host", "https://***@host"),
        ("no url here", "no url here"),
        ("https://host/path@x", "https://host/path@x"),
        ("1://a@b", "1://a@b"),
        ("x1://a@b", "x1://***@b"),
        ("https://a://b@host", "https://a://***@host"),
        ("https://@host", "https://@host"),
        ("git+ssh://me:pw@host", "git+ssh://***@host"),
    ])
    func redacts(_ text: String, _ expected: String) {
        #expect(CredentialRedaction.redact(text) == expected)
        #expect(Self.oracleRedact(text) == expected)
    }

    @Test("random texts: the same as the regular expression")
    func matchesTheOracle() {
        var random = SeededGenerator(seed: 7)
        let pieces = ["https", "://", "u", ":", "p", "@", "/", " ", "h", "1", "+", ".", "-", "é", "\n", "ssh", "x@y"]
        for _ in 0..<3_000 {
            let text = (0..<Int.random(in: 0...14, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            #expect(CredentialRedaction.redact(text) == Self.oracleRedact(text), "\(text.debugDescription)")
        }
    }

    @Test("a 1 MB word with a URL at its end is redacted (the regular expression took minutes)")
    func longText() {
        let text = String(repeating: "x", count: 1 << 20) + "://user:secret@host"
        #expect(CredentialRedaction.redact(text).hasSuffix("x://***@host"))
    }
}
