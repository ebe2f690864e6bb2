import CGit2
import Foundation

/// The merge bases of two commits, found by libgit2's history walk on a handle of its own, on another thread.
///
/// The walk reads every commit down to the merge bases — most of a plan's time on a long history — and needs
/// nothing else; libgit2 handles are not shared across threads, so it opens a second one on the repository.
/// Meanwhile the calling thread reads ahead the trees the merge that usually follows will read first
/// (`Repository.readTrees(where:differFrom:until:)`). Work given as `afterwards` then runs on the walking
/// thread with that second handle and the files that differ between the two commits' trees, which the calling
/// thread lists instead of reading ahead (a plan parses the YAML its diff will need there).
final class MergeBaseWalk: @unchecked Sendable {
    private let condition = NSCondition()
    /// Set once, by the walking thread; guarded by `condition`.
    private var outcome: Result<[ObjectID], any Error>?
    /// The two commits, in the order the walk was started with.
    let commits: (ObjectID, ObjectID)
    private let path: String
    /// Work for the walking thread once it has the bases and the differing files.
    private let afterwards: (@Sendable (Repository, FileChanges) -> Void)?
    /// The files that differ from the first commit's tree to the second's, set once by the thread that
    /// listed them; guarded by `condition`.
    private var differences: Result<FileChanges, any Error>?

    /// The walk for `a` and `b` in the repository at `path` (opened as `Repository.openedPath` was), to `run()` on
    /// a thread that does nothing else meanwhile. It opens a handle of its own and then runs `afterwards` with
    /// it, which no other thread uses, and the files that differ from `a`'s tree to `b`'s once another thread
    /// has published them; not when that listing failed.
    init(path: String, _ a: ObjectID, _ b: ObjectID,
         afterwards: (@Sendable (Repository, FileChanges) -> Void)? = nil) {
        self.path = path
        commits = (a, b)
        self.afterwards = afterwards
    }

    /// Starts `run()` on a new thread.
    func start() -> MergeBaseWalk {
        WorkerThread.start { [self] in run() }
        return self
    }

    /// Walks, publishes the bases, then runs `afterwards` (see `init`); on the calling thread.
    func run() {
        let (a, b) = commits
        let opened = Result { try Repository.open(at: path) }
        let found = opened.flatMap { second in Result { try Self.mergeBases(in: second.pointer, a, b) } }
        condition.withLock {
            outcome = found
            condition.broadcast()
        }
        guard let afterwards, case .success(let second) = opened,
              case .success(let files) = awaitDifferences() else { return }
        afterwards(second, files)
    }

    /// Whether the walk has finished (found the bases or failed).
    var isFinished: Bool { condition.withLock { outcome != nil } }

    /// Whether `afterwards` still waits for the differing files.
    var needsDifferences: Bool { afterwards != nil && condition.withLock { differences == nil } }

    /// Hands `afterwards` the files that differ from the first commit's tree to the second's (or why they
    /// could not be listed); the first call counts.
    func publish(differences listed: Result<FileChanges, any Error>) {
        condition.withLock {
            if differences == nil { differences = listed }
            condition.broadcast()
        }
    }

    /// The published differences (polled for first: see `NSCondition.awaitValue`). Meanwhile the heap the main
    /// thread is about to grow into is faulted in here (`HeapPages.faultInAhead`).
    private func awaitDifferences() -> Result<FileChanges, any Error> {
        HeapPages.faultInAhead { needsDifferences }
        return condition.awaitValue { differences }
    }

    /// The bases, best first, once the walk has finished; rethrows its error.
    func bases() throws -> [ObjectID] {
        try condition.withLock {
            while outcome == nil { condition.wait() }
            return outcome!
        }.get()
    }

    /// libgit2's merge bases of `a` and `b` in `repository` (none when the histories are unrelated).
    static func mergeBases(in repository: OpaquePointer, _ a: ObjectID, _ b: ObjectID) throws -> [ObjectID] {
        var one = a.oid
        var two = b.oid
        var bases = git_oidarray()
        let result = git_merge_bases(&bases, repository, &one, &two)
        if result == GIT_ENOTFOUND.rawValue { return [] }
        try check(result, "merge base of \(a.prefix(12)) and \(b.prefix(12))")
        defer { git_oidarray_dispose(&bases) }
        return (0..<bases.count).map { ObjectID(bases.ids[$0]) }
    }
}

extension Repository {
    /// Reads into this handle's object cache the trees of commit `a` and commit `b` that differ, folder by
    /// folder from the root down, until `enough()` says to stop. Best effort: a tree that cannot be read is
    /// left for the reader that needs it to report.
    func readTrees(where a: ObjectID, differFrom b: ObjectID, until enough: () -> Bool) {
        guard let first = try? treeID(ofCommit: a), let second = try? treeID(ofCommit: b) else { return }
        var pending = [(first.oid, second.oid)]
        var next = 0
        while next < pending.count, !enough() {
            var (left, right) = pending[next]
            next += 1
            // Typed as `withTreeEntries` takes them: an [Owned] would be converted element by element with dynamic casts.
            guard let trees: [Owned?] = try? [lookupTree(&left), lookupTree(&right)] else { continue }
            try? withTreeEntries(of: trees) { lists in
                walkInStep(lists) { row in
                    guard let one = row[0], let other = row[1], one.isTree, other.isTree, !one.isIdentical(to: other) else {
                        return
                    }
                    pending.append((one.id.pointee, other.id.pointee))
                }
            }
        }
    }
}
