import CGit2

/// The objects a plan makes — the trees of a merge's result and the blobs of files it merged — kept in memory,
/// so that planning, `diff` and `--dry-run` write nothing to the repository (and work on a read-only one).
/// `save(in:)` stores them in the repository, as one pack, before a commit refers to them.
///
/// It is libgit2's in-memory object backend, added to the repository's object database below the folders on
/// disk: reads find its objects as if they were in the repository, and libgit2's own writes still go to disk.
final class PendingObjects {
    /// Owned by the repository's object database.
    private let backend: UnsafeMutablePointer<git_odb_backend>
    /// What `write` kept since the last `save`, in order.
    private var kept: [git_oid] = []

    init(in repository: OpaquePointer) throws {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, repository), "open object database")
        defer { git_odb_free(odb) }
        var created: UnsafeMutablePointer<git_odb_backend>?
        try check(git_mempack_new(&created), "prepare in-memory objects")
        let added = git_odb_add_backend(odb, created, 0)
        if added != 0 { created!.pointee.free(created) }
        try check(added, "prepare in-memory objects")
        backend = created!
    }

    /// Keeps an object whose id is known and that the repository does not have.
    func write(_ id: UnsafePointer<git_oid>, _ bytes: UnsafeRawBufferPointer, type: git_object_t) throws {
        try check(backend.pointee.write(backend, id, bytes.baseAddress, bytes.count, type), "keep object")
        kept.append(id.pointee)
    }

    /// Stores the kept objects in `repository` as one pack, and forgets them.
    func save(in repository: OpaquePointer) throws {
        guard !kept.isEmpty else { return }
        var builder: OpaquePointer?
        try check(git_packbuilder_new(&builder, repository), "pack new objects")
        defer { git_packbuilder_free(builder) }
        for var id in kept { try check(git_packbuilder_insert(builder, &id, nil), "pack new objects") }
        var pack = git_buf()
        defer { git_buf_dispose(&pack) }
        try check(git_packbuilder_write_buf(&pack, builder), "pack new objects")
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, repository), "open object database")
        defer { git_odb_free(odb) }
        var writer: UnsafeMutablePointer<git_odb_writepack>?
        try check(git_odb_write_pack(&writer, odb, nil, nil), "store new objects")
        defer { writer!.pointee.free(writer) }
        var progress = git_indexer_progress()
        try check(writer!.pointee.append(writer, pack.ptr, pack.size, &progress), "store new objects")
        try check(writer!.pointee.commit(writer, &progress), "store new objects")
        kept = []
        try check(git_mempack_reset(backend), "forget stored objects")
    }
}
