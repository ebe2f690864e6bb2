/// A line of report text built from our own words and untrusted pieces, so that one wording serves the
/// text and the Markdown renderer while each escapes the untrusted pieces its own way.
struct Phrase: Equatable, Sendable {
    enum Part: Equatable, Sendable {
        /// Our own words, shown as they are.
        case words(String)
        /// A name, path, revision or value from a repository or cluster: shown as code in Markdown.
        case literal(String)
        /// A sentence from elsewhere (warnings, errors, messages): shown as escaped prose.
        case prose(String)
    }

    var parts: [Part]

    init(_ parts: [Part] = []) { self.parts = parts }

    static func words(_ text: String) -> Phrase { Phrase([.words(text)]) }
    static func literal(_ text: String) -> Phrase { Phrase([.literal(text)]) }

    static func + (lhs: Phrase, rhs: Phrase) -> Phrase { Phrase(lhs.parts + rhs.parts) }
    static func + (lhs: Phrase, rhs: String) -> Phrase { Phrase(lhs.parts + [.words(rhs)]) }

    /// `phrases` with `separator` words between them.
    static func joined(_ phrases: [Phrase], separator: String) -> Phrase {
        var result = Phrase()
        for (index, phrase) in phrases.enumerated() {
            if index > 0 { result.parts.append(.words(separator)) }
            result.parts += phrase.parts
        }
        return result
    }

    /// For a terminal: untrusted pieces escaped for display.
    var text: String {
        parts.map { part in
            switch part {
            case let .words(words): words
            case let .literal(text), let .prose(text): DisplayText.escaped(text)
            }
        }.joined()
    }

    /// For Markdown: literals as code spans, prose escaped.
    var markdown: String {
        parts.map { part in
            switch part {
            case let .words(words): words
            case let .literal(text): MarkdownText.code(text)
            case let .prose(text): MarkdownText.prose(text)
            }
        }.joined()
    }
}
