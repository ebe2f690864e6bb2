import CGit2

/// The result of merging two commits in memory.
public enum MergeOutcome: Sendable, Equatable {
    /// The merge is clean; the merged tree has been written to the object database.
    case clean(tree: ObjectID)
    /// The merge conflicts at these paths (sorted, byte order; every side's path of a conflict).
    case conflicts([String])
}

extension Repository {
    /// Merges `theirs` into `ours` in memory, as `git merge-tree --write-tree` does (renames detected,
    /// recursive merge bases, and git's directory-rename conflicts, which libgit2 alone would miss).
    /// Writes tree objects only; no ref, index file or working tree is touched.
    public func mergeCommits(ours: ObjectID, theirs: ObjectID) throws -> MergeOutcome {
        let ourCommit = try lookupCommit(ours)
        let theirCommit = try lookupCommit(theirs)
        var options = git_merge_options()
        try check(git_merge_options_init(&options, UInt32(GIT_MERGE_OPTIONS_VERSION)), "prepare merge")
        options.flags = GIT_MERGE_FIND_RENAMES.rawValue
        var index: OpaquePointer?
        try check(git_merge_commits(&index, pointer, ourCommit.pointer, theirCommit.pointer, &options),
                  "merge \(theirs.prefix(12)) into \(ours.prefix(12))")
        defer { git_index_free(index) }

        var conflicts = git_index_has_conflicts(index) == 1 ? try conflictPaths(in: index!) : []
        if let base = try mergeBase(ours, theirs) {
            conflicts += try directoryRenameConflicts(base: base, ours: ours, theirs: theirs)
        }
        if !conflicts.isEmpty {
            return .conflicts(Set(conflicts).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        }
        var tree = git_oid()
        try check(git_index_write_tree_to(&tree, index, pointer), "write merged tree")
        return .clean(tree: ObjectID(tree))
    }

    private func conflictPaths(in index: OpaquePointer) throws -> [String] {
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
