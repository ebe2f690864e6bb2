import Yams

/// A YAML node reduced to what the release facts compare.
///
/// Scalars compare by kind and text, so `"a"` equals `a` while `"1"` differs from `1`; every spelling of
/// null is the same null. Mappings keep scalar keys only and apply `<<` merge keys the way Kubernetes
/// tooling does.
enum YAMLValue: Equatable, Sendable {
    /// What a scalar means for a comparison.
    enum ScalarKind: Equatable, Sendable {
        /// Quoted, block or plain text that reads as a string.
        case string
        /// A plain scalar that YAML reads as a number, a boolean or a timestamp: its text is kept verbatim.
        case plain
        case null
    }

    case scalar(ScalarKind, String)
    case sequence([YAMLValue])
    case mapping([String: YAMLValue])

    /// The scalar YAML reads from `text`, quoted or block (`isPlain` false) or plain: its kind, and no text for null.
    static func scalar(text: String, isPlain: Bool) -> YAMLValue {
        let kind = YAMLValueConverter.kind(text: text, isPlain: isPlain)
        return .scalar(kind, kind == .null ? "" : text)
    }

    /// The text of a string or plain scalar.
    var text: String? {
        if case let .scalar(kind, text) = self, kind != .null { return text }
        return nil
    }

    /// The value at `key` when this is a mapping.
    subscript(key: String) -> YAMLValue? {
        if case let .mapping(entries) = self { return entries[key] }
        return nil
    }

    /// The value at the end of `keys`, descending through mappings.
    func value(at keys: String...) -> YAMLValue? {
        var current: YAMLValue? = self
        for key in keys { current = current?[key] }
        return current
    }
}

/// Turns Yams nodes into `YAMLValue`s within a budget of nodes and depth, so that aliases cannot make
/// the work grow beyond a bound (every alias is walked again, as a copy).
struct YAMLValueConverter {
    /// Nodes that may still be converted; alias expansions count every time.
    private(set) var remainingNodes: Int
    /// Deepest nesting accepted, aliases included.
    let maximumDepth: Int

    init(nodeBudget: Int, maximumDepth: Int = 512) {
        self.remainingNodes = nodeBudget
        self.maximumDepth = maximumDepth
    }

    /// The value of `node`; throws `YAMLSkipReason.tooComplex` when the budget runs out.
    mutating func convert(_ node: Node) throws(YAMLSkipReason) -> YAMLValue {
        try convert(node, depth: 0)
    }

    private mutating func convert(_ node: Node, depth: Int) throws(YAMLSkipReason) -> YAMLValue {
        remainingNodes -= 1
        guard remainingNodes >= 0, depth <= maximumDepth else { throw .tooComplex }
        switch node {
        case let .scalar(scalar):
            return .scalar(text: scalar.string, isPlain: Self.isPlain(scalar))
        case let .sequence(sequence):
            var items: [YAMLValue] = []
            items.reserveCapacity(sequence.count)
            for item in sequence { items.append(try convert(item, depth: depth + 1)) }
            return .sequence(items)
        case let .mapping(mapping):
            return .mapping(try entries(of: mapping, depth: depth))
        case let .alias(alias):
            // Yams resolves aliases while parsing; an unresolved one is kept as its name.
            return .scalar(.string, "*" + alias.anchor.rawValue)
        }
    }

    /// The entries of a mapping: explicit keys win over merged ones, earlier merge sources over later ones.
    private mutating func entries(of mapping: Node.Mapping, depth: Int) throws(YAMLSkipReason) -> [String: YAMLValue] {
        var explicit: [String: YAMLValue] = [:]
        var merged: [String: YAMLValue] = [:]
        for (key, value) in mapping {
            guard case let .scalar(keyScalar) = key else {
                remainingNodes -= 1  // complex keys carry no facts; they still cost
                continue
            }
            remainingNodes -= 1
            let converted = try convert(value, depth: depth + 1)
            if Self.isMergeKey(keyScalar) {
                for source in Self.mergeSources(converted) {
                    for (name, item) in source where merged[name] == nil { merged[name] = item }
                }
            } else {
                explicit[keyScalar.string] = converted
            }
        }
        return explicit.merging(merged) { explicitValue, _ in explicitValue }
    }

    private static func isMergeKey(_ scalar: Node.Scalar) -> Bool {
        scalar.string == "<<" && isPlain(scalar)
    }

    private static func isPlain(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .plain || scalar.style == .any
    }

    private static func mergeSources(_ value: YAMLValue) -> [[String: YAMLValue]] {
        switch value {
        case let .mapping(entries): return [entries]
        case let .sequence(items): return items.compactMap { if case let .mapping(e) = $0 { e } else { nil } }
        default: return []
        }
    }

    private static let nullSpellings: Set<String> = ["", "~", "null", "Null", "NULL"]
    private static let booleanSpellings: Set<String> = [
        "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "no", "No", "NO",
        "on", "On", "ON", "off", "Off", "OFF",
    ]

    /// How YAML reads a scalar with this text: quoted and block scalars are strings, plain ones go by their text.
    ///
    /// Tags are not consulted: Yams resolves them in place while parsing (hashing mapping keys), so an
    /// implicit tag cannot be told from an explicit one afterwards; explicit tags are rare in manifests.
    static func kind(text: String, isPlain: Bool) -> YAMLValue.ScalarKind {
        guard isPlain else { return .string }
        guard let first = text.utf8.first else { return .null }
        if first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: ".")
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) {
            return .plain
        }
        // Only short words starting with one of these letters can be spellings of null or a boolean.
        guard text.utf8.count <= 5, "~nNtTfFyYoO".utf8.contains(first) else { return .string }
        if nullSpellings.contains(text) { return .null }
        if booleanSpellings.contains(text) { return .plain }
        return .string
    }
}
