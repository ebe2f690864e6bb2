import Foundation
import Yams

/// Typed, strict access to the YAML nodes of one config file: every error names the file, line and column.
struct ConfigReader {
    /// The file as shown in messages.
    let fileName: String

    /// `file:line:column: message`, an exit-2 error.
    func error(at node: Node?, _ message: String) -> PromoteError {
        let place = node?.mark.map { "\($0.line):\($0.column)" } ?? "1:1"
        return PromoteError(.badInput, "\(DisplayText.escaped(fileName)):\(place): \(message)")
    }

    /// The resolved tag of `node` (`str`, `int`, `bool`, `null`, …).
    func tagName(_ node: Node) -> Tag.Name {
        Tag.Name(rawValue: node.tag.rawValue)
    }

    /// Whether `node` is YAML null (`~`, `null` or nothing): such a key counts as not set.
    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.style == .plain && tagName(node) == .null
    }

    /// The pairs of a mapping with keys from `known`, each once; `path` names the mapping in messages.
    func mapping(_ node: Node, _ path: String, known: [String]) throws(PromoteError) -> [String: (key: Node, value: Node)] {
        guard case .mapping(let mapping) = node else {
            throw error(at: node, "\(path.isEmpty ? "the file" : path): expected a mapping, got \(describe(node))")
        }
        var pairs: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                throw error(at: key, "\(path.isEmpty ? "top level" : path): keys must be plain names, got \(describe(key))")
            }
            let name = scalar.string
            guard known.contains(name) else {
                let place = path.isEmpty ? "at the top level" : "in \(path)"
                let hint = Self.closest(to: name, in: known).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw error(at: key, "unknown key \"\(DisplayText.escaped(name))\" \(place)\(hint); known keys: \(known.joined(separator: ", "))")
            }
            if let earlier = pairs[name] {
                let line = earlier.key.mark.map { " (first at line \($0.line))" } ?? ""
                throw error(at: key, "\(join(path, name)) is set twice\(line)")
            }
            if !isNull(value) { pairs[name] = (key, value) }
        }
        return pairs
    }

    /// A string scalar; numbers, booleans and dates must be quoted to count as strings.
    func string(_ node: Node, _ path: String, allowEmpty: Bool = false) throws(PromoteError) -> String {
        guard case .scalar(let scalar) = node, tagName(node) == .str || scalar.style != .plain else {
            let hint = node.scalar != nil ? " (quote it to use it as text)" : ""
            throw error(at: node, "\(path): expected a string, got \(describe(node))\(hint)")
        }
        guard allowEmpty || !scalar.string.isEmpty else {
            throw error(at: node, "\(path): must not be empty")
        }
        return scalar.string
    }

    /// A string that is one of `choices`.
    func choice(_ node: Node, _ path: String, among choices: [String]) throws(PromoteError) -> String {
        let value = try string(node, path)
        guard choices.contains(value) else {
            throw error(at: node, "\(path): \"\(DisplayText.escaped(value))\" is not one of \(choices.joined(separator: ", "))")
        }
        return value
    }

    /// An integer within `range`.
    func integer(_ node: Node, _ path: String, in range: ClosedRange<Int>) throws(PromoteError) -> Int {
        guard tagName(node) == .int, node.scalar?.style == .plain, let value = node.int else {
            throw error(at: node, "\(path): expected an integer, got \(describe(node))")
        }
        guard range.contains(value) else {
            throw error(at: node, "\(path): \(value) is out of range \(range.lowerBound)…\(range.upperBound)")
        }
        return value
    }

    /// `true` or `false`.
    func boolean(_ node: Node, _ path: String) throws(PromoteError) -> Bool {
        guard tagName(node) == .bool, node.scalar?.style == .plain, let value = node.bool else {
            throw error(at: node, "\(path): expected true or false, got \(describe(node))")
        }
        return value
    }

    /// The items of a sequence.
    func sequence(_ node: Node, _ path: String) throws(PromoteError) -> [Node] {
        guard case .sequence(let sequence) = node else {
            throw error(at: node, "\(path): expected a list, got \(describe(node))")
        }
        return Array(sequence)
    }

    /// A list of strings.
    func strings(_ node: Node, _ path: String) throws(PromoteError) -> [String] {
        var values: [String] = []
        for (index, item) in try sequence(node, path).enumerated() {
            values.append(try string(item, "\(path)[\(index)]"))
        }
        return values
    }

    func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// What a node is, for messages: `a mapping`, `a list`, `the integer 3`, `the string "x"`.
    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            let text = "\"\(DisplayText.escaped(scalar.string))\""
            guard scalar.style == .plain else { return "the string \(text)" }
            switch tagName(node) {
            case .null: return "nothing (null)"
            case .int: return "the integer \(scalar.string)"
            case .float: return "the number \(scalar.string)"
            case .bool: return "the boolean \(scalar.string)"
            case .timestamp: return "the date \(scalar.string)"
            default: return "the string \(text)"
            }
        }
    }

    /// The known key nearest to a misspelt one (edit distance at most 2), if any.
    static func closest(to name: String, in known: [String]) -> String? {
        let lowered = name.lowercased()
        let scored = known.map { ($0, distance(Array(lowered), Array($0.lowercased()))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 2 else { return nil }
        return best.0
    }

    private static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for (i, left) in a.enumerated() {
            var current = [i + 1]
            for (j, right) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
