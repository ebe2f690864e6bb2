/// A look at YAML text before it is parsed, to keep alias ("billion laughs") expansion bounded.
///
/// Yams resolves aliases by sharing nodes, so parsing stays cheap; but it hashes every mapping key to find
/// duplicates, and a key built from aliases would be walked in full. The scan counts every token that could
/// be an alias (a `*` starting a token: it over-counts, never under-counts) and notices key shapes that could
/// hold one (`? ` explicit keys, an alias or a flow collection followed by `:`). A document is safe when it
/// has few aliases and, if it has any, no such key shape.
struct AliasScan {
    /// Tokens that could be aliases.
    private(set) var aliasCount = 0
    /// Whether some key could contain an alias or a collection.
    private(set) var hasComplexKeyShape = false

    init(_ bytes: [UInt8]) {
        var index = 0
        var previous: UInt8? = nil
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "*"), Self.startsToken(after: previous), index + 1 < bytes.count,
               Self.isAnchorCharacter(bytes[index + 1]) {
                aliasCount += 1
                var end = index + 1
                while end < bytes.count, Self.isAnchorCharacter(bytes[end]) { end += 1 }
                if Self.isFollowedByKeyColon(bytes, from: end) { hasComplexKeyShape = true }
                previous = bytes[end - 1]
                index = end
                continue
            }
            if byte == UInt8(ascii: "?"), Self.startsToken(after: previous),
               index + 1 == bytes.count || Self.isBlank(bytes[index + 1]) {
                hasComplexKeyShape = true
            }
            if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}"), Self.isFollowedByKeyColon(bytes, from: index + 1) {
                hasComplexKeyShape = true
            }
            previous = byte
            index += 1
        }
    }

    /// Whether the document may be parsed: at most `maximumAliases` aliases, and none that could sit in a key.
    func isSafe(maximumAliases: Int) -> Bool {
        aliasCount <= maximumAliases && (aliasCount == 0 || !hasComplexKeyShape)
    }

    /// Characters after which a new token (and so an alias) can begin; over-approximated.
    private static func startsToken(after previous: UInt8?) -> Bool {
        guard let previous else { return true }
        return isBlank(previous) || "[]{},:\"'".utf8.contains(previous) || previous == 0xBF  // end of a BOM
    }

    /// libyaml's anchor characters: ASCII letters, digits, `-` and `_`.
    private static func isAnchorCharacter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Whether spaces and then a `:` that ends a key follow position `start`.
    private static func isFollowedByKeyColon(_ bytes: [UInt8], from start: Int) -> Bool {
        var index = start
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
        let next = index + 1
        return next == bytes.count || isBlank(bytes[next]) || ",]}".utf8.contains(bytes[next])
    }
}
