import CGit2
import Foundation

/// The result of merging two commits in memory.
public enum MergeOutcome: Sendable, Equatable {
    /// The merge is clean; the merged tree is readable through the repository (kept in memory with the objects it
    /// needs until a commit stores them: `PendingObjects`).
    case clean(tree: ObjectID)
    /// The merge conflicts at these paths (sorted, byte order; every side's path of a conflict).
    case conflicts([String])
}

extension Repository {
    /// Merges `theirs` into `ours` in memory, as `git merge-tree --write-tree` does (renames detected,
    /// recursive merge bases, and git's directory-rename conflicts, which libgit2 alone would miss).
    /// Writes nothing to the repository: its new objects are pending (`PendingObjects`); no ref, index file or
    /// working tree is touched.
    public func mergeCommits(ours: ObjectID, theirs: ObjectID) throws -> MergeOutcome {
        let options = try Self.mergeOptions()
        let bases = try mergeBases(ours, theirs)

        var outcome: MergeOutcome
        var conflicts: [String] = []
        do {
            // One merge base: merge only what differs. Several (criss-cross histories) or none: libgit2 builds
            // the virtual base itself.
            guard bases.count == 1 else { throw UnusualTree() }
            let baseTree = try treeID(ofCommit: bases[0])
            let ourTree = try treeID(ofCommit: ours)
            let theirTree = try treeID(ofCommit: theirs)
            let merged = try PrunedMerge(repository: self).merge(base: baseTree, ours: ourTree, theirs: theirTree, options: options)
            outcome = merged.outcome
            if case .clean(let tree) = outcome, let changes = merged.resultChanges {
                knownDifferences.store(changes, old: ourTree, new: tree)
            }
            conflicts = try directoryRenameConflicts(
                ours: SideChanges(repository: self, base: baseTree, tip: ourTree, files: merged.ourChanges),
                theirs: SideChanges(repository: self, base: baseTree, tip: theirTree, files: merged.theirChanges))
        } catch is UnusualTree {
            outcome = try libgit2Merge(ours: ours, theirs: theirs, options: options)
            if let base = bases.first {
                conflicts = try directoryRenameConflicts(base: base, ours: ours, theirs: theirs)
            }
        }

        if case .conflicts(let paths) = outcome { conflicts += paths }
        if !conflicts.isEmpty {
            return .conflicts(Set(conflicts).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        }
        return outcome
    }

    /// The merge options: renames detected, as git's merge does.
    static func mergeOptions() throws -> git_merge_options {
        var options = git_merge_options()
        try check(git_merge_options_init(&options, UInt32(GIT_MERGE_OPTIONS_VERSION)), "prepare merge")
        options.flags = GIT_MERGE_FIND_RENAMES.rawValue
        return options
    }

    /// libgit2's own merge of the two commits, reading and writing whole trees. It runs on a scratch handle, so
    /// that what it writes (virtual merge bases, merged blobs, trees) stays in memory; the result's new objects
    /// join this handle's pending objects.
    func libgit2Merge(ours: ObjectID, theirs: ObjectID, options: git_merge_options) throws -> MergeOutcome {
        let scratch = try ScratchRepository(of: self)
        let ourCommit = try scratch.lookupCommit(ours)
        let theirCommit = try scratch.lookupCommit(theirs)
        var options = options
        var index: OpaquePointer?
        try check(git_merge_commits(&index, scratch.pointer, ourCommit.pointer, theirCommit.pointer, &options),
                  "merge \(theirs.prefix(12)) into \(ours.prefix(12))")
        defer { git_index_free(index) }
        let conflicts = try mergeConflicts(in: index!)
        if !conflicts.isEmpty { return .conflicts(conflicts) }
        var tree = git_oid()
        try check(git_index_write_tree_to(&tree, index, scratch.pointer), "write merged tree")
        try scratch.persistTree(tree)
        return .clean(tree: ObjectID(tree))
    }

    /// Where a merged index conflicts: libgit2's conflicts and the file/directory conflicts it missed.
    func mergeConflicts(in index: OpaquePointer) throws -> [String] {
        let conflicts = git_index_has_conflicts(index) == 1 ? try conflictPaths(in: index) : []
        return conflicts + Self.fileDirectoryConflicts(in: index).filter { !conflicts.contains($0) }
    }

    /// Names that are a file (or link) and also a folder of other entries of a merged index (`x` and `x/y`).
    ///
    /// git reports a file/directory conflict there (moving the file aside to `x~<side>`, the path it lists).
    /// libgit2 finds one only when the two are neighbours in path order (not with `x.d/` between `x` and
    /// `x/`) and otherwise keeps both in the index, whose tree writer then drops the file. These are reported
    /// at `x`, where both sides wrote, as libgit2 reports the conflicts it does find. An ancestor-only entry
    /// (stage 1) is on neither side and does not count.
    static func fileDirectoryConflicts(in index: OpaquePointer) -> [String] {
        var paths: [ArraySlice<UInt8>] = []
        for position in 0..<git_index_entrycount(index) {
            guard let entry = git_index_get_byindex(index, position), git_index_entry_stage(entry) != 1,
                  let path = entry.pointee.path else { continue }
            paths.append(ArraySlice(UnsafeRawBufferPointer(start: path, count: strlen(path))))
        }
        let names = Set(paths)
        var conflicts = Set<ArraySlice<UInt8>>()
        for path in paths {
            for slash in path.indices where path[slash] == 0x2F && names.contains(path[..<slash]) {
                conflicts.insert(path[..<slash])
            }
        }
        return conflicts.map { GitPath.decode(Array($0)) }
    }

    func conflictPaths(in index: OpaquePointer) throws -> [String] {
        var iterator: OpaquePointer?
        try check(git_index_conflict_iterator_new(&iterator, index), "list conflicts")
        defer { git_index_conflict_iterator_free(iterator) }
        var paths = Set<String>()
        var ancestor: UnsafePointer<git_index_entry>?
        var ours: UnsafePointer<git_index_entry>?
        var theirs: UnsafePointer<git_index_entry>?
        while git_index_conflict_next(&ancestor, &ours, &theirs, iterator) == 0 {
            // As git lists them: where the sides put the file. A side that renamed wins over the ancestor's
            // path (rename/modify conflicts sit at the new path only), and libgit2's ancestor-only entry of a
            // rename/delete conflict names a path that exists on neither side, which git does not list.
            let base = ancestor.map { GitPath.decode($0.pointee.path) }
            var sides = [ours, theirs].compactMap { $0.map { GitPath.decode($0.pointee.path) } }
            if sides.count == 2, sides[0] != sides[1], let base, sides.contains(base) {
                sides.removeAll { $0 == base }
            }
            paths.formUnion(sides)
        }
        return Array(paths)
    }
}
