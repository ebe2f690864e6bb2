import Foundation

/// What `git merge-tree --write-tree` says about merging two commits.
public enum MergeTreeResult: Sendable, Equatable {
    /// The merge is clean; `tree` is the id of the merged tree.
    case clean(tree: String)
    /// The merge conflicts in `paths` (sorted, each once); `tree` holds conflict markers.
    case conflicted(tree: String, paths: [String])

    /// The merged tree id, clean or not.
    public var tree: String {
        switch self {
        case .clean(let tree), .conflicted(let tree, _): return tree
        }
    }

    /// The conflicting paths; empty for a clean merge.
    public var conflictingPaths: [String] {
        if case .conflicted(_, let paths) = self { return paths }
        return []
    }

    /// True for a clean merge.
    public var isClean: Bool { conflictingPaths.isEmpty }
}

/// One line of `git diff --name-status -M -z`.
public struct NameStatusEntry: Sendable, Equatable, CustomStringConvertible {
    /// The status letter: `A`, `D`, `M`, `R`, `C`, `T`, `U`, `X`.
    public var status: Character
    /// Similarity (for `R` and `C`), e.g. 100.
    public var score: Int?
    /// The path before a rename or copy.
    public var oldPath: String?
    /// The path (after a rename or copy).
    public var path: String

    public init(status: Character, score: Int? = nil, oldPath: String? = nil, path: String) {
        self.status = status
        self.score = score
        self.oldPath = oldPath
        self.path = path
    }

    public var description: String {
        if let oldPath { return "\(status)\(score.map(String.init) ?? "") \(oldPath) -> \(path)" }
        return "\(status) \(path)"
    }
}

/// One line of `git diff --numstat -M -z`.
public struct NumstatEntry: Sendable, Equatable, CustomStringConvertible {
    /// Added lines; nil for a binary file.
    public var additions: Int?
    /// Deleted lines; nil for a binary file.
    public var deletions: Int?
    /// The path before a rename.
    public var oldPath: String?
    /// The path (after a rename).
    public var path: String

    public init(additions: Int?, deletions: Int?, oldPath: String? = nil, path: String) {
        self.additions = additions
        self.deletions = deletions
        self.oldPath = oldPath
        self.path = path
    }

    /// True when git shows `-` for both counts.
    public var binary: Bool { additions == nil && deletions == nil }

    public var description: String {
        let counts = binary ? "- -" : "\(additions ?? 0) \(deletions ?? 0)"
        if let oldPath { return "\(counts) \(oldPath) -> \(path)" }
        return "\(counts) \(path)"
    }
}

/// Parsers of git's machine-readable outputs, kept separate so they can be tested on their own.
public enum GitOracle {
    /// Parses `git merge-tree --write-tree --name-only --no-messages -z` output and exit status.
    public static func parseMergeTree(_ output: Data, status: Int32) throws -> MergeTreeResult {
        let fields = splitNul(output)
        guard let tree = fields.first, tree.count >= 40, status == 0 || status == 1 else {
            throw TestSupportError("unexpected git merge-tree output (exit \(status)): \(String(decoding: output, as: UTF8.self))")
        }
        if status == 0 { return .clean(tree: tree) }
        var paths: [String] = []
        for field in fields.dropFirst() {
            if field.isEmpty { break }
            if !paths.contains(field) { paths.append(field) }
        }
        return .conflicted(tree: tree, paths: paths.sorted())
    }

    /// Parses `git diff --name-status -z` (with or without `-M`).
    public static func parseNameStatus(_ output: Data) throws -> [NameStatusEntry] {
        var fields = splitNul(output)[...]
        var entries: [NameStatusEntry] = []
        while let head = fields.popFirst() {
            if head.isEmpty { continue }
            guard let letter = head.first else { continue }
            let score = Int(head.dropFirst())
            if letter == "R" || letter == "C" {
                guard let old = fields.popFirst(), let new = fields.popFirst() else {
                    throw TestSupportError("truncated name-status record \(head)")
                }
                entries.append(NameStatusEntry(status: letter, score: score, oldPath: old, path: new))
            } else {
                guard let path = fields.popFirst() else { throw TestSupportError("truncated name-status record \(head)") }
                entries.append(NameStatusEntry(status: letter, path: path))
            }
        }
        return entries
    }

    /// Parses `git diff --numstat -z` (with or without `-M`).
    public static func parseNumstat(_ output: Data) throws -> [NumstatEntry] {
        var fields = splitNul(output)[...]
        var entries: [NumstatEntry] = []
        while let head = fields.popFirst() {
            if head.isEmpty { continue }
            // "<added>\t<deleted>\t<path>" or, for a rename, "<added>\t<deleted>\t" then old, new.
            let parts = head.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3 else { throw TestSupportError("bad numstat record \(head)") }
            let additions = Int(parts[0])
            let deletions = Int(parts[1])
            if parts[2].isEmpty {
                guard let old = fields.popFirst(), let new = fields.popFirst() else {
                    throw TestSupportError("truncated numstat record \(head)")
                }
                entries.append(NumstatEntry(additions: additions, deletions: deletions, oldPath: old, path: new))
            } else {
                entries.append(NumstatEntry(additions: additions, deletions: deletions, path: parts[2]))
            }
        }
        return entries
    }

    /// Splits NUL-terminated fields (a missing final NUL is tolerated); bytes are decoded as UTF-8.
    static func splitNul(_ data: Data) -> [String] {
        var fields = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if fields.last == "" { fields.removeLast() }
        return fields
    }
}
