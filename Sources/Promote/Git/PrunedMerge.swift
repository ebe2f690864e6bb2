import CGit2
import Foundation

/// A three-way merge whose cost follows the change, not the repository.
///
/// libgit2's merge reads every file of all three trees and writes every tree of the result. Entries that
/// are the same in base, ours and theirs cannot take part in the merge (not even in rename detection, which
/// pairs files deleted on one side with files added), so they are left out: the three trees are pruned to
/// what differs — in memory, in a `ScratchRepository` — libgit2 merges those, and the result is grafted
/// back onto our tree, reusing every untouched subtree as it is, as git's merge-ort does.
///
/// Like merge-ort, a folder one side left as it was in the base is not merged: the result takes the other
/// side's folder whole (see `takenWhole(_:)` for why that is exact, and `Pass.mustPruneEveryFolder` for when
/// the merge starts over without it); only a two-way walk lists what that side changed in it.
struct PrunedMerge {
    private let repository: Repository
    private let scratch: ScratchRepository
    /// Whether folders one side left alone are taken whole (tests turn it off to compare).
    private let takesFoldersWhole: Bool

    /// Where the three trees differ, for one folder.
    private final class Folder {
        /// Names of entries that differ among the three sides (each side's entry is in its pruned tree).
        private(set) var differing: Set<[UInt8]> = []
        /// `nameHash` of each differing name: a large folder's entries are checked without copying their names.
        private var differingHashes: Set<Int> = []
        /// Differing names that are folders on all three sides, pruned recursively.
        var subfolders: [[UInt8]: Folder] = [:]
        /// Differing folders the result takes whole from theirs (their tree); not in the pruned trees.
        var theirsWhole: [[UInt8]: git_oid] = [:]
        /// The pruned tree of base, ours and theirs; `nil` where that side has nothing here that differs.
        var pruned: [git_oid?] = [nil, nil, nil]

        func insertDiffering(_ name: [UInt8]) {
            differing.insert(name)
            differingHashes.insert(name.withUnsafeBytes(Folder.nameHash))
        }

        /// Whether the entry named `name` differs among the three sides.
        func differs(_ name: UnsafeRawBufferPointer) -> Bool {
            differingHashes.contains(Folder.nameHash(name)) && differing.contains(Array(name))
        }

        private static func nameHash(_ name: UnsafeRawBufferPointer) -> Int {
            var hasher = Hasher()
            hasher.combine(bytes: name)
            return hasher.finalize()
        }
    }

    /// A folder one side left as it was in the base, whose result is the other side's folder: at `path`
    /// (from the root, no trailing slash), `side` (1 ours, 2 theirs) changed it from `base` to `tip`.
    private struct WholeFolder {
        let path: [UInt8]
        let side: Int
        let base: git_oid
        let tip: git_oid
    }

    /// What one pruning pass found besides the folders.
    private final class Pass {
        /// Whether folders one side left alone are taken whole (otherwise pruned like any other).
        let takesFoldersWhole: Bool
        var wholeFolders: [WholeFolder] = []
        /// Whether a row given to libgit2 could merge otherwise with a folder taken whole (`mayMeetRenames(_:)`,
        /// or a name that is a file on one side and a folder on another): the merge then starts over, pruning
        /// every folder.
        var mustPruneEveryFolder = false

        init(takesFoldersWhole: Bool) {
            self.takesFoldersWhole = takesFoldersWhole
        }
    }

    /// A file of the merge result: full path, mode and object.
    private struct ResultFile {
        let path: [UInt8]
        let mode: UInt32
        let id: git_oid
    }

    /// A merge's outcome, and what each side changed since the base (as `differingFiles` lists them).
    struct Merged {
        var outcome: MergeOutcome
        var ourChanges: FileChanges
        var theirChanges: FileChanges
        /// A clean merge's files that differ from ours (as `differingFiles` would list ours against the result).
        var resultChanges: FileChanges?
        /// How many folders the result took whole from one side without merging them (0 when the merge started
        /// over pruning every folder, `Pass.mustPruneEveryFolder`).
        var foldersTakenWhole: Int
    }

    init(repository: Repository, takingFoldersWhole: Bool = true) throws {
        self.repository = repository
        self.takesFoldersWhole = takingFoldersWhole
        self.scratch = try ScratchRepository(of: repository)
    }

    /// Merges tree `theirs` into tree `ours` with `base` as the merge base, as `git_merge_trees` would.
    ///
    /// Throws `UnusualTree` when a tree is in a shape this does not handle; the caller then asks libgit2.
    func merge(base: ObjectID, ours: ObjectID, theirs: ObjectID, options: git_merge_options) throws -> Merged {
        // The whole trees are read through the repository, whose object cache the graft and the diff reuse.
        let (root, wholeFolders) = try prune(try [base, ours, theirs].map { Optional(try repository.lookupTree($0)) })
        let pruned = try root.pruned.map { oid -> Owned in
            var oid = try oid ?? scratch.writeTree(TreeWriter())
            return try scratch.lookupTree(&oid)
        }
        // What each side changed: the pruned trees differ from the base's exactly where the whole trees do,
        // except in the folders taken whole, where one side changed nothing and the other what it lists.
        var ourWhole: FileChanges = ([], [])
        var theirWhole: FileChanges = ([], [])
        for folder in wholeFolders {
            let changes = try changes(in: folder)
            if folder.side == 1 { Self.append(changes, to: &ourWhole) } else { Self.append(changes, to: &theirWhole) }
        }
        let ourChanges = try Repository.differingFiles(old: pruned[0], new: pruned[1], load: scratch.lookupTree)
        let theirChanges = try Repository.differingFiles(old: pruned[0], new: pruned[2], load: scratch.lookupTree)
        let (outcome, resultChanges) = try merge(pruned, root: root, ours: ours, theirs: theirs, options: options)
        // Where the result took theirs' folder, it differs from ours (the base's there) as theirs does.
        return Merged(outcome: outcome, ourChanges: Self.merging(ourChanges, ourWhole),
                      theirChanges: Self.merging(theirChanges, theirWhole),
                      resultChanges: resultChanges.map { Self.merging($0, theirWhole) }, foldersTakenWhole: wholeFolders.count)
    }

    /// The files that differ between the base's and the changed side's version of a folder taken whole.
    private func changes(in folder: WholeFolder) throws -> FileChanges {
        var base = folder.base, tip = folder.tip
        let changes = try Repository.differingFiles(old: try repository.lookupTree(&base), new: try repository.lookupTree(&tip),
                                                    load: repository.lookupTree)
        let prefix = folder.path + [0x2F]
        func below(_ files: [PathEntry]) -> [PathEntry] {
            files.map { PathEntry(path: prefix + $0.path, mode: $0.mode, id: $0.id) }
        }
        return (below(changes.old), below(changes.new))
    }

    private static func append(_ changes: FileChanges, to list: inout FileChanges) {
        list.old += changes.old
        list.new += changes.new
    }

    /// Both lists' files in path order, as `differingFiles` lists one tree's files (bytewise: Git's order of
    /// one tree's full paths).
    private static func merging(_ list: FileChanges, _ more: FileChanges) -> FileChanges {
        guard !more.old.isEmpty || !more.new.isEmpty else { return list }
        return ((list.old + more.old).sorted { $0.path.lexicographicallyPrecedes($1.path) },
                (list.new + more.new).sorted { $0.path.lexicographicallyPrecedes($1.path) })
    }

    private func merge(_ pruned: [Owned], root: Folder, ours: ObjectID, theirs: ObjectID, options: git_merge_options)
        throws -> (MergeOutcome, FileChanges?) {
        var options = options
        var index: OpaquePointer?
        try check(git_merge_trees(&index, scratch.pointer, pruned[0].pointer, pruned[1].pointer, pruned[2].pointer, &options),
                  "merge \(theirs.prefix(12)) into \(ours.prefix(12))")
        defer { git_index_free(index) }
        let conflicts = try repository.mergeConflicts(in: index!)
        if !conflicts.isEmpty { return (.conflicts(conflicts), nil) }
        let files = try resultFiles(of: index!)
        let merged = try graft(root, ours: try repository.lookupTree(ours), files: files[...], at: 0)
        // Ours and the result differ only below the differing names: our pruned tree's files against the merge's.
        let ourFiles = try Repository.differingFiles(old: nil, new: pruned[1], load: scratch.lookupTree).new
        return (.clean(tree: ObjectID(try merged ?? repository.writeTree(TreeWriter()))), Self.changes(from: ourFiles, to: files))
    }

    /// The files of `ours` and of `result` that are not the same (path, mode and object) on the other side.
    private static func changes(from ours: [PathEntry], to result: [ResultFile]) -> FileChanges {
        var unmatched = Dictionary(ours.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var new: [PathEntry] = []
        for file in result {
            if let our = unmatched[file.path], our.mode == file.mode, Self.sameObject(our.id, file.id) {
                unmatched[file.path] = nil
            } else {
                new.append(PathEntry(path: file.path, mode: file.mode, id: file.id))
            }
        }
        return (ours.filter { unmatched[$0.path] != nil }, new)
    }

    private static func sameObject(_ lhs: git_oid, _ rhs: git_oid) -> Bool {
        withUnsafeBytes(of: lhs) { left in withUnsafeBytes(of: rhs) { right in left.elementsEqual(right) } }
    }

    // MARK: Pruning

    /// Prunes the three trees, taking folders whole where that is exact; the folders taken whole.
    private func prune(_ trees: [Owned?]) throws -> (Folder, [WholeFolder]) {
        let pass = Pass(takesFoldersWhole: takesFoldersWhole)
        let root = try prune(trees, path: [], pass)
        guard pass.mustPruneEveryFolder && !pass.wholeFolders.isEmpty else { return (root, pass.wholeFolders) }
        // As merge-ort redoes its walk when renames reach into folders it resolved trivially.
        return (try prune(trees, path: [], Pass(takesFoldersWhole: false)), [])
    }

    /// Prunes one folder (at `path`, empty or ending in `/`) of the three sides to what differs, writing the
    /// pruned trees in memory.
    private func prune(_ trees: [Owned?], path: [UInt8], _ pass: Pass) throws -> Folder {
        let folder = Folder()
        var writers = [TreeWriter](repeating: TreeWriter(), count: 3)
        var fileNames = Set<[UInt8]>()
        var folderNames = Set<[UInt8]>()
        try withTreeEntries(of: trees) { lists in
            try walkInStep(lists) { row in
                if let base = row[0], let ours = row[1], let theirs = row[2], base.isIdentical(to: ours),
                   base.isIdentical(to: theirs) { return }
                let present = row.compactMap { $0 }
                let name = Repository.join([], present[0])
                if pass.takesFoldersWhole, let side = Self.takenWhole(row) {
                    pass.wholeFolders.append(WholeFolder(path: path + name, side: side, base: row[0]!.id.pointee,
                                                         tip: row[side]!.id.pointee))
                    if side == 2 {
                        folder.insertDiffering(name)
                        folder.theirsWhole[name] = row[2]!.id.pointee
                    }
                    return
                }
                folder.insertDiffering(name)
                if present.count == 3, present.allSatisfy(\.isTree) {
                    // Made as `[Owned?]`: an `[Owned]` would be converted element by element with dynamic casts.
                    let subtrees = try present.map { Optional(try repository.lookupTree($0.id)) }
                    let subfolder = try prune(subtrees, path: path + name + [0x2F], pass)
                    folder.subfolders[name] = subfolder
                    for side in 0..<3 {
                        if let tree = subfolder.pruned[side] { writers[side].append(name: name, mode: Self.treeMode, id: tree) }
                    }
                    return
                }
                if Self.mayMeetRenames(row) { pass.mustPruneEveryFolder = true }
                if present[0].isTree { folderNames.insert(name) } else { fileNames.insert(name) }
                for side in 0..<3 {
                    if let entry = row[side] { writers[side].append(name: name, mode: entry.rawMode, id: entry.id.pointee) }
                }
            }
        }
        // A name that is a file on one side and a folder on another: libgit2 finds directory/file conflicts
        // between neighbours in path order, which the files of a folder taken whole could have kept apart
        // (`Repository.fileDirectoryConflicts` finds the ones it misses; starting over keeps what it finds).
        if !fileNames.isDisjoint(with: folderNames) { pass.mustPruneEveryFolder = true }
        folder.pruned = try writers.map { try $0.isEmpty ? nil : scratch.writeTree($0) }
        return folder
    }

    /// The side whose folder the result takes whole (1 ours, 2 theirs) when this differing row is a folder on
    /// all three sides and the other side's is the base's; nil otherwise.
    ///
    /// Exact, unless `Pass.mustPruneEveryFolder`: in such a folder every file the changed
    /// side touched is the merge's result there (libgit2 resolves "changed on one side only" to that side,
    /// renamed files included), no file in it can conflict with one outside (each of its paths is below a
    /// folder that exists on all three sides), and its files could otherwise matter only as rename sources or
    /// targets of the changed side, pairing with files outside — which changes nothing unless the other side
    /// also changed the file at the other end of the pair.
    private static func takenWhole(_ row: [TreeEntryRef?]) -> Int? {
        guard let base = row[0], let ours = row[1], let theirs = row[2], base.isTree, ours.isTree, theirs.isTree else { return nil }
        if base.isIdentical(to: ours) { return 2 }
        if base.isIdentical(to: theirs) { return 1 }
        return nil
    }

    /// Whether libgit2's rename detection could pair this row (given to libgit2, not a folder on all three
    /// sides) with a file in a folder taken whole and so change the outcome: both sides changed it and one
    /// lacks it — modified or renamed on one side and deleted on the other (the rename's target decides),
    /// deleted on both (a rename/delete when one side moved it), added on both (a rename/add). A file present
    /// on all three sides is neither a rename source nor a target. With such a row the merge starts over
    /// without folders taken whole, as merge-ort redoes its walk when renames reach into them.
    private static func mayMeetRenames(_ row: [TreeEntryRef?]) -> Bool {
        func same(_ lhs: TreeEntryRef?, _ rhs: TreeEntryRef?) -> Bool {
            guard let lhs, let rhs else { return lhs == nil && rhs == nil }
            return lhs.isIdentical(to: rhs)
        }
        return row.contains { $0 == nil } && !same(row[0], row[1]) && !same(row[0], row[2])
    }

    // MARK: Grafting

    /// The files of the merged index, in path order; merged blobs are copied out of memory.
    private func resultFiles(of index: OpaquePointer) throws -> [ResultFile] {
        try (0..<git_index_entrycount(index)).map { position in
            guard let entry = git_index_get_byindex(index, position)?.pointee, let path = entry.path else { throw UnusualTree() }
            if entry.mode != Self.submoduleMode { try scratch.persist(entry.id) }
            return ResultFile(path: Array(UnsafeRawBufferPointer(start: path, count: strlen(path))), mode: entry.mode, id: entry.id)
        }
    }

    /// `ours` (nil: an empty folder) with the merge's `files` in place of the differing entries; `nil` when
    /// nothing is left. `files` lie below this folder, whose path ends at byte `offset` of theirs.
    private func graft(_ folder: Folder, ours: Owned?, files: ArraySlice<ResultFile>, at offset: Int) throws -> git_oid? {
        var entries: [(name: ArraySlice<UInt8>, mode: UInt32, id: git_oid)] = []
        var position = files.startIndex
        var grafted = Set<[UInt8]>()
        while position < files.endIndex {
            let path = files[position].path
            guard let slash = path[offset...].firstIndex(of: 0x2F) else {
                entries.append((path[offset...], files[position].mode, files[position].id))
                position += 1
                continue
            }
            // Everything below one folder is contiguous in path order.
            let name = path[offset..<slash]
            var end = position + 1
            while end < files.endIndex, files[end].path.count > slash, files[end].path[slash] == 0x2F,
                  files[end].path[offset..<slash] == name { end += 1 }
            let key = Array(name)
            let subfolder = folder.subfolders[key]
            grafted.insert(key)
            let below = try subfolder == nil ? nil : ourSubtree(ours, key)
            if let tree = try graft(subfolder ?? Folder(), ours: below, files: files[position..<end], at: slash + 1) {
                entries.append((name, Self.treeMode, tree))
            }
            position = end
        }
        for (name, subfolder) in folder.subfolders where !grafted.contains(name) {
            if let tree = try graft(subfolder, ours: try ourSubtree(ours, name), files: [], at: 0) {
                entries.append((name[...], Self.treeMode, tree))
            }
        }
        for (name, tree) in folder.theirsWhole { entries.append((name[...], Self.treeMode, tree)) }
        entries.sort { Self.order($0.name, $0.mode, $1.name, $1.mode) }
        // Our untouched entries are in Git's order already: the few new ones are merged in.
        return try withTreeEntries(of: [ours]) { lists in
            let kept = lists[0].filter { !folder.differs(UnsafeRawBufferPointer(start: $0.name, count: $0.nameLength)) }
            guard !entries.isEmpty || !kept.isEmpty else { return nil }
            var tree = TreeWriter()
            var next = entries.startIndex
            for entry in kept {
                let name = UnsafeRawBufferPointer(start: entry.name, count: entry.nameLength)
                while next < entries.endIndex, Self.order(entries[next].name, entries[next].mode, name, entry.rawMode) {
                    tree.append(name: entries[next].name, mode: entries[next].mode, id: entries[next].id)
                    next += 1
                }
                tree.append(name: name, mode: entry.rawMode, id: entry.id.pointee)
            }
            for entry in entries[next...] { tree.append(name: entry.name, mode: entry.mode, id: entry.id) }
            return try repository.writeTree(tree)
        }
    }

    private func ourSubtree(_ tree: Owned?, _ name: [UInt8]) throws -> Owned {
        guard let tree else { throw UnusualTree() }
        let entry = (name + [0]).withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { git_tree_entry_byname(tree.pointer, $0.baseAddress) }
        }
        guard let entry, let id = git_tree_entry_id(entry) else { throw UnusualTree() }
        return try repository.lookupTree(id)
    }

    /// Git's order of tree entries (a folder's name sorts as if it ended in `/`).
    private static func order<L: Collection<UInt8>, R: Collection<UInt8>>(_ lhs: L, _ lhsMode: UInt32, _ rhs: R,
                                                                         _ rhsMode: UInt32) -> Bool {
        for (left, right) in zip(lhs, rhs) where left != right { return left < right }
        let left: UInt8 = lhs.count > rhs.count ? lhs.dropFirst(rhs.count).first! : (lhsMode == treeMode ? 0x2F : 0)
        let right: UInt8 = rhs.count > lhs.count ? rhs.dropFirst(lhs.count).first! : (rhsMode == treeMode ? 0x2F : 0)
        return left < right
    }

    private static let treeMode = UInt32(GIT_FILEMODE_TREE.rawValue)
    private static let submoduleMode = UInt32(GIT_FILEMODE_COMMIT.rawValue)
}
