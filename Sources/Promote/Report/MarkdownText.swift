/// Writes untrusted text into Markdown (GitHub flavoured) so that it shows literally and cannot format,
/// link, mention or break a table. Text is first escaped for display (`DisplayText`).
enum MarkdownText {
    /// A code span showing `text` literally: names, paths, revisions, messages from repositories.
    static func code(_ text: String) -> String {
        let shown = DisplayText.escaped(text)
        guard !shown.isEmpty else { return "\"\"" }
        var longestRun = 0, run = 0
        for character in shown.unicodeScalars {
            run = character == "`" ? run + 1 : 0
            longestRun = max(longestRun, run)
        }
        let fence = String(repeating: "`", count: longestRun + 1)
        let padded = shown.hasPrefix("`") || shown.hasSuffix("`") || (shown.hasPrefix(" ") && shown.hasSuffix(" "))
        return padded ? fence + " " + shown + " " + fence : fence + shown + fence
    }

    /// `text` as running prose, with the characters that Markdown would interpret escaped.
    static func prose(_ text: String) -> String {
        var result = ""
        for scalar in DisplayText.escaped(text).unicodeScalars {
            if proseSignificant.contains(scalar) { result.unicodeScalars.append("\\") }
            result.unicodeScalars.append(scalar)
        }
        return result
    }

    /// Markdown `content` made safe inside a table cell: every `|`, even inside a code span, escaped.
    static func cell(_ content: String) -> String {
        var result = ""
        for scalar in content.unicodeScalars {
            if scalar == "|" { result.unicodeScalars.append("\\") }
            result.unicodeScalars.append(scalar)
        }
        return result.isEmpty ? " " : result
    }

    /// A table row of `cells`, each made safe.
    static func row(_ cells: [String]) -> String {
        "| " + cells.map(cell).joined(separator: " | ") + " |"
    }

    /// Characters that format, link or open HTML, math or entities in running text.
    private static let proseSignificant: Set<Unicode.Scalar> = ["\\", "`", "*", "_", "[", "]", "<", ">", "~", "&", "!", "$", "#"]
}
