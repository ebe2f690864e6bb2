import CGit2

extension Repository {
    /// The file-level difference from tree `old` (`nil`: the empty tree) to tree `new`, with renames detected
    /// as `git diff -M` does (50% similarity) and line counts as `git diff --numstat` reports them; pairs of
    /// files `lineCounts` has counted already (on another thread) are not counted again.
    ///
    /// Costs what the change costs: subtrees that are the same on both sides are never read.
    public func diffTrees(old: ObjectID?, new: ObjectID) throws -> [RawFileChange] {
        try diffTrees(old: old, new: new, lineCounts: LineCounts())
    }

    /// `diffTrees`, taking the counts made ahead in `lineCounts`; optionally the way libgit2 alone does it, reading
    /// every tree (to compare the two in tests).
    func diffTrees(old: ObjectID?, new: ObjectID, readingWholeTrees: Bool = false,
                   lineCounts: LineCounts = LineCounts()) throws -> [RawFileChange] {
        let diff = try renameDetectedDiff(old: old, new: new, readingWholeTrees: readingWholeTrees)
        // The deltas' paths point into the diff: it lives until the changes are made.
        return try withExtendedLifetime(diff) {
            let deltas = (0..<git_diff_num_deltas(diff.pointer)).compactMap { index in
                git_diff_get_delta(diff.pointer, index).map { (index: index, delta: $0.pointee) }
            }
            // From the last delta: a thread counting ahead starts from the first (see `LineCounts`).
            var counts: [LineCounts.Counts] = []
            for (index, delta) in deltas.reversed() {
                counts.append(try lineCounts.counts(of: delta, at: index, in: diff.pointer))
            }
            return zip(deltas, counts.reversed()).map { item, counts in
                RawFileChange(delta: item.delta, additions: counts.additions, deletions: counts.deletions,
                              isBinary: counts.isBinary)
            }
        }
    }

    /// The changes from tree `old` to tree `new`, renames detected, without line counts or binary flags;
    /// `files` are their `differingFiles` when known.
    func changedFiles(old: ObjectID, new: ObjectID, files: FileChanges) throws -> [RawFileChange] {
        let diff: Owned
        do {
            diff = try findRenames(in: self.diff(of: files))
        } catch is UnusualTree {
            diff = try renameDetectedDiff(old: old, new: new, readingWholeTrees: true)
        }
        return (0..<git_diff_num_deltas(diff.pointer)).compactMap { index in
            git_diff_get_delta(diff.pointer, index).map { RawFileChange(delta: $0.pointee, additions: 0, deletions: 0, isBinary: false) }
        }
    }

    /// libgit2's diff of `files` (as `differingFiles` lists them), without rename detection: the same deltas
    /// as `git_diff_tree_to_tree` of their trees, which would read every tree of both sides. Throws
    /// `UnusualTree` for a path libgit2 refuses in an index.
    func diff(of files: FileChanges, operation: @autoclosure () -> String = "diff") throws -> Owned {
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "prepare diff")
        let oldIndex = try Self.memoryIndex(files.old)
        let newIndex = try Self.memoryIndex(files.new)
        var raw: OpaquePointer?
        try withExtendedLifetime((oldIndex, newIndex)) {
            try check(git_diff_index_to_index(&raw, pointer, oldIndex.pointer, newIndex.pointer, &options), operation())
        }
        return Owned(raw!, owner: self, free: { git_diff_free($0) })
    }

    /// libgit2's diff of the two trees with `git diff -M`'s rename detection applied. Only the files that differ
    /// are diffed (`diff(of:)`), unless a path is unusual or `readingWholeTrees`: then libgit2 reads the trees.
    private func renameDetectedDiff(old: ObjectID?, new: ObjectID, readingWholeTrees: Bool = false) throws -> Owned {
        let operation = "diff \(old?.prefix(12) ?? "empty tree")..\(new.prefix(12))"
        do {
            if readingWholeTrees { throw UnusualTree() }
            return try findRenames(in: diff(of: differingFiles(old: old, new: new), operation: operation))
        } catch is UnusualTree {
            var options = git_diff_options()
            try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "prepare diff")
            let oldTree = try old.map { try lookupTree($0) }
            let newTree = try lookupTree(new)
            var raw: OpaquePointer?
            try check(git_diff_tree_to_tree(&raw, pointer, oldTree?.pointer, newTree.pointer, &options), operation)
            return try findRenames(in: Owned(raw!, owner: self, free: { git_diff_free($0) }))
        }
    }

    /// Applies `git diff -M`'s rename detection (50% similarity) to `diff`.
    private func findRenames(in diff: Owned) throws -> Owned {
        var find = git_diff_find_options()
        try check(git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "prepare rename detection")
        find.flags = GIT_DIFF_FIND_RENAMES.rawValue
        try check(git_diff_find_similar(diff.pointer, &find), "detect renames")
        return diff
    }

    /// An index held in memory only (no file, no repository) with exactly these entries at stage 0.
    static func memoryIndex(_ files: [PathEntry]) throws -> Owned {
        var raw: OpaquePointer?
        try check(git_index_new(&raw), "prepare diff")
        let index = Owned(raw!, owner: nil, free: { git_index_free($0) })
        for file in files {
            var entry = git_index_entry()
            entry.mode = file.mode
            entry.id = file.id
            let result = (file.path + [0]).withUnsafeBufferPointer { path in
                path.withMemoryRebound(to: CChar.self) { name in
                    entry.path = name.baseAddress
                    return git_index_add(index.pointer, &entry)
                }
            }
            // A path libgit2 refuses in an index (it accepts it in a tree): diff the trees instead.
            if result < 0 { throw UnusualTree() }
        }
        return index
    }
}

extension RawFileChange {
    init(delta: git_diff_delta, additions: Int, deletions: Int, isBinary: Bool) {
        let newPath = GitPath.decode(delta.new_file.path)
        let oldPath = GitPath.decode(delta.old_file.path)
        let hasOld = delta.old_file.flags & GIT_DIFF_FLAG_EXISTS.rawValue != 0
        let hasNew = delta.new_file.flags & GIT_DIFF_FLAG_EXISTS.rawValue != 0
        let status: Status
        switch delta.status {
        case GIT_DELTA_ADDED: status = .added
        case GIT_DELTA_DELETED: status = .deleted
        case GIT_DELTA_RENAMED: status = .renamed
        case GIT_DELTA_COPIED: status = .copied
        case GIT_DELTA_TYPECHANGE: status = .typeChanged
        default: status = .modified
        }
        self.init(
            path: status == .deleted ? oldPath : newPath,
            oldPath: (status == .renamed || status == .copied) ? oldPath : nil,
            status: status,
            additions: isBinary ? 0 : additions,
            deletions: isBinary ? 0 : deletions,
            isBinary: isBinary,
            oldBlob: hasOld && status != .added ? ObjectID(delta.old_file.id) : nil,
            newBlob: hasNew && status != .deleted ? ObjectID(delta.new_file.id) : nil
        )
    }
}
