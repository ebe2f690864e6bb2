import Foundation

/// Removes credentials from text that may quote a URL (libgit2 and server messages do).
public enum CredentialRedaction {
    /// `https://user:token@host/x` becomes `https://***@host/x`; everything else is unchanged.
    ///
    /// One pass over the text (a regular expression took quadratic time on a long word without `://`'s
    /// user part, e.g. a 100 kB server URL in a hostile kubeconfig).
    public static func redact(_ text: String) -> String {
        guard text.contains("://") else { return text }
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var copied = 0
        var index = 0
        while index + 2 < scalars.count {
            guard scalars[index] == ":", scalars[index + 1] == "/", scalars[index + 2] == "/" else {
                index += 1
                continue
            }
            // A scheme ends here: letters, digits, `+`, `.`, `-` with at least one letter, after the last redaction.
            var start = index
            var hasLetter = false
            while start > copied, isSchemeCharacter(scalars[start - 1]) {
                start -= 1
                if scalars[start].properties.isAlphabetic && scalars[start].isASCII { hasLetter = true }
            }
            // The user part: up to `@`, without `/`, `@` or white space.
            let userStart = index + 3
            var end = userStart
            while end < scalars.count, scalars[end] != "/", scalars[end] != "@", !scalars[end].properties.isWhitespace {
                end += 1
            }
            guard hasLetter, end > userStart, end < scalars.count, scalars[end] == "@" else {
                index += 1
                continue
            }
            output.append(contentsOf: scalars[copied..<userStart])
            output.append(contentsOf: "***".unicodeScalars)
            copied = end
            index = end + 1
        }
        output.append(contentsOf: scalars[copied...])
        return String(output)
    }

    private static func isSchemeCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "+" || scalar == "." || scalar == "-")
    }
}
