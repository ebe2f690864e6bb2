import CGit2
import Foundation

/// An open Git repository (bare or not). Reads objects and refs, writes objects and refs; never touches the
/// working tree, the index file or HEAD. The objects a plan makes stay in memory until a commit is written
/// (`PendingObjects`).
public final class Repository: @unchecked Sendable {
    let pointer: OpaquePointer
    /// Objects made by this handle and not yet stored in the repository; set up by the first write.
    private var pendingObjects: PendingObjects?
    /// The path it was opened from, to open a second handle on it the same way.
    let openedPath: String
    /// Merge bases already computed: commits never change, and planning asks about the same pair often.
    private let mergeBaseCache = MergeBaseCache()
    /// Differing files already listed (by the merge, our tree against its result, or by `differingFiles`), for
    /// the diff that follows.
    let knownDifferences = DifferenceCache()
    /// Credentials and trusted host keys for fetches and pushes.
    public var transport = TransportSettings()

    private init(pointer: OpaquePointer, openedPath: String) {
        self.pointer = pointer
        self.openedPath = openedPath
    }

    /// Where this handle keeps the objects it makes (`PendingObjects`), set up the first time it makes one.
    var pending: PendingObjects {
        get throws {
            if let pendingObjects { return pendingObjects }
            let created = try PendingObjects(in: pointer)
            pendingObjects = created
            return created
        }
    }

    /// Stores the objects this handle made so far in the repository, where other handles and git see them.
    func savePendingObjects() throws {
        try pendingObjects?.save(in: pointer)
    }

    deinit { git_repository_free(pointer) }

    /// Opens the repository at `path` (or one of its parents, as git does); never creates one.
    ///
    /// Throws `PromoteError.badInput` when no repository is there or it is a shallow clone.
    public static func open(at path: String) throws -> Repository {
        _ = Libgit2.ready
        let shown = DisplayText.escaped(URL(fileURLWithPath: path).standardizedFileURL.path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PromoteError(.badInput, "\(shown): no such directory")
        }
        var raw: OpaquePointer?
        let result = git_repository_open_ext(&raw, path, 0, nil)
        if result == GIT_ENOTFOUND.rawValue {
            throw PromoteError(.badInput, "\(shown): not a git repository (or any of the parent directories)")
        }
        do {
            try check(result, "open repository \(path)")
        } catch {
            throw PromoteError(.badInput, "\(shown): cannot open repository: \(error.message)")
        }
        let repository = Repository(pointer: raw!, openedPath: path)
        if git_repository_is_shallow(repository.pointer) == 1 {
            throw PromoteError(.badInput, "\(shown): shallow clone; merge bases would be wrong — run `git fetch --unshallow` first")
        }
        return repository
    }

    /// Creates a bare repository at `path` (and its parent folders); used only for the `--url` cache mirror.
    static func createBare(at path: String) throws -> Repository {
        _ = Libgit2.ready
        var options = git_repository_init_options()
        try check(git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)), "prepare init")
        options.flags = GIT_REPOSITORY_INIT_BARE.rawValue | GIT_REPOSITORY_INIT_MKPATH.rawValue
        var raw: OpaquePointer?
        try check(git_repository_init_ext(&raw, path, &options), "create the mirror \(path)")
        return Repository(pointer: raw!, openedPath: path)
    }

    /// Whether the repository has no working tree.
    public var isBare: Bool { git_repository_is_bare(pointer) == 1 }

    /// The `.git` folder (or the bare repository folder).
    public var gitDirectory: String { String(cString: git_repository_path(pointer)) }

    // MARK: References

    /// The commit a reference points at after peeling tags; `nil` when the reference does not exist.
    public func referenceTarget(_ name: String) throws -> ObjectID? {
        var oid = git_oid()
        let result = git_reference_name_to_id(&oid, pointer, name)
        if result == GIT_ENOTFOUND.rawValue || result == GIT_EINVALIDSPEC.rawValue { return nil }
        try check(result, "read reference \(name)")
        return try peelToCommit(ObjectID(oid))
    }

    /// The reference HEAD points at symbolically (e.g. `refs/heads/main`), or `nil` when detached or unborn.
    public var headReferenceName: String? {
        var ref: OpaquePointer?
        guard git_reference_lookup(&ref, pointer, "HEAD") == 0, let ref else { return nil }
        defer { git_reference_free(ref) }
        guard git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC, let target = git_reference_symbolic_target(ref) else {
            return nil
        }
        return String(cString: target)
    }

    /// Points `name` at `target` only if it currently points at `expected` (`nil`: only if it does not exist).
    ///
    /// Throws a `GitError` whose `isConcurrentModification` is true when someone else moved it.
    public func updateReference(_ name: String, to target: ObjectID, expecting expected: ObjectID?, message: String) throws {
        var ref: OpaquePointer?
        var newOid = target.oid
        if let expected {
            var oldOid = expected.oid
            try check(git_reference_create_matching(&ref, pointer, name, &newOid, 1, &oldOid, message),
                      "update \(name)")
        } else {
            try check(git_reference_create(&ref, pointer, name, &newOid, 0, message), "create \(name)")
        }
        git_reference_free(ref)
    }

    /// Deletes reference `name` if it exists.
    public func deleteReference(_ name: String) throws {
        var ref: OpaquePointer?
        let result = git_reference_lookup(&ref, pointer, name)
        if result == GIT_ENOTFOUND.rawValue { return }
        try check(result, "look up \(name)")
        defer { git_reference_free(ref) }
        try check(git_reference_delete(ref), "delete \(name)")
    }

    // MARK: Revisions

    /// Resolves a revision expression (full or short SHA, ref name, `main~2`) to a commit.
    ///
    /// Throws `PromoteError.badInput` when nothing or something other than a commit matches.
    public func resolveCommit(_ revision: String) throws -> ObjectID {
        var object: OpaquePointer?
        let result = git_revparse_single(&object, pointer, revision)
        if result == GIT_ENOTFOUND.rawValue || result == GIT_EINVALIDSPEC.rawValue {
            throw PromoteError(.badInput, "unknown revision '\(DisplayText.escaped(revision))'")
        }
        if result == GIT_EAMBIGUOUS.rawValue {
            throw PromoteError(.badInput, "ambiguous revision '\(DisplayText.escaped(revision))': give more hex digits")
        }
        try check(result, "resolve \(revision)")
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        guard git_object_peel(&peeled, object, GIT_OBJECT_COMMIT) == 0, let peeled else {
            throw PromoteError(.badInput, "revision '\(DisplayText.escaped(revision))' is not a commit")
        }
        defer { git_object_free(peeled) }
        return ObjectID(git_object_id(peeled).pointee)
    }

    /// The commit an object id names after peeling annotated tags.
    func peelToCommit(_ id: ObjectID) throws -> ObjectID {
        var oid = id.oid
        var object: OpaquePointer?
        try check(git_object_lookup(&object, pointer, &oid, GIT_OBJECT_ANY), "look up \(id)")
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        try check(git_object_peel(&peeled, object, GIT_OBJECT_COMMIT), "peel \(id) to a commit")
        defer { git_object_free(peeled) }
        return ObjectID(git_object_id(peeled).pointee)
    }

    /// The shortest unambiguous abbreviation of `id` (at least `core.abbrev`, 7 by default).
    public func shortID(_ id: ObjectID) -> String {
        var oid = id.oid
        var object: OpaquePointer?
        guard git_object_lookup(&object, pointer, &oid, GIT_OBJECT_ANY) == 0 else { return id.prefix(7) }
        defer { git_object_free(object) }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        guard git_object_short_id(&buffer, object) == 0, let text = buffer.ptr else { return id.prefix(7) }
        return String(cString: text)
    }

    /// The best common ancestor of two commits, or `nil` when their histories are unrelated.
    public func mergeBase(_ a: ObjectID, _ b: ObjectID) throws -> ObjectID? {
        try mergeBases(a, b).first
    }

    /// Every best common ancestor of two commits, best first (several in criss-cross histories, none when
    /// unrelated), as `git_merge_base` and `git_merge_bases` find them; computed once per pair.
    ///
    /// The history walk runs on another thread (`MergeBaseWalk`) while this one reads ahead the trees where
    /// the two commits differ, which a merge of the two reads first. When work started with `startMergeBases`
    /// waits for the files that differ, this thread lists them all instead, reading the same trees and more.
    func mergeBases(_ a: ObjectID, _ b: ObjectID) throws -> [ObjectID] {
        let walk = mergeBaseCache.walk(a, b) { MergeBaseWalk(path: openedPath, a, b).start() }
        if walk.needsDifferences {
            let (old, new) = walk.commits
            walk.publish(differences: Result { try differingFiles(old: try treeID(ofCommit: old), new: try treeID(ofCommit: new)) })
        } else if !walk.isFinished {
            readTrees(where: a, differFrom: b, until: { walk.isFinished })
        }
        do {
            return try walk.bases()
        } catch {
            // A commit that is missing now may be fetched later in the run: the pair is walked again then.
            mergeBaseCache.forget(a, b)
            throw error
        }
    }

    /// Starts finding the merge bases of `a` and `b` (unless that was started before), and then runs `afterwards`
    /// on the walking thread with its own handle on this repository and the files that differ from `a`'s tree
    /// to `b`'s, which the first `mergeBases(_:_:)` call for the pair lists on this thread while the walk runs.
    func startMergeBases(_ a: ObjectID, _ b: ObjectID,
                         afterwards: @escaping @Sendable (Repository, FileChanges) -> Void) {
        _ = mergeBaseCache.walk(a, b) { MergeBaseWalk(path: openedPath, a, b, afterwards: afterwards).start() }
    }

    /// As `startMergeBases`, but the walk is the caller's to `run()`, on a thread of its own choosing; `nil` when
    /// the walk for `a` and `b` was started before.
    func prepareMergeBases(_ a: ObjectID, _ b: ObjectID,
                           afterwards: @escaping @Sendable (Repository, FileChanges) -> Void) -> MergeBaseWalk? {
        var prepared: MergeBaseWalk?
        _ = mergeBaseCache.walk(a, b) {
            prepared = MergeBaseWalk(path: openedPath, a, b, afterwards: afterwards)
            return prepared!
        }
        return prepared
    }

    /// Whether `ancestor` equals `descendant` or is reachable from it.
    ///
    /// As `git merge-base --is-ancestor` decides it: `ancestor` is then the one merge base of the two.
    /// (libgit2's `git_graph_descendant_of` walks the whole history when the answer is no.)
    public func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) throws -> Bool {
        if ancestor == descendant { return true }
        // Descendant first: libgit2's walk is far cheaper that way round when the answer is yes.
        let bases = try mergeBases(descendant, ancestor)
        if bases.isEmpty {
            // Unrelated, or a commit that is not there, which is an error as before.
            _ = try lookupCommit(ancestor)
            _ = try lookupCommit(descendant)
        }
        return bases.first == ancestor
    }

    // MARK: Commits and trees

    func lookupCommit(_ id: ObjectID) throws -> Owned {
        var oid = id.oid
        return try Owned.commit(&oid, in: pointer, owner: self)
    }

    func lookupTree(_ id: ObjectID) throws -> Owned {
        var oid = id.oid
        return try Owned.tree(&oid, in: pointer, owner: self)
    }

    /// The root tree of a commit.
    public func treeID(ofCommit commit: ObjectID) throws -> ObjectID {
        let owned = try lookupCommit(commit)
        return ObjectID(git_commit_tree_id(owned.pointer).pointee)
    }

    /// The tree or blob at `path` in `tree`; the tree itself for an empty path; `nil` when absent.
    public func entryID(atPath path: String, inTree tree: ObjectID) throws -> ObjectID? {
        let trimmed = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }.joined(separator: "/")
        if trimmed.isEmpty { return tree }
        let owned = try lookupTree(tree)
        var entry: OpaquePointer?
        let result = git_tree_entry_bypath(&entry, owned.pointer, trimmed)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check(result, "look up \(trimmed)")
        defer { git_tree_entry_free(entry) }
        return ObjectID(git_tree_entry_id(entry).pointee)
    }

    /// Names of the entries directly inside the folder `path` of `tree` (empty when it is absent or not a folder).
    public func entryNames(inFolder path: String, ofTree tree: ObjectID) throws -> Set<String> {
        guard let folder = try entryID(atPath: path, inTree: tree) else { return [] }
        var oid = folder.oid
        var object: OpaquePointer?
        guard git_tree_lookup(&object, pointer, &oid) == 0, let object else { return [] }
        defer { git_tree_free(object) }
        var names = Set<String>()
        for index in 0..<git_tree_entrycount(object) {
            if let entry = git_tree_entry_byindex(object, index), let name = git_tree_entry_name(entry) {
                names.insert(GitPath.decode(name))
            }
        }
        return names
    }

    /// Those of `candidates` that name an entry directly inside the folder `path` of `tree`: what
    /// `entryNames(inFolder:ofTree:)` would say about them, without listing a large folder.
    public func entryNames(inFolder path: String, ofTree tree: ObjectID, among candidates: Set<String>) throws -> Set<String> {
        // Names that may stand for bytes that are not UTF-8 are matched the long way, as decoded names.
        if candidates.contains(where: GitPath.mayStandForInvalidBytes) {
            return try entryNames(inFolder: path, ofTree: tree).intersection(candidates)
        }
        guard let folder = try entryID(atPath: path, inTree: tree) else { return [] }
        var oid = folder.oid
        var object: OpaquePointer?
        guard git_tree_lookup(&object, pointer, &oid) == 0, let object else { return [] }
        defer { git_tree_free(object) }
        return candidates.filter { git_tree_entry_byname(object, $0) != nil }
    }

    /// Summary, author and time of a commit.
    public func commitInfo(_ id: ObjectID) throws -> CommitInfo {
        let owned = try lookupCommit(id)
        let summary = git_commit_summary(owned.pointer).map { GitPath.decode($0) } ?? ""
        let author = git_commit_author(owned.pointer).pointee
        let name = author.name.map { GitPath.decode($0) } ?? ""
        let parents = (0..<git_commit_parentcount(owned.pointer)).map { ObjectID(git_commit_parent_id(owned.pointer, $0).pointee) }
        return CommitInfo(id: id, summary: summary, author: name, time: Int64(author.when.time), parents: parents)
    }

    /// Commits reachable from `tip` but not from `excluded`, newest first, at most `limit`.
    public func commits(from tip: ObjectID, excluding excluded: ObjectID?, limit: Int = Int.max) throws -> [ObjectID] {
        var walk: OpaquePointer?
        try check(git_revwalk_new(&walk, pointer), "start history walk")
        defer { git_revwalk_free(walk) }
        try check(git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue), "sort history walk")
        var start = tip.oid
        try check(git_revwalk_push(walk, &start), "walk from \(tip.prefix(12))")
        if let excluded {
            var hide = excluded.oid
            try check(git_revwalk_hide(walk, &hide), "hide \(excluded.prefix(12))")
        }
        var result: [ObjectID] = []
        var oid = git_oid()
        while result.count < limit, git_revwalk_next(&oid, walk) == 0 {
            result.append(ObjectID(oid))
        }
        return result
    }

    /// The bytes of a blob.
    public func blobData(_ id: ObjectID) throws -> Data {
        // Without a limit the bytes always come back (`BlobLimit.swift`).
        try blobData(id, maximumBytes: .max)!
    }

    // MARK: Configuration

    /// A string from the repository's configuration (with global and system files), as written.
    public func configString(_ key: String) -> String? {
        var config: OpaquePointer?
        guard git_repository_config_snapshot(&config, pointer) == 0 else { return nil }
        defer { git_config_free(config) }
        var value: UnsafePointer<CChar>?
        guard git_config_get_string(&value, config, key) == 0, let value else { return nil }
        return String(cString: value)
    }
}

/// What `status` and commit messages need to know about a commit.
public struct CommitInfo: Sendable, Equatable {
    public var id: ObjectID
    public var summary: String
    public var author: String
    /// Author time, seconds since 1970.
    public var time: Int64
    public var parents: [ObjectID]
}

extension Repository: RevisionGraph, BlobSource {
    public func containsCommit(_ id: ObjectID) -> Bool {
        var oid = id.oid
        var commit: OpaquePointer?
        guard git_commit_lookup(&commit, pointer, &oid) == 0 else { return false }
        git_commit_free(commit)
        return true
    }

    public func entryID(atPath path: String, in commit: ObjectID) throws -> ObjectID? {
        try entryID(atPath: path, inTree: treeID(ofCommit: commit))
    }
}

/// Turns the bytes of a path or message from a repository into a String without losing information.
enum GitPath {
    /// Valid UTF-8 as is; each invalid byte as `\xNN`, so distinct names stay distinct.
    static func decode(_ cString: UnsafePointer<CChar>) -> String {
        decode(UnsafeRawBufferPointer(start: cString, count: strlen(cString)))
    }

    /// The same for a path held as bytes.
    static func decode(_ path: [UInt8]) -> String {
        path.withUnsafeBytes { decode($0) }
    }

    /// Whether `name` could be the decoding of bytes that are not UTF-8: it holds an escape (`\\x`) or U+FFFD.
    /// Compared as bytes: Foundation's `contains` on `String` costs some 6,000 instructions a call.
    static func mayStandForInvalidBytes(_ name: String) -> Bool {
        var previous: UInt8 = 0
        var beforePrevious: UInt8 = 0
        for byte in name.utf8 {
            if previous == UInt8(ascii: "\\") && byte == UInt8(ascii: "x") { return true }
            if beforePrevious == 0xEF && previous == 0xBF && byte == 0xBD { return true }  // U+FFFD
            (beforePrevious, previous) = (previous, byte)
        }
        return false
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var result = ""
        var index = 0
        let array = Array(bytes)
        while index < array.count {
            var decoded = false
            for length in (1...4).reversed() where index + length <= array.count {
                if let piece = String(validating: array[index..<index + length], as: UTF8.self), piece.count == 1 {
                    result += piece
                    index += length
                    decoded = true
                    break
                }
            }
            if !decoded {
                result += String(format: "\\x%02X", array[index])
                index += 1
            }
        }
        return result
    }
}

extension Repository {
    /// Points `name` at `target` whatever it pointed at before (for the tool's own scratch references).
    public func setReference(_ name: String, to target: ObjectID, message: String) throws {
        var ref: OpaquePointer?
        var oid = target.oid
        try check(git_reference_create(&ref, pointer, name, &oid, 1, message), "set \(name)")
        git_reference_free(ref)
    }
}

/// Merge-base walks by unordered pair of commits, safe to share between threads.
final class MergeBaseCache: @unchecked Sendable {
    private struct Pair: Hashable {
        let first: ObjectID
        let second: ObjectID
        init(_ a: ObjectID, _ b: ObjectID) { (first, second) = a < b ? (a, b) : (b, a) }
    }

    private let lock = NSLock()
    private var walks: [Pair: MergeBaseWalk] = [:]

    /// The walk for `a` and `b`, started with `start` the first time the pair is asked for.
    func walk(_ a: ObjectID, _ b: ObjectID, start: () -> MergeBaseWalk) -> MergeBaseWalk {
        lock.withLock {
            if let known = walks[Pair(a, b)] { return known }
            let started = start()
            walks[Pair(a, b)] = started
            return started
        }
    }

    /// Drops the walk for `a` and `b` (one that failed).
    func forget(_ a: ObjectID, _ b: ObjectID) {
        lock.withLock { walks[Pair(a, b)] = nil }
    }
}

/// `differingFiles` results recorded by whoever computed them on the way (the merge, for ours against its result).
final class DifferenceCache: @unchecked Sendable {
    private struct Pair: Hashable {
        let old: ObjectID
        let new: ObjectID
    }

    private let lock = NSLock()
    private var known: [Pair: FileChanges] = [:]

    func store(_ files: FileChanges, old: ObjectID, new: ObjectID) {
        lock.withLock { known[Pair(old: old, new: new)] = files }
    }

    func files(old: ObjectID, new: ObjectID) -> FileChanges? {
        lock.withLock { known[Pair(old: old, new: new)] }
    }
}

extension Repository {
    /// The blobs (files and links, both sides) of differing `files`, with their paths as the diff names them.
    static func changedBlobs(in files: FileChanges) -> [(path: String, blob: ObjectID)] {
        (files.old + files.new).filter(\.isBlob).map { (GitPath.decode($0.path), ObjectID($0.id)) }
    }
}
