import CGit2

extension Repository {
    /// The file-level difference from tree `old` (`nil`: the empty tree) to tree `new`, with renames detected
    /// as `git diff -M` does (50% similarity) and line counts as `git diff --numstat` reports them.
    public func diffTrees(old: ObjectID?, new: ObjectID) throws -> [RawFileChange] {
        let oldTree = try old.map { try lookupTree($0) }
        let newTree = try lookupTree(new)

        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "prepare diff")
        var diff: OpaquePointer?
        try check(git_diff_tree_to_tree(&diff, pointer, oldTree?.pointer, newTree.pointer, &options),
                  "diff \(old?.prefix(12) ?? "empty tree")..\(new.prefix(12))")
        defer { git_diff_free(diff) }

        var find = git_diff_find_options()
        try check(git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "prepare rename detection")
        find.flags = GIT_DIFF_FIND_RENAMES.rawValue
        try check(git_diff_find_similar(diff, &find), "detect renames")

        var changes: [RawFileChange] = []
        let count = git_diff_num_deltas(diff)
        changes.reserveCapacity(count)
        for index in 0..<count {
            var patch: OpaquePointer?
            try check(git_patch_from_diff(&patch, diff, index), "compute line counts")
            defer { git_patch_free(patch) }
            guard let delta = git_patch_get_delta(patch)?.pointee else { continue }
            var context = 0, additions = 0, deletions = 0
            try check(git_patch_line_stats(&context, &additions, &deletions, patch), "count lines")
            let isBinary = delta.flags & GIT_DIFF_FLAG_BINARY.rawValue != 0
            changes.append(RawFileChange(delta: delta, additions: additions, deletions: deletions, isBinary: isBinary))
        }
        return changes
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
