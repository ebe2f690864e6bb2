import CGit2

/// A Git object name: 40 lowercase hex digits (SHA-1).
public struct ObjectID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The full lowercase hex name.
    public let hex: String

    /// Accepts exactly 40 hex digits; anything else is `nil`.
    public init?(hex: String) {
        guard hex.utf8.count == 40, hex.utf8.allSatisfy({ $0.isHexDigit }) else { return nil }
        self.hex = hex.lowercased()
    }

    init(_ oid: git_oid) {
        var copy = oid
        // Formatted straight into the string's storage (40 hex digits, no terminator): one allocation.
        self.hex = String(unsafeUninitializedCapacity: 40) { buffer in
            _ = git_oid_fmt(UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), &copy)
            return 40
        }
    }

    /// The libgit2 form of this name.
    var oid: git_oid {
        var result = git_oid()
        _ = git_oid_fromstr(&result, hex)
        return result
    }

    /// The first `length` hex digits.
    public func prefix(_ length: Int) -> String { String(hex.prefix(length)) }

    public var description: String { hex }

    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool { lhs.hex < rhs.hex }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = ObjectID(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an object id: \(text)"))
        }
        self = id
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

extension UInt8 {
    var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}
