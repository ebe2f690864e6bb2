import Foundation
import TestSupport
import Yams

/// Reading parsed YAML in tests by key, as GitHub and Kubernetes read it: keys are plain strings (so `on:` is
/// the key "on", not the boolean YAML 1.1 makes of it).
extension Node {
    subscript(key key: String) -> Node? {
        mapping?.first { $0.key.scalar?.string == key }?.value
    }

    /// The items of a sequence (none for anything else).
    var items: [Node] { sequence.map { Array($0) } ?? [] }

    /// The keys of a mapping, in order.
    var keys: [String] { mapping?.compactMap { $0.key.scalar?.string } ?? [] }

    /// A scalar's text.
    var text: String? { scalar?.string }

    /// Every scalar below this node, depth first.
    var allScalars: [String] {
        switch self {
        case .scalar(let scalar): [scalar.string]
        case .mapping(let mapping): mapping.flatMap { [$0.key.allScalars, $0.value.allScalars].joined() }
        case .sequence(let sequence): sequence.flatMap(\.allScalars)
        case .alias: []
        }
    }
}

/// The YAML files of the repository, parsed by Yams and cross-checked with PyYAML.
enum RepositoryYAML {
    /// Every document of the file at `path` (relative to the package root).
    static func documents(_ path: String) throws -> [Node] {
        let text = try String(contentsOf: PackagePaths.file(path), encoding: .utf8)
        return Array(try Yams.compose_all(yaml: text))
    }

    /// The single document of the file.
    static func document(_ path: String) throws -> Node {
        let documents = try documents(path)
        guard documents.count == 1 else { throw TestSupportError("\(path): \(documents.count) documents, expected 1") }
        return documents[0]
    }

    /// How many documents PyYAML's safe loader reads from each file (throws with PyYAML's message when one fails).
    static func pyYAMLDocumentCounts(_ paths: [String]) throws -> [Int] {
        let program = "import sys, yaml\nfor path in sys.argv[1:]:\n    print(len(list(yaml.safe_load_all(open(path)))))\n"
        let result = try Shell.run(try JSONSchemaValidator.interpreter(), ["-c", program] + paths.map { PackagePaths.file($0).path })
        guard result.succeeded else { throw TestSupportError("PyYAML: \(result.stderr)") }
        return result.stdout.split(separator: "\n").compactMap { Int($0) }
    }

    /// The options (`--long`, `-C`) given to `keos-promote` in shell command lines (continuations joined).
    static func keosPromoteFlags(in command: String) -> [String] {
        var flags: [String] = []
        for line in command.replacingOccurrences(of: "\\\n", with: " ").split(separator: "\n") {
            for invocation in line.components(separatedBy: "keos-promote ").dropFirst() {
                let words = invocation.split(separator: " ").map(String.init)
                for word in words.prefix(while: { !["&&", "||", ";", "|"].contains($0) && !$0.hasPrefix(">") }) where word.hasPrefix("-") {
                    flags.append(String(word.split(separator: "=")[0]))
                }
            }
        }
        return flags
    }
}
