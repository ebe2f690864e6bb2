import CGit2

/// A second handle on a repository that reads all of its objects but keeps the objects it writes in memory.
///
/// Opened the way the repository was (same config and attributes, so libgit2 merges exactly as it would
/// there); what a result needs is copied into the repository with `persist`, the rest is dropped on `deinit`.
final class ScratchRepository {
    let pointer: OpaquePointer
    private let odb: OpaquePointer
    private let memory: UnsafeMutablePointer<git_odb_backend>
    private let target: Repository

    init(of repository: Repository) throws {
        var raw: OpaquePointer?
        try check(git_repository_open_ext(&raw, repository.openedPath, 0, nil), "open \(repository.openedPath) again")
        pointer = raw!
        target = repository
        var objectsPath = git_buf()
        defer { git_buf_dispose(&objectsPath) }
        var memoryODB: OpaquePointer?
        var backend: UnsafeMutablePointer<git_odb_backend>?
        do {
            try check(git_repository_item_path(&objectsPath, repository.pointer, GIT_REPOSITORY_ITEM_OBJECTS), "find objects")
            try check(git_odb_new(&memoryODB), "prepare object database")
            try check(git_mempack_new(&backend), "prepare in-memory objects")
            // The odb owns the backend from here; writes go to the backend with the highest priority.
            try check(git_odb_add_backend(memoryODB, backend, 1000), "prepare in-memory objects")
            try check(git_odb_add_disk_alternate(memoryODB, objectsPath.ptr), "read objects")
            try check(git_repository_set_odb(pointer, memoryODB), "prepare in-memory objects")
        } catch {
            git_odb_free(memoryODB)
            git_repository_free(pointer)
            throw error
        }
        odb = memoryODB!
        memory = backend!
    }

    deinit {
        git_odb_free(odb)
        git_repository_free(pointer)
    }

    /// Loads tree `id` (from memory or from the repository).
    func lookupTree(_ id: UnsafePointer<git_oid>) throws -> Owned {
        try Owned.tree(id, in: pointer, owner: self)
    }

    /// Stores a tree in memory. Straight into the in-memory backend: libgit2's own write path would first
    /// look for the object on disk and, not finding it, rescan the pack folder every time.
    func writeTree(_ tree: TreeWriter) throws -> git_oid {
        var id = try tree.id()
        _ = try tree.bytes.withUnsafeBytes { bytes in
            try check(memory.pointee.write(memory, &id, bytes.baseAddress, bytes.count, GIT_OBJECT_TREE), "write tree")
        }
        return id
    }

    /// Loads commit `id` (from the repository).
    func lookupCommit(_ id: ObjectID) throws -> Owned {
        var oid = id.oid
        return try Owned.commit(&oid, in: pointer, owner: self)
    }

    /// Copies tree `id` and what it holds into the repository, down to the trees the repository has already
    /// (which hold everything below them).
    func persistTree(_ id: git_oid) throws {
        var id = id
        guard !target.hasObject(&id) else { return }
        let tree = try lookupTree(&id)
        for index in 0..<git_tree_entrycount(tree.pointer) {
            guard let entry = git_tree_entry_byindex(tree.pointer, index) else { continue }
            let child = git_tree_entry_id(entry).pointee
            switch git_tree_entry_type(entry) {
            case GIT_OBJECT_TREE: try persistTree(child)
            case GIT_OBJECT_BLOB: try persist(child)
            default: break  // a submodule's commit is not an object of this repository
            }
        }
        try persist(id)
    }

    /// Copies object `id` into the repository unless it is there already (a blob the merge wrote).
    func persist(_ id: git_oid) throws {
        var id = id
        if target.hasObject(&id) { return }
        var object: OpaquePointer?
        try check(git_odb_read(&object, odb, &id), "read \(ObjectID(id).prefix(12))")
        defer { git_odb_object_free(object) }
        let bytes = UnsafeRawBufferPointer(start: git_odb_object_data(object), count: git_odb_object_size(object))
        try target.writeObject(id, bytes, type: git_odb_object_type(object))
    }
}

/// The bytes of a tree object, entry by entry in Git's order.
struct TreeWriter {
    private(set) var bytes: [UInt8] = []
    var isEmpty: Bool { bytes.isEmpty }

    /// Appends an entry; entries must come in Git's order (as `TreeEntryRef.order` sorts them).
    mutating func append(name: some Collection<UInt8>, mode: UInt32, id: git_oid) {
        // The mode in octal, without leading zeros (as Git writes it: `40000`, `100644`).
        var digits = 0
        var rest = mode
        repeat { digits += 1; rest >>= 3 } while rest > 0
        for position in (0..<digits).reversed() { bytes.append(UInt8(ascii: "0") + UInt8((mode >> (3 * position)) & 7)) }
        bytes.append(0x20)
        bytes.append(contentsOf: name)
        bytes.append(0)
        withUnsafeBytes(of: id.id) { bytes.append(contentsOf: $0) }
    }

    /// The object name of these bytes as a tree.
    func id() throws -> git_oid {
        var id = git_oid()
        _ = try bytes.withUnsafeBytes { raw in
            try check(git_odb_hash(&id, raw.baseAddress, raw.count, GIT_OBJECT_TREE), "hash tree")
        }
        return id
    }
}

extension Repository {
    /// Runs `body` with the repository's object database.
    private func withObjectDatabase<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, pointer), "open object database")
        defer { git_odb_free(odb) }
        return try body(odb!)
    }

    /// Whether the object database has `id`, without rescanning the pack folder when it does not.
    func hasObject(_ id: UnsafePointer<git_oid>) -> Bool {
        (try? withObjectDatabase { git_odb_exists_ext($0, id, UInt32(GIT_ODB_LOOKUP_NO_REFRESH.rawValue)) == 1 }) ?? false
    }

    /// Writes object `id` with these bytes (into the pending objects, until a commit needs them stored) unless
    /// the repository has it already.
    func writeObject(_ id: git_oid, _ bytes: UnsafeRawBufferPointer, type: git_object_t) throws {
        var id = id
        if hasObject(&id) { return }
        try pending.write(&id, bytes, type: type)
    }

    /// Writes `tree` unless it exists already; its entries must exist.
    func writeTree(_ tree: TreeWriter) throws -> git_oid {
        let id = try tree.id()
        try tree.bytes.withUnsafeBytes { try writeObject(id, $0, type: GIT_OBJECT_TREE) }
        return id
    }
}
