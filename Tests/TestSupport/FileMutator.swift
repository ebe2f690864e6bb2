import Foundation

/// Hostile variants of a valid input file, generated from a seed so that every run sees the same cases:
/// truncations, lost and repeated lines (duplicate keys), values of the wrong type, huge numbers, invalid
/// UTF-8, control bytes, broken indentation, deep nesting and YAML alias bombs.
public struct FileMutator {
    /// One generated case: what was done (for messages) and the bytes.
    public struct Mutation: Sendable, CustomStringConvertible {
        public var name: String
        public var data: Data
        public var description: String { name }
    }

    private let valid: [UInt8]
    private var random: SeededGenerator

    /// Values that replace a scalar: wrong types, huge and odd numbers, YAML tags and references.
    static let hostileValues = [
        "99999999999999999999999999999999", "-99999999999999999999999999999999", "1e999", "-1e999", "1.7976931348623157e309",
        "0x7fffffffffffffffffff", ".nan", ".inf", "-1", "0", "9223372036854775808", "-9223372036854775809", "1.5",
        "[]", "{}", "[1, 2]", "{a: 1}", "null", "~", "true", "\"\"", "''", "\"\\u0000\"", "\"\\u001b[31mred\"",
        "!!binary AAAA", "!!int x", "!!map x", "&anchor value", "*undefined", "|", ">-", "- item", "? key", "@", "`",
        String(repeating: "x", count: 100_000),
    ]

    public init(valid: Data, seed: UInt64) {
        self.valid = Array(valid)
        random = SeededGenerator(seed: seed)
    }

    /// `count` mutations of the valid file.
    public mutating func mutations(_ count: Int) -> [Mutation] {
        (0..<count).map { number in
            let (name, bytes) = mutate(valid)
            // A few cases stack a second mutation on the first.
            if number % 7 == 6 {
                let (second, stacked) = mutate(bytes)
                return Mutation(name: "\(number): \(name) + \(second)", data: Data(stacked))
            }
            return Mutation(name: "\(number): \(name)", data: Data(bytes))
        }
    }

    private mutating func mutate(_ bytes: [UInt8]) -> (String, [UInt8]) {
        let lines = Self.lines(bytes)
        let line = lines.isEmpty ? 0 : Int.random(in: 0..<lines.count, using: &random)
        let position = bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &random)
        switch Int.random(in: 0..<12, using: &random) {
        case 0:
            return ("truncated at byte \(position)", Array(bytes.prefix(position)))
        case 1:
            var copy = lines
            if !copy.isEmpty { copy.remove(at: line) }
            return ("line \(line) removed", Self.join(copy))
        case 2:
            var copy = lines
            if !copy.isEmpty { copy.insert(copy[line], at: line) }
            return ("line \(line) repeated", Self.join(copy))
        case 3, 4:
            let value = Self.hostileValues.randomElement(using: &random)!
            var copy = lines
            guard !copy.isEmpty else { return ("value \(value.prefix(20))", Array(value.utf8)) }
            copy[line] = Self.replacingValue(of: copy[line], with: value)
            return ("line \(line) value → \(value.prefix(20))", Self.join(copy))
        case 5:
            let junk: [[UInt8]] = [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82]]
            let bad = junk.randomElement(using: &random)!
            return ("invalid UTF-8 at byte \(position)", Array(bytes.prefix(position)) + bad + Array(bytes.dropFirst(position)))
        case 6:
            let control: [UInt8] = [0x00, 0x07, 0x08, 0x0B, 0x0C, 0x1B, 0x7F, 0x09, 0x0D]
            let byte = control.randomElement(using: &random)!
            return ("control byte \(byte) at \(position)", Array(bytes.prefix(position)) + [byte] + Array(bytes.dropFirst(position)))
        case 7:
            var copy = bytes
            if !copy.isEmpty {
                let index = Int.random(in: 0..<copy.count, using: &random)
                copy[index] = UInt8.random(in: 0...255, using: &random)
            }
            return ("byte at \(position) changed", copy)
        case 8:
            var copy = lines
            guard !copy.isEmpty else { return ("empty", []) }
            let indent = copy[line].prefix { $0 == 0x20 }.count
            copy[line] = indent >= 2 && Bool.random(using: &random) ? Array(copy[line].dropFirst(2)) : [0x20, 0x20, 0x20] + copy[line]
            return ("line \(line) indentation changed", Self.join(copy))
        case 9:
            let depth = [64, 1_000, 100_000].randomElement(using: &random)!
            let open = Bool.random(using: &random) ? "[" : "{\"a\":"
            let nested = String(repeating: open, count: depth)
            return ("nested \(depth) deep at byte \(position)", Array(bytes.prefix(position)) + Array(nested.utf8) + Array(bytes.dropFirst(position)))
        case 10:
            var copy = lines
            let bomb = Self.aliasBomb(levels: 12)
            copy.insert(Array(bomb.utf8), at: lines.isEmpty ? 0 : line)
            return ("alias bomb before line \(line)", Self.join(copy))
        default:
            return ("empty file", Bool.random(using: &random) ? [] : Array("   \n\n".utf8))
        }
    }

    /// `a0: &a0 [x, x, …]` then levels of lists of aliases of the level before: 10^levels nodes once expanded.
    public static func aliasBomb(levels: Int) -> String {
        var text = "bomb0: &bomb0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
        for level in 1...levels {
            let refs = Array(repeating: "*bomb\(level - 1)", count: 10).joined(separator: ", ")
            text += "bomb\(level): &bomb\(level) [\(refs)]\n"
        }
        return text
    }

    /// The line with what follows its first `: ` (or the whole scalar) replaced by `value`.
    static func replacingValue(of line: [UInt8], with value: String) -> [UInt8] {
        let text = String(decoding: line, as: UTF8.self)
        if let colon = text.range(of: ": ") {
            return Array((text[..<colon.upperBound] + value).utf8)
        }
        if let dash = text.range(of: "- ") {
            return Array((text[..<dash.upperBound] + value).utf8)
        }
        return Array(value.utf8)
    }

    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    }

    static func join(_ lines: [[UInt8]]) -> [UInt8] {
        Array(lines.joined(separator: [0x0A]))
    }
}
