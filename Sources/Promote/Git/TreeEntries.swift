import CGit2
import Foundation

/// One entry of a loaded tree, borrowed from it: valid only while the tree's `Owned` is alive, so entries are
/// only handed out inside `withTreeEntries`.
struct TreeEntryRef {
    let name: UnsafePointer<CChar>
    let nameLength: Int
    /// The mode exactly as stored in the tree.
    let rawMode: UInt32
    let id: UnsafePointer<git_oid>

    var isTree: Bool { rawMode == UInt32(GIT_FILEMODE_TREE.rawValue) }

    /// Whether both entries name the same object with the same mode.
    func isIdentical(to other: TreeEntryRef) -> Bool {
        rawMode == other.rawMode && git_oid_equal(id, other.id) == 1
    }

    /// Git's order of tree entries: bytewise, a tree's name compared as if it ended in `/`.
    static func order(_ lhs: TreeEntryRef, _ rhs: TreeEntryRef) -> Int32 {
        let common = min(lhs.nameLength, rhs.nameLength)
        let result = memcmp(lhs.name, rhs.name, common)
        if result != 0 { return result }
        let left = common < lhs.nameLength ? UInt8(bitPattern: lhs.name[common]) : (lhs.isTree ? 0x2F : 0)
        let right = common < rhs.nameLength ? UInt8(bitPattern: rhs.name[common]) : (rhs.isTree ? 0x2F : 0)
        return Int32(left) - Int32(right)
    }
}

/// Thrown when a tree is not in the shape the fast paths assume (unsorted entries, a mode libgit2 would
/// not write); callers then take libgit2's general path, which handles anything.
struct UnusualTree: Error {}

/// Calls `body` with the entries of each tree (nil: an empty folder), each list checked to be in Git's order.
/// The entries borrow from the trees, which are kept alive for the call: a tree larger than libgit2's object
/// cache keeps is freed as soon as nothing holds it, and its entries with it.
func withTreeEntries<Result>(of trees: [Owned?], _ body: ([[TreeEntryRef]]) throws -> Result) throws -> Result {
    try withExtendedLifetime(trees) { try body(trees.map { try $0?.treeEntries() ?? [] }) }
}

extension Owned {
    /// The entries of this tree (it must be a `git_tree`), checked to be in Git's order; see `withTreeEntries`.
    fileprivate func treeEntries() throws(UnusualTree) -> [TreeEntryRef] {
        let count = git_tree_entrycount(pointer)
        var entries: [TreeEntryRef] = []
        entries.reserveCapacity(count)
        for index in 0..<count {
            guard let entry = git_tree_entry_byindex(pointer, index), let name = git_tree_entry_name(entry),
                  let id = git_tree_entry_id(entry) else { throw UnusualTree() }
            let ref = TreeEntryRef(name: name, nameLength: strlen(name), rawMode: git_tree_entry_filemode_raw(entry).rawValue,
                                   id: id)
            if let previous = entries.last, TreeEntryRef.order(previous, ref) >= 0 { throw UnusualTree() }
            entries.append(ref)
        }
        return entries
    }
}

/// Walks several sorted entry lists in step, calling `body` once per name with each list's entry for it.
///
/// Entries match when their names and tree-ness agree, as Git pairs them.
func walkInStep(_ lists: [[TreeEntryRef]], _ body: ([TreeEntryRef?]) throws -> Void) rethrows {
    var positions = [Int](repeating: 0, count: lists.count)
    // One row for the whole walk, refilled for each name (a folder of 20,000 entries would allocate 20,000).
    var row = [TreeEntryRef?](repeating: nil, count: lists.count)
    while true {
        var smallest: TreeEntryRef?
        for (list, position) in zip(lists, positions) where position < list.count {
            if let current = smallest, TreeEntryRef.order(list[position], current) >= 0 { continue }
            smallest = list[position]
        }
        guard let smallest else { return }
        for index in lists.indices {
            row[index] = nil
            guard positions[index] < lists[index].count else { continue }
            let entry = lists[index][positions[index]]
            if TreeEntryRef.order(entry, smallest) == 0 {
                row[index] = entry
                positions[index] += 1
            }
        }
        try body(row)
    }
}

/// A file (blob, link or submodule) at a full path, as an index entry would hold it.
struct PathEntry {
    var path: [UInt8]
    var mode: UInt32
    var id: git_oid

    /// Whether the entry names a blob (a file or a link), not a submodule's commit.
    var isBlob: Bool { mode != UInt32(GIT_FILEMODE_COMMIT.rawValue) }
}

/// The files that differ between two trees, each side's in path order, as `differingFiles` lists them.
typealias FileChanges = (old: [PathEntry], new: [PathEntry])

extension Repository {
    /// The files that differ between two trees, on each side, in path order; identical subtrees are skipped
    /// without being read, so the cost follows the size of the change, not of the trees.
    func differingFiles(old: ObjectID?, new: ObjectID) throws -> FileChanges {
        if let old, let known = knownDifferences.files(old: old, new: new) { return known }
        let files = try Self.differingFiles(old: old.map { try lookupTree($0) }, new: try lookupTree(new), load: lookupTree)
        if let old { knownDifferences.store(files, old: old, new: new) }
        return files
    }

    /// The same for trees already loaded, reading subtrees with `load`.
    static func differingFiles(old: Owned?, new: Owned?, load: (UnsafePointer<git_oid>) throws -> Owned) throws
        -> FileChanges {
        var oldFiles: [PathEntry] = []
        var newFiles: [PathEntry] = []
        try compare(old, new, prefix: [], &oldFiles, &newFiles, load)
        return (oldFiles, newFiles)
    }

    private static func compare(_ old: Owned?, _ new: Owned?, prefix: [UInt8], _ oldFiles: inout [PathEntry],
                                _ newFiles: inout [PathEntry], _ load: (UnsafePointer<git_oid>) throws -> Owned) throws {
        try withTreeEntries(of: [old, new]) { lists in try compareEntries(lists, prefix: prefix, &oldFiles, &newFiles, load) }
    }

    /// `compare` for the entries of the two trees.
    private static func compareEntries(_ lists: [[TreeEntryRef]], prefix: [UInt8], _ oldFiles: inout [PathEntry],
                                       _ newFiles: inout [PathEntry], _ load: (UnsafePointer<git_oid>) throws -> Owned) throws {
        try walkInStep(lists) { row in
            let (before, after) = (row[0], row[1])
            if let before, let after {
                if before.isIdentical(to: after) { return }
                if before.isTree && after.isTree {
                    let path = join(prefix, before)
                    try compare(try load(before.id), try load(after.id), prefix: path + [0x2F], &oldFiles, &newFiles, load)
                    return
                }
            }
            if let before { try listFiles(before, prefix: prefix, into: &oldFiles, load) }
            if let after { try listFiles(after, prefix: prefix, into: &newFiles, load) }
        }
    }

    /// Appends `entry` (or, for a tree, every file below it) to `files`.
    private static func listFiles(_ entry: TreeEntryRef, prefix: [UInt8], into files: inout [PathEntry],
                                  _ load: (UnsafePointer<git_oid>) throws -> Owned) throws {
        let path = join(prefix, entry)
        guard entry.isTree else {
            files.append(PathEntry(path: path, mode: entry.rawMode, id: entry.id.pointee))
            return
        }
        try withTreeEntries(of: [try load(entry.id)]) { lists in
            for child in lists[0] { try listFiles(child, prefix: path + [0x2F], into: &files, load) }
        }
    }

    static func join(_ prefix: [UInt8], _ entry: TreeEntryRef) -> [UInt8] {
        var path = prefix
        path.append(contentsOf: UnsafeRawBufferPointer(start: entry.name, count: entry.nameLength))
        return path
    }

    /// Loads the tree `id` names, reading through the repository's object cache.
    func lookupTree(_ id: UnsafePointer<git_oid>) throws -> Owned {
        try Owned.tree(id, in: pointer, owner: self)
    }
}
