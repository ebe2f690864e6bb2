import Foundation
import TestSupport

/// Builds GitOps-shaped histories for oracle tests: d1 components with environment folders, nested
/// components, binary files, files outside `components/`, and random edits on two branches.
struct HistoryGenerator {
    var random: SeededGenerator
    /// Current text files per branch: path → lines (each line unique to its file, so renames pair unambiguously).
    private(set) var files: [String: [String]] = [:]

    init(seed: UInt64) {
        random = SeededGenerator(seed: seed)
    }

    /// The initial tree: a few components with `base`/`staging`/`production`, a nested layer, files outside.
    mutating func initialTree() -> [String: FixtureFile] {
        var changes: [String: FixtureFile] = [:]
        let components = ["gosec", "observability", "storage", "command-center", "clusterwide-config"]
        for component in components {
            for environment in ["base", "staging", "production"] {
                let layer = component == "command-center" ? "" : "controllers/"
                let path = "components/\(component)/\(layer)\(environment)/release.yaml"
                changes[path] = .text(makeFile(path, lines: 8 + Int.random(in: 0..<20, using: &random)))
            }
        }
        changes["components/observability/configs/staging/alerts/rules.yaml"] = .text(makeFile("rules", lines: 12))
        changes["update/policy.yaml"] = .text(makeFile("update/policy.yaml", lines: 6))
        changes["README.md"] = .text(makeFile("README.md", lines: 5))
        changes["components/storage/controllers/base/logo.png"] = .binary(binaryBlob(size: 600))
        return changes
    }

    /// `count` random edits on the current files: modify, add, delete, rename (with or without a small edit),
    /// binary changes; `prefix` keeps paths of different branches apart.
    mutating func edits(count: Int, prefix: String, allowRenames: Bool = true) -> [String: FixtureFile] {
        var changes: [String: FixtureFile] = [:]
        for step in 0..<count {
            let existing = files.keys.sorted().filter { changes[$0] == nil }
            let roll = Int.random(in: 0..<100, using: &random)
            switch roll {
            case 0..<40 where !existing.isEmpty:
                let path = existing.randomElement(using: &random)!
                changes[path] = .text(modify(path))
            case 40..<55:
                let component = ["gosec", "observability", "storage", "newcomer-\(prefix)"].randomElement(using: &random)!
                let environment = ["base", "staging", "production", "shared"].randomElement(using: &random)!
                let path = environment == "shared"
                    ? "components/\(component)/\(prefix)-\(step).yaml"
                    : "components/\(component)/controllers/\(environment)/\(prefix)-\(step).yaml"
                changes[path] = .text(makeFile(path, lines: 3 + Int.random(in: 0..<10, using: &random)))
            case 55..<65 where !existing.isEmpty:
                let path = existing.randomElement(using: &random)!
                files[path] = nil
                changes[path] = .delete
            case 65..<80 where allowRenames && !existing.isEmpty:
                let path = existing.randomElement(using: &random)!
                guard let lines = files[path], lines.count >= 8 else { continue }
                let target = "components/observability/controllers/staging/\(prefix)-moved-\(step).yaml"
                var moved = lines
                if Bool.random(using: &random) { moved.append("edited while moving \(prefix) \(step)") }
                files[path] = nil
                files[target] = moved
                changes[path] = .delete
                changes[target] = .text(moved.joined(separator: "\n") + "\n")
            case 80..<88:
                let path = "components/storage/controllers/production/\(prefix)-image-\(step).bin"
                changes[path] = .binary(binaryBlob(size: 200 + Int.random(in: 0..<400, using: &random)))
            default:
                let path = "update/\(prefix)-note-\(step).txt"
                changes[path] = .text(makeFile(path, lines: 2))
            }
        }
        return changes
    }

    /// Forgets the current files (after switching branches the caller re-seeds them).
    mutating func remember(_ changes: [String: FixtureFile]) {
        for (path, change) in changes {
            switch change {
            case .file(let data, _):
                let text = String(decoding: data, as: UTF8.self)
                if text.contains("\0") || data.first == 0x89 { files[path] = nil } else {
                    files[path] = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
                }
            case .delete: files[path] = nil
            case .symlink: files[path] = nil
            }
        }
    }

    private mutating func makeFile(_ path: String, lines: Int) -> String {
        let seed = random.next() % 100_000
        let body = (0..<lines).map { "line \($0) of \(path) #\(seed)" }
        files[path] = body
        return body.joined(separator: "\n") + "\n"
    }

    private mutating func modify(_ path: String) -> String {
        var lines = files[path] ?? []
        let edits = 1 + Int.random(in: 0..<3, using: &random)
        for number in 0..<edits {
            let marker = "changed \(number) #\(random.next() % 100_000)"
            if lines.isEmpty || Bool.random(using: &random) {
                lines.insert(marker, at: lines.isEmpty ? 0 : Int.random(in: 0...lines.count, using: &random))
            } else {
                lines[Int.random(in: 0..<lines.count, using: &random)] = marker
            }
        }
        files[path] = lines
        return lines.joined(separator: "\n") + "\n"
    }

    private mutating func binaryBlob(size: Int) -> Data {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x00]
        for _ in 0..<size { bytes.append(UInt8.random(in: 0...255, using: &random)) }
        return Data(bytes)
    }
}
