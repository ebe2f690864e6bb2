/// Reads the YAML most manifests are written in straight from its bytes, at a fraction of libyaml's cost:
/// block mappings and block sequences whose scalars are one-line plain or quoted text, with comments, blank lines
/// and `---` between documents.
///
/// Whatever else it meets it declines (answers `nil`) rather than reads, and the caller takes `YAMLEventReader`'s
/// path: flow collections, block scalars (`|`, `>`), anchors, aliases (any `*` at all, so that what it accepts
/// has no alias for `AliasScan` to count), tags, directives, merge keys, duplicate keys, scalars over several
/// lines, escapes, tabs, carriage returns, bytes outside printable ASCII, empty documents, anything over the node
/// budget or depth, and every error. What it accepts, it reads as libyaml and `YAMLEventReader` read it.
struct BlockYAMLReader {
    /// The documents of `bytes`, or `nil` when the text is not in the subset read here.
    static func read(_ bytes: [UInt8], nodeBudget: Int, maximumDepth: Int) -> [YAMLValue]? {
        bytes.withUnsafeBufferPointer { buffer in
            guard isPlainText(buffer) else { return nil }
            var parser = Parser(text: buffer)
            do throws(Decline) {
                let documents = try parser.documents()
                guard documents.cost <= nodeBudget, documents.height <= maximumDepth else { return nil }
                return documents.values
            } catch {
                return nil
            }
        }
    }

    /// Printable ASCII and line feeds only, and no `*`.
    private static func isPlainText(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in text where (byte < 0x20 && byte != newline) || byte > 0x7E || byte == UInt8(ascii: "*") {
            return false
        }
        return true
    }
}

private let newline = UInt8(ascii: "\n")
private let space = UInt8(ascii: " ")

/// Why the reader stops: the text is outside its subset (or not valid YAML, which is outside it too).
private enum Decline: Error { case decline }

/// A value with what `YAMLEventReader` counts for it: nodes, and nesting below it.
private struct Node {
    var value: YAMLValue
    var cost: Int
    var height: Int

    /// What an empty plain scalar (`key:` with nothing after it) reads as.
    static let null = Node(value: .scalar(text: "", isPlain: true), cost: 1, height: 0)
}

/// One scalar token: where its text lies and whether it is plain.
private struct Scalar {
    var start: Int
    var end: Int
    var isPlain: Bool
}

/// A recursive descent over lines. Between nodes, `index` is at the first non-blank byte of the next line that
/// holds more than blanks and a comment, and `column` is that byte's column; at a `---` line or the end of the
/// text `column` is -1 (which ends every block) and `atEnd` tells which.
private struct Parser {
    /// Deeper documents are declined, which keeps the recursion short on any thread's stack; manifests nest far
    /// less.
    static let deepestNesting = 64

    let text: UnsafeBufferPointer<UInt8>
    var index = 0
    var column = -1
    var atEnd = false
    /// The entries of the mappings being read, so that each dictionary is made once, at its final size.
    var pendingEntries: [(key: String, value: YAMLValue)] = []

    init(text: UnsafeBufferPointer<UInt8>) {
        self.text = text
    }

    /// Every document; a stream of nothing but comments has none.
    mutating func documents() throws(Decline) -> (values: [YAMLValue], cost: Int, height: Int) {
        var values: [YAMLValue] = []
        var cost = 0
        var height = 0
        try moveToContent(fromLineAt: 0)
        if column < 0 && atEnd { return ([], 0, 0) }
        while true {
            if column < 0 {  // a `---` line: the document after it must hold something
                try moveToContent(fromLineAt: lineEnd(from: index) + 1)
                guard column >= 0 else { throw .decline }
            }
            let root = try node(parentColumn: -1, depth: 0)
            guard column < 0 else { throw .decline }
            values.append(root.value)
            cost += root.cost
            height = max(height, root.height)
            if atEnd { return (values, cost, height) }
        }
    }

    /// The node that starts at `index` (column `column`, deeper than `parentColumn`).
    private mutating func node(parentColumn: Int, depth: Int) throws(Decline) -> Node {
        guard depth <= Self.deepestNesting else { throw .decline }
        if startsSequenceEntry(at: index) { return try sequence(depth: depth, isIndentless: false) }
        let scalar = try scalarToken()
        if try endsKey(scalar) { return try mapping(firstKey: scalar, depth: depth) }
        try moveToContent(fromLineAt: lineEnd(from: index) + 1)
        // A deeper line would continue the scalar, or be an error.
        guard column <= parentColumn else { throw .decline }
        return Node(value: Self.value(of: scalar, in: text), cost: 1, height: 0)
    }

    /// A block mapping at `column`, whose first key was just read (`index` is at its `:`).
    private mutating func mapping(firstKey: Scalar, depth: Int) throws(Decline) -> Node {
        let mappingColumn = column
        let first = pendingEntries.count
        var key = firstKey
        var cost = 1
        var height = 0
        while true {
            guard !(key.isPlain && isMergeKey(key)) else { throw .decline }
            let value = try mappingValue(mappingColumn: mappingColumn, depth: depth)
            pendingEntries.append((Self.string(key, in: text), value.value))
            cost += 1 + value.cost
            height = max(height, value.height + 1)
            guard column == mappingColumn else {
                guard column < mappingColumn else { throw .decline }
                break
            }
            key = try scalarToken()
            guard try endsKey(key) else { throw .decline }
        }
        var entries = [String: YAMLValue](minimumCapacity: pendingEntries.count - first)
        for (key, value) in pendingEntries[first...] where entries.updateValue(value, forKey: key) != nil {
            throw .decline  // a duplicate key: `YAMLEventReader` reports it
        }
        pendingEntries.removeSubrange(first...)
        return Node(value: .mapping(entries), cost: cost, height: height)
    }

    /// The value after the key whose `:` is at `index`: on the same line a scalar; on the lines below a deeper
    /// node, or a sequence at the mapping's own column; else null.
    private mutating func mappingValue(mappingColumn: Int, depth: Int) throws(Decline) -> Node {
        index += 1
        skipSpaces()
        if atLineEnd() {
            try moveToContent(fromLineAt: lineEnd(from: index) + 1)
            if column > mappingColumn { return try node(parentColumn: mappingColumn, depth: depth + 1) }
            if column == mappingColumn && startsSequenceEntry(at: index) {
                return try sequence(depth: depth + 1, isIndentless: true)
            }
            return .null
        }
        let scalar = try scalarToken()
        guard try !endsKey(scalar) else { throw .decline }  // `a: b: c`
        try moveToContent(fromLineAt: lineEnd(from: index) + 1)
        guard column <= mappingColumn else { throw .decline }
        return Node(value: Self.value(of: scalar, in: text), cost: 1, height: 0)
    }

    /// A block sequence at `column`, `index` at its first `-`. An indentless one (at its mapping's column, as
    /// `key:` then `- item` below it) ends at the first line of that column that is not an entry.
    private mutating func sequence(depth: Int, isIndentless: Bool) throws(Decline) -> Node {
        let sequenceColumn = column
        var items: [YAMLValue] = []
        var cost = 1
        var height = 0
        while true {
            let item = try sequenceItem(sequenceColumn: sequenceColumn, depth: depth)
            items.append(item.value)
            cost += item.cost
            height = max(height, item.height + 1)
            if column == sequenceColumn && startsSequenceEntry(at: index) { continue }
            guard column < sequenceColumn || (column == sequenceColumn && isIndentless) else { throw .decline }
            break
        }
        return Node(value: .sequence(items), cost: cost, height: height)
    }

    /// The item of the entry whose `-` is at `index`: a node on the same line or on the lines below, else null.
    private mutating func sequenceItem(sequenceColumn: Int, depth: Int) throws(Decline) -> Node {
        let dash = index
        index += 1
        skipSpaces()
        if atLineEnd() {
            try moveToContent(fromLineAt: lineEnd(from: index) + 1)
            if column > sequenceColumn { return try node(parentColumn: sequenceColumn, depth: depth + 1) }
            return .null
        }
        column = sequenceColumn + (index - dash)
        return try node(parentColumn: sequenceColumn, depth: depth + 1)
    }

    // MARK: Tokens

    /// Reads the plain or quoted scalar at `index`, leaving `index` just after it (for a plain one, at the blanks,
    /// `:`, comment or line end that ended it).
    private mutating func scalarToken() throws(Decline) -> Scalar {
        guard index < text.count else { throw .decline }
        let first = text[index]
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") { return try quotedScalar(quote: first) }
        guard Self.startsPlainScalar(first) || (first == UInt8(ascii: "-") && !isBlankOrEnd(at: index + 1)) else {
            throw .decline
        }
        let start = index
        var end = index + 1  // past the last non-blank byte
        index += 1
        while index < text.count {
            let byte = text[index]
            if byte == newline { break }
            if byte == space {
                if index + 1 < text.count && text[index + 1] == UInt8(ascii: "#") { break }
            } else {
                if byte == UInt8(ascii: ":") && isBlankOrEnd(at: index + 1) { break }
                end = index + 1
            }
            index += 1
        }
        return Scalar(start: start, end: end, isPlain: true)
    }

    /// A quoted scalar on one line, with no escapes (`\` in double quotes, `''` in single ones).
    private mutating func quotedScalar(quote: UInt8) throws(Decline) -> Scalar {
        let start = index + 1
        index = start
        while index < text.count {
            let byte = text[index]
            if byte == quote {
                if quote == UInt8(ascii: "'") && index + 1 < text.count && text[index + 1] == quote { throw .decline }
                index += 1
                return Scalar(start: start, end: index - 1, isPlain: false)
            }
            if byte == newline || byte == UInt8(ascii: "\\") { throw .decline }
            index += 1
        }
        throw .decline
    }

    /// After the scalar token `scalar`: whether a `:` follows that makes it a key (leaving `index` at the `:`);
    /// otherwise only the line's end or a comment may follow (leaving `index` there). libyaml looks for a key's
    /// `:` within 1,024 characters of its start; a longer key is declined.
    private mutating func endsKey(_ scalar: Scalar) throws(Decline) -> Bool {
        let tokenEnd = index
        skipSpaces()
        guard index < text.count else { return false }
        let byte = text[index]
        if byte == UInt8(ascii: ":") && isBlankOrEnd(at: index + 1) {
            guard index - scalar.start < 1000 else { throw .decline }
            return true
        }
        if byte == newline { return false }
        if byte == UInt8(ascii: "#") && index > tokenEnd { return false }
        throw .decline
    }

    /// Whether only blanks and perhaps a comment are left on the line from `index` (which is at no blank).
    private func atLineEnd() -> Bool {
        index == text.count || text[index] == newline || text[index] == UInt8(ascii: "#")
    }

    private func startsSequenceEntry(at position: Int) -> Bool {
        position < text.count && text[position] == UInt8(ascii: "-") && isBlankOrEnd(at: position + 1)
    }

    private func isBlankOrEnd(at position: Int) -> Bool {
        position >= text.count || text[position] == space || text[position] == newline
    }

    private mutating func skipSpaces() {
        while index < text.count && text[index] == space { index += 1 }
    }

    private func lineEnd(from position: Int) -> Int {
        var end = position
        while end < text.count && text[end] != newline { end += 1 }
        return end
    }

    /// Moves to the next line from `lineStart` on that holds more than blanks and a comment, setting `index` and
    /// `column`; a `---` line (column -1) or the end (column -1, `atEnd`) stops it. `...` and a `---` followed by
    /// content are declined.
    private mutating func moveToContent(fromLineAt lineStart: Int) throws(Decline) {
        var start = lineStart
        while start < text.count {
            index = start
            skipSpaces()
            if index == text.count { break }
            let byte = text[index]
            if byte == newline || byte == UInt8(ascii: "#") {
                start = lineEnd(from: index) + 1
                continue
            }
            if index == start, let marker = documentMarker(at: start) {
                guard marker == UInt8(ascii: "-") else { throw .decline }  // `...`
                index = start + 3
                skipSpaces()
                guard atLineEnd() else { throw .decline }
                index = start
                column = -1
                return
            }
            column = index - start
            return
        }
        index = text.count
        column = -1
        atEnd = true
    }

    /// `-` or `.` when the line at `start` begins with `---` or `...` and a blank or its end.
    private func documentMarker(at start: Int) -> UInt8? {
        guard start + 3 <= text.count else { return nil }
        let byte = text[start]
        guard byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") else { return nil }
        guard text[start + 1] == byte, text[start + 2] == byte, isBlankOrEnd(at: start + 3) else { return nil }
        return byte
    }

    private func isMergeKey(_ key: Scalar) -> Bool {
        key.end - key.start == 2 && text[key.start] == UInt8(ascii: "<") && text[key.start + 1] == UInt8(ascii: "<")
    }

    /// Bytes that may begin a plain scalar: printable ASCII other than YAML's indicators (and `-`, handled apart).
    private static func startsPlainScalar(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "$()+./;<=\\^_~".utf8.contains(byte)
        }
    }

    private static func string(_ scalar: Scalar, in text: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: text[scalar.start..<scalar.end]), as: UTF8.self)
    }

    /// The scalar's value, as `YAMLEventReader` makes it.
    private static func value(of scalar: Scalar, in text: UnsafeBufferPointer<UInt8>) -> YAMLValue {
        .scalar(text: string(scalar, in: text), isPlain: scalar.isPlain)
    }
}
