/// Encodes an `Encodable` value as the report's JSON: pretty-printed, keys sorted, slashes not escaped —
/// byte for byte what `JSONEncoder` writes with `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]` —
/// and with every invisible or steering character outside ASCII (and DEL) written as a `\uXXXX` escape.
///
/// The report's `Codable` conformances stay the one description of its fields; this only writes them
/// without `JSONEncoder`'s dynamic casts (Date, Data, URL, dictionaries), which cost more than the whole
/// document. Integers, booleans, strings and null only: a floating-point value throws.
struct PrettyJSONEncoder {
    /// The JSON text of `value`, without a trailing newline.
    func encode<T: Encodable>(_ value: T) throws -> String {
        let root = Node()
        try value.encode(to: NodeEncoder(node: root, codingPath: []))
        var output: [UInt8] = []
        output.reserveCapacity(64 * 1024)
        root.write(to: &output, indent: 0)
        return String(decoding: output, as: UTF8.self)
    }
}

/// One JSON value being built; containers hand out child nodes that are filled in later.
private final class Node {
    enum Value {
        case empty
        /// A scalar, already written as JSON text.
        case text([UInt8])
        case array([Node])
        case object([(key: String, value: Node)])
    }

    var value: Value = .empty

    func write(to output: inout [UInt8], indent: Int) {
        switch value {
        case .empty:
            // An encoder that wrote nothing: JSONEncoder writes an empty object.
            output.append(contentsOf: "{\n\n".utf8)
            Self.pad(&output, indent)
            output.append(UInt8(ascii: "}"))
        case .text(let text):
            output.append(contentsOf: text)
        case .array(let elements):
            output.append(contentsOf: "[\n".utf8)
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(contentsOf: ",\n".utf8) }
                Self.pad(&output, indent + 2)
                element.write(to: &output, indent: indent + 2)
            }
            output.append(UInt8(ascii: "\n"))
            Self.pad(&output, indent)
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(contentsOf: "{\n".utf8)
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (index, member) in sorted.enumerated() {
                if index > 0 { output.append(contentsOf: ",\n".utf8) }
                Self.pad(&output, indent + 2)
                JSONText.appendString(member.key, to: &output)
                output.append(contentsOf: " : ".utf8)
                member.value.write(to: &output, indent: indent + 2)
            }
            output.append(UInt8(ascii: "\n"))
            Self.pad(&output, indent)
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func pad(_ output: inout [UInt8], _ count: Int) {
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count))
    }

    func add(_ key: String) -> Node {
        let child = Node()
        if case .object(var members) = value {
            value = .empty
            members.append((key, child))
            value = .object(members)
        } else {
            value = .object([(key, child)])
        }
        return child
    }

    func append() -> Node {
        let child = Node()
        if case .array(var elements) = value {
            value = .empty
            elements.append(child)
            value = .array(elements)
        } else {
            value = .array([child])
        }
        return child
    }

    func makeObject() { if case .object = value {} else { value = .object([]) } }
    func makeArray() { if case .array = value {} else { value = .array([]) } }

    var count: Int {
        switch value {
        case .array(let elements): elements.count
        case .object(let members): members.count
        default: 0
        }
    }
}

/// The JSON text of scalars.
enum JSONText {
    static func string(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + 2)
        appendString(text, to: &output)
        return output
    }

    /// Appends `text` as a JSON string: `"` and `\` escaped, `\b \f \n \r \t`, other C0 controls as
    /// `\u00xx`, and characters `DisplayText` escapes from DEL up as `\uxxxx` (UTF-16 units).
    static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        let plain = text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        if plain {
            output.append(contentsOf: text.utf8)
        } else {
            for scalar in text.unicodeScalars { appendScalar(scalar, to: &output) }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func appendScalar(_ scalar: Unicode.Scalar, to output: inout [UInt8]) {
        switch scalar.value {
        case 0x22: output.append(contentsOf: #"\""#.utf8)
        case 0x5C: output.append(contentsOf: #"\\"#.utf8)
        case 0x08: output.append(contentsOf: #"\b"#.utf8)
        case 0x0C: output.append(contentsOf: #"\f"#.utf8)
        case 0x0A: output.append(contentsOf: #"\n"#.utf8)
        case 0x0D: output.append(contentsOf: #"\r"#.utf8)
        case 0x09: output.append(contentsOf: #"\t"#.utf8)
        case 0..<0x20: appendEscape(UInt16(scalar.value), to: &output)
        case 0x20..<0x7F: output.append(UInt8(scalar.value))
        default:
            if DisplayText.needsEscape(scalar) {
                for unit in String(scalar).utf16 { appendEscape(unit, to: &output) }
            } else {
                output.append(contentsOf: String(scalar).utf8)
            }
        }
    }

    private static func appendEscape(_ unit: UInt16, to output: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        output.append(contentsOf: #"\u"#.utf8)
        for shift in stride(from: 12, through: 0, by: -4) { output.append(digits[Int((unit >> UInt16(shift)) & 0xF)]) }
    }

    static func integer<T: BinaryInteger>(_ value: T) -> [UInt8] { Array(String(value).utf8) }
}

// MARK: - Encoder

private struct NodeEncoder: Encoder {
    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(node: node, codingPath: codingPath)
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { return nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private func unsupported(_ value: Any, _ codingPath: [any CodingKey]) -> EncodingError {
    EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "the report's JSON has no floating-point values"))
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]

    func encodeNil() { node.value = .text(Array("null".utf8)) }
    func encode(_ value: Bool) { node.value = .text(Array((value ? "true" : "false").utf8)) }
    func encode(_ value: String) { node.value = .text(JSONText.string(value)) }
    func encode(_ value: Double) throws { throw unsupported(value, codingPath) }
    func encode(_ value: Float) throws { throw unsupported(value, codingPath) }
    func encode(_ value: Int) { node.value = .text(JSONText.integer(value)) }
    func encode(_ value: Int8) { node.value = .text(JSONText.integer(value)) }
    func encode(_ value: Int16) { node.value = .text(JSONText.integer(value)) }
    func encode(_ value: Int32) { node.value = .text(JSONText.integer(value)) }
    func encode(_ value: Int64) { node.value = .text(JSONText.integer(value)) }
    func encode(_ value: UInt) { node.value = .text(JSONText.integer(value)) }
    func encode(_ value: UInt8) { node.value = .text(JSONText.integer(value)) }
    func encode(_ value: UInt16) { node.value = .text(JSONText.integer(value)) }
    func encode(_ value: UInt32) { node.value = .text(JSONText.integer(value)) }
    func encode(_ value: UInt64) { node.value = .text(JSONText.integer(value)) }
    func encode<T: Encodable>(_ value: T) throws { try value.encode(to: NodeEncoder(node: node, codingPath: codingPath)) }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    let codingPath: [any CodingKey]

    private func single(_ key: Key) -> SingleValueContainer {
        SingleValueContainer(node: node.add(key.stringValue), codingPath: codingPath + [key])
    }

    mutating func encodeNil(forKey key: Key) { single(key).encodeNil() }
    mutating func encode(_ value: Bool, forKey key: Key) { single(key).encode(value) }
    mutating func encode(_ value: String, forKey key: Key) { single(key).encode(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try single(key).encode(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try single(key).encode(value) }
    mutating func encode(_ value: Int, forKey key: Key) { single(key).encode(value) }
    mutating func encode(_ value: Int8, forKey key: Key) { single(key).encode(value) }
    mutating func encode(_ value: Int16, forKey key: Key) { single(key).encode(value) }
    mutating func encode(_ value: Int32, forKey key: Key) { single(key).encode(value) }
    mutating func encode(_ value: Int64, forKey key: Key) { single(key).encode(value) }
    mutating func encode(_ value: UInt, forKey key: Key) { single(key).encode(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) { single(key).encode(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) { single(key).encode(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) { single(key).encode(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) { single(key).encode(value) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try single(key).encode(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(node: node.add(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        NodeEncoder(node: node.add(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        NodeEncoder(node: node.add("super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        NodeEncoder(node: node.add(key.stringValue), codingPath: codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    var count: Int { node.count }

    private func single() -> SingleValueContainer {
        SingleValueContainer(node: node.append(), codingPath: codingPath + [IndexKey(count)])
    }

    mutating func encodeNil() { single().encodeNil() }
    mutating func encode(_ value: Bool) { single().encode(value) }
    mutating func encode(_ value: String) { single().encode(value) }
    mutating func encode(_ value: Double) throws { try single().encode(value) }
    mutating func encode(_ value: Float) throws { try single().encode(value) }
    mutating func encode(_ value: Int) { single().encode(value) }
    mutating func encode(_ value: Int8) { single().encode(value) }
    mutating func encode(_ value: Int16) { single().encode(value) }
    mutating func encode(_ value: Int32) { single().encode(value) }
    mutating func encode(_ value: Int64) { single().encode(value) }
    mutating func encode(_ value: UInt) { single().encode(value) }
    mutating func encode(_ value: UInt8) { single().encode(value) }
    mutating func encode(_ value: UInt16) { single().encode(value) }
    mutating func encode(_ value: UInt32) { single().encode(value) }
    mutating func encode(_ value: UInt64) { single().encode(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try single().encode(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(node: node.append(), codingPath: codingPath + [IndexKey(count)]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        NodeEncoder(node: node.append(), codingPath: codingPath + [IndexKey(count)]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        NodeEncoder(node: node.append(), codingPath: codingPath + [IndexKey(count)])
    }
}
