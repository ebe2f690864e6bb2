import CGit2

/// A second handle on a repository that reads all of its objects but keeps the objects it writes in memory.
///
/// Opened the way the repository was (same config and attributes, so libgit2 merges exactly as it would
/// there); what a result needs is copied into the repository with `persist`, the rest is dropped on `deinit`.
final class ScratchRepository {
    let pointer: OpaquePointer
    private let odb: OpaquePointer
    private let targetODB: OpaquePointer
    private let target: Repository

    init(of repository: Repository) throws {
        var raw: OpaquePointer?
        try check(git_repository_open_ext(&raw, repository.openedPath, 0, nil), "open \(repository.openedPath) again")
        pointer = raw!
        target = repository
        var objectsPath = git_buf()
        defer { git_buf_dispose(&objectsPath) }
        var memoryODB: OpaquePointer?
        var targetODB: OpaquePointer?
        var backend: OpaquePointer?
        do {
            try check(git_repository_item_path(&objectsPath, repository.pointer, GIT_REPOSITORY_ITEM_OBJECTS), "find objects")
            try check(git_repository_odb(&targetODB, repository.pointer), "open object database")
            try check(git_odb_new(&memoryODB), "prepare object database")
            try check(git_mempack_new(&backend), "prepare in-memory objects")
            // The odb owns the backend from here; writes go to the backend with the highest priority.
            try check(git_odb_add_backend(memoryODB, backend, 1000), "prepare in-memory objects")
            try check(git_odb_add_disk_alternate(memoryODB, objectsPath.ptr), "read objects")
            try check(git_repository_set_odb(pointer, memoryODB), "prepare in-memory objects")
        } catch {
            git_odb_free(memoryODB)
            git_odb_free(targetODB)
            git_repository_free(pointer)
            throw error
        }
        odb = memoryODB!
        self.targetODB = targetODB!
    }

    deinit {
        git_odb_free(targetODB)
        git_odb_free(odb)
        git_repository_free(pointer)
    }

    /// Loads tree `id` (from memory or from the repository).
    func lookupTree(_ id: UnsafePointer<git_oid>) throws -> Owned {
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, pointer, id), "look up tree \(ObjectID(id.pointee).prefix(12))")
        return Owned(tree!, owner: self, free: { git_tree_free($0) })
    }

    /// Copies object `id` — for a tree, with everything below it — into the repository unless it is there.
    func persist(_ id: UnsafePointer<git_oid>) throws {
        if git_odb_exists_ext(targetODB, id, UInt32(GIT_ODB_LOOKUP_NO_REFRESH.rawValue)) == 1 { return }
        var object: OpaquePointer?
        try check(git_odb_read(&object, odb, id), "read \(ObjectID(id.pointee).prefix(12))")
        defer { git_odb_object_free(object) }
        let type = git_odb_object_type(object)
        if type == GIT_OBJECT_TREE {
            let tree = try lookupTree(id)
            for entry in try tree.treeEntries() where entry.rawMode != UInt32(GIT_FILEMODE_COMMIT.rawValue) {
                try persist(entry.id)
            }
        }
        var written = git_oid()
        try check(git_odb_write(&written, targetODB, git_odb_object_data(object), git_odb_object_size(object), type),
                  "write \(ObjectID(id.pointee).prefix(12))")
    }
}
