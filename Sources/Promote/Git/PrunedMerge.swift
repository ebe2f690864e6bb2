import CGit2

/// A three-way merge whose cost follows the change, not the repository.
///
/// libgit2's merge reads every file of all three trees and writes every tree of the result. Entries that
/// are the same in base, ours and theirs cannot take part in the merge (not even in rename detection, which
/// pairs files deleted on one side with files added), so they are left out: the three trees are pruned to
/// what differs — in memory, in a `ScratchRepository` — libgit2 merges those, and the result is grafted
/// back onto our tree, reusing every untouched subtree as it is, as git's merge-ort does.
struct PrunedMerge {
    private let repository: Repository
    private let scratch: ScratchRepository

    /// Where the three trees differ, for one folder.
    private final class Folder {
        /// Names of entries that differ among the three sides (each side's entry is in its pruned tree).
        var differing: [[UInt8]] = []
        /// Differing names that are folders on all three sides, pruned recursively.
        var subfolders: [[UInt8]: Folder] = [:]
        /// The pruned tree of base, ours and theirs; `nil` where that side has nothing here that differs.
        var pruned: [git_oid?] = [nil, nil, nil]
    }

    init(repository: Repository) throws {
        self.repository = repository
        self.scratch = try ScratchRepository(of: repository)
    }

    /// Merges tree `theirs` into tree `ours` with `base` as the merge base, as `git_merge_trees` would.
    ///
    /// Throws `UnusualTree` when a tree is in a shape this does not handle; the caller then asks libgit2.
    func merge(base: ObjectID, ours: ObjectID, theirs: ObjectID, options: git_merge_options) throws -> MergeOutcome {
        let trees = try [base, ours, theirs].map { id in var oid = id.oid; return try scratch.lookupTree(&oid) }
        let root = try prune(trees)
        let pruned = try root.pruned.map { oid -> Owned in
            guard var oid else { return try emptyTree() }
            return try scratch.lookupTree(&oid)
        }
        var options = options
        var index: OpaquePointer?
        try check(git_merge_trees(&index, scratch.pointer, pruned[0].pointer, pruned[1].pointer, pruned[2].pointer, &options),
                  "merge \(theirs.prefix(12)) into \(ours.prefix(12))")
        defer { git_index_free(index) }
        if git_index_has_conflicts(index) == 1 {
            return .conflicts(try repository.conflictPaths(in: index!))
        }
        var result = git_oid()
        try check(git_index_write_tree_to(&result, index, scratch.pointer), "write merged tree")
        let resultTree = try scratch.lookupTree(&result)
        let merged = try graft(root, ours: try repository.lookupTree(ours), result: resultTree)
        return .clean(tree: ObjectID(try merged ?? writeEmptyTree()))
    }

    // MARK: Pruning

    /// Prunes one folder of the three sides to what differs, writing the pruned trees in memory.
    private func prune(_ trees: [Owned?]) throws -> Folder {
        let folder = Folder()
        let builders = try trees.map { _ in try TreeBuilder(repository: scratch.pointer, source: nil) }
        try walkInStep(try trees.map { try $0?.treeEntries() ?? [] }) { row in
            let present = row.compactMap { $0 }
            if present.count == 3, present[0].isIdentical(to: present[1]), present[0].isIdentical(to: present[2]) { return }
            let name = Repository.join([], present[0])
            folder.differing.append(name)
            if present.count == 3, present.allSatisfy(\.isTree) {
                let subfolder = try prune(try present.map { try scratch.lookupTree($0.id) })
                folder.subfolders[name] = subfolder
                for (builder, tree) in zip(builders, subfolder.pruned) {
                    if var tree { try builder.insert(name, &tree, mode: UInt32(GIT_FILEMODE_TREE.rawValue)) }
                }
                return
            }
            for (builder, entry) in zip(builders, row) {
                if let entry { try builder.insert(name, entry.id, mode: entry.rawMode) }
            }
        }
        folder.pruned = try builders.map { try $0.isEmpty ? nil : $0.write() }
        return folder
    }

    // MARK: Grafting

    /// Our folder with the merge's entries in place of the differing ones; `nil` when nothing is left.
    private func graft(_ folder: Folder, ours: Owned, result: Owned?) throws -> git_oid? {
        let builder = try TreeBuilder(repository: repository.pointer, source: ours.pointer)
        for name in folder.differing { builder.remove(name) }
        var grafted = Set<[UInt8]>()
        for entry in try result?.treeEntries() ?? [] {
            let name = Repository.join([], entry)
            if entry.isTree, let subfolder = folder.subfolders[name] {
                grafted.insert(name)
                if var merged = try graft(subfolder, ours: try ourSubtree(ours, name), result: try scratch.lookupTree(entry.id)) {
                    try builder.insert(name, &merged, mode: UInt32(GIT_FILEMODE_TREE.rawValue))
                }
            } else {
                try scratch.persist(entry.id)
                try builder.insert(name, entry.id, mode: entry.rawMode)
            }
        }
        for (name, subfolder) in folder.subfolders where !grafted.contains(name) {
            if var merged = try graft(subfolder, ours: try ourSubtree(ours, name), result: nil) {
                try builder.insert(name, &merged, mode: UInt32(GIT_FILEMODE_TREE.rawValue))
            }
        }
        return builder.isEmpty ? nil : try builder.write()
    }

    private func ourSubtree(_ tree: Owned, _ name: [UInt8]) throws -> Owned {
        let entry = (name + [0]).withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { git_tree_entry_byname(tree.pointer, $0.baseAddress) }
        }
        guard let entry, let id = git_tree_entry_id(entry) else { throw UnusualTree() }
        return try repository.lookupTree(id)
    }

    private func emptyTree() throws -> Owned {
        var oid = try TreeBuilder(repository: scratch.pointer, source: nil).write()
        return try scratch.lookupTree(&oid)
    }

    private func writeEmptyTree() throws -> git_oid {
        try TreeBuilder(repository: repository.pointer, source: nil).write()
    }
}

/// A `git_treebuilder`, freed with its owner.
private final class TreeBuilder {
    private let pointer: OpaquePointer

    init(repository: OpaquePointer, source: OpaquePointer?) throws {
        var raw: OpaquePointer?
        try check(git_treebuilder_new(&raw, repository, source), "prepare tree")
        pointer = raw!
    }

    deinit { git_treebuilder_free(pointer) }

    var isEmpty: Bool { git_treebuilder_entrycount(pointer) == 0 }

    /// Adds or replaces `name`; a mode or name libgit2 would not write is an `UnusualTree`.
    func insert(_ name: [UInt8], _ id: UnsafePointer<git_oid>, mode: UInt32) throws {
        let result = (name + [0]).withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) {
                git_treebuilder_insert(nil, pointer, $0.baseAddress, id, git_filemode_t(rawValue: mode))
            }
        }
        if result < 0 { throw UnusualTree() }
    }

    func remove(_ name: [UInt8]) {
        _ = (name + [0]).withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { git_treebuilder_remove(pointer, $0.baseAddress) }
        }
    }

    func write() throws -> git_oid {
        var oid = git_oid()
        try check(git_treebuilder_write(&oid, pointer), "write tree")
        return oid
    }
}
