/// The dotted paths of `spec.values` keys that differ between two sides.
///
/// Mappings are compared key by key and recursed into; anything else (lists, scalars, a mapping replaced
/// by a scalar, a key added or removed) is reported at its own path, once.
enum ValuesDiff {
    /// Changed paths, sorted segment by segment in byte order (children follow their parent).
    ///
    /// An absent or non-mapping side counts as an empty mapping, as it does for Helm.
    static func changedPaths(from old: YAMLValue?, to new: YAMLValue?) -> [String] {
        var changed: [[String]] = []
        collect(entries(old), entries(new), at: [], into: &changed)
        return changed.sorted(by: ByteOrder.precedes).map(ValuePath.render)
    }

    private static func entries(_ value: YAMLValue?) -> [String: YAMLValue] {
        if case let .mapping(entries)? = value { return entries }
        return [:]
    }

    private static func collect(_ old: [String: YAMLValue], _ new: [String: YAMLValue], at path: [String],
                                into changed: inout [[String]]) {
        for key in Set(old.keys).union(new.keys) {
            let oldValue = old[key], newValue = new[key]
            guard oldValue != newValue else { continue }
            if case let .mapping(oldEntries)? = oldValue, case let .mapping(newEntries)? = newValue {
                collect(oldEntries, newEntries, at: path + [key], into: &changed)
            } else {
                changed.append(path + [key])
            }
        }
    }
}

/// Writes a key path as people read it: `a.b.c`, with keys that are not plain words in brackets and
/// quotes, e.g. `ingress.annotations["kubernetes.io/ingress.class"]`.
enum ValuePath {
    /// `segments` as one path.
    static func render(_ segments: [String]) -> String {
        var result = ""
        for segment in segments {
            if isPlainWord(segment) {
                if !result.isEmpty { result += "." }
                result += segment
            } else {
                result += "[\"" + escapedQuoted(segment) + "\"]"
            }
        }
        return result
    }

    /// Letters, digits, `_` and `-` only (ASCII), and not empty.
    private static func isPlainWord(_ segment: String) -> Bool {
        !segment.isEmpty && segment.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    /// `\` and `"` preceded by a backslash.
    private static func escapedQuoted(_ segment: String) -> String {
        var result = ""
        for character in segment.unicodeScalars {
            if character == "\\" || character == "\"" { result.unicodeScalars.append("\\") }
            result.unicodeScalars.append(character)
        }
        return result
    }
}
