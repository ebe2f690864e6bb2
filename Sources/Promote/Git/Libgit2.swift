import CDeferredTrust
import CGit2

/// libgit2's process-wide state, initialised once before the first repository is opened.
public enum Libgit2 {
    /// Touch this before any libgit2 call; the initialisation runs exactly once.
    static let ready: Bool = {
        // The system CA bundle is loaded when a transfer over HTTP(S) first needs it (`trustReady`), not here.
        keos_defer_ca_bundle(1)
        git_libgit2_init()
        keos_defer_ca_bundle(0)
        // Every object we write is hashed and its links checked by libgit2 before it is stored.
        _ = keos_git_set_strict_object_creation(1)
        // Reading is another matter: re-hashing every object read (libgit2's default, not git's) is a fifth of
        // the work of a large merge; zlib's checksum still catches a damaged object.
        _ = keos_git_set_strict_hash_verification(0)
        // A changed file's blobs are read for rename detection, for its line counts and for its YAML facts:
        // keep small ones after the first read.
        _ = keos_git_set_cache_object_limit(GIT_OBJECT_BLOB, 64 * 1024)
        // Trees above 4 KiB (libgit2's default limit) were inflated again by each reader: the merge, the graft,
        // the diff and the component lookups all read the large folders (a components folder of 20,000 entries
        // is 720 KB). Keep trees up to 1 MiB.
        _ = keos_git_set_cache_object_limit(GIT_OBJECT_TREE, cachedTreeLimit)
        return true
    }()

    /// Starts the initialisation on a thread of its own, so that its 0.8 ms (OpenSSL's and mbedTLS's set-up, the
    /// entropy source) overlap the parsing of the command line; the first libgit2 call waits for it to finish.
    /// `then` runs on that thread afterwards (a plan's first steps, `PlanHeadStart`).
    public static func warmUp(then next: (@Sendable () -> Void)? = nil) {
        WorkerThread.start {
            _ = ready
            next?()
        }
    }

    /// The largest tree (in bytes) libgit2's object cache keeps; a larger one is freed when nothing holds it.
    static let cachedTreeLimit = 1024 * 1024

    /// Touch this before a transfer over HTTP(S): TLS then trusts the CA bundle libgit2 was built with, as
    /// if it had loaded it during initialisation. Throws when the bundle cannot be loaded.
    static func trustReady() throws {
        try trustLoaded.get()
    }

    private static let trustLoaded: Result<Void, GitError> = {
        _ = ready
        guard let bundle = keos_deferred_ca_bundle() else { return .success(()) }
        return Result { () throws(GitError) in
            try check(keos_git_set_ssl_cert_locations(bundle, nil), "load CA certificates from \(String(cString: bundle))")
        }
    }()
}

/// Owns one libgit2 object pointer and frees it with the given function; keeps its repository alive.
final class Owned {
    let pointer: OpaquePointer
    private let free: (OpaquePointer) -> Void
    private let owner: AnyObject?

    init(_ pointer: OpaquePointer, owner: AnyObject?, free: @escaping (OpaquePointer) -> Void) {
        self.pointer = pointer
        self.owner = owner
        self.free = free
    }

    deinit { free(pointer) }

    /// Commit `id` of the repository `repository` (a handle of `owner`'s, which it keeps alive).
    static func commit(_ id: UnsafePointer<git_oid>, in repository: OpaquePointer, owner: AnyObject) throws -> Owned {
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, repository, id), "look up commit \(ObjectID(id.pointee).prefix(12))")
        return Owned(commit!, owner: owner, free: { git_commit_free($0) })
    }

    /// Tree `id` of the repository `repository` (a handle of `owner`'s, which it keeps alive).
    static func tree(_ id: UnsafePointer<git_oid>, in repository: OpaquePointer, owner: AnyObject) throws -> Owned {
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, repository, id), "look up tree \(ObjectID(id.pointee).prefix(12))")
        return Owned(tree!, owner: owner, free: { git_tree_free($0) })
    }
}
