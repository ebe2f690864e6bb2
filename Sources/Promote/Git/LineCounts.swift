import CGit2
import Foundation

/// The line counts (`git diff --numstat`) of file pairs, each pair counted once in a run, on whichever thread
/// gets to it first.
///
/// A pair's counts depend only on its two sides (path, mode and blob of each) and on the repository's
/// attributes and configuration, which every handle on the repository reads alike; so counts made for a delta of
/// one diff hold for the same pair in any other. Threading (the one place it is described):
/// - `countAhead(_:in:)` is for a thread with a repository handle of its own (the merge-base walk's, once the
///   plan has listed the files that differ between its two commits): it diffs those files, without rename
///   detection, and counts each pair nobody has claimed yet, one at a time, until `stop()` or the end;
/// - `counts(of:at:in:)`, on the thread that owns the diff, takes counts made ahead, waits for a pair the other
///   thread is counting, or claims and counts the pair itself. A caller going through the deltas from the last
///   meets the thread counting ahead from the first in the middle.
final class LineCounts: @unchecked Sendable {
    struct Counts: Equatable, Sendable {
        var additions: Int
        var deletions: Int
        var isBinary: Bool
    }

    /// Both sides of a delta.
    struct Pair: Hashable, Sendable {
        var oldPath: String
        var oldID: ObjectID
        var oldMode: UInt32
        var newPath: String
        var newID: ObjectID
        var newMode: UInt32

        init(_ delta: git_diff_delta) {
            oldPath = String(cString: delta.old_file.path)
            oldID = ObjectID(delta.old_file.id)
            oldMode = UInt32(delta.old_file.mode)
            newPath = String(cString: delta.new_file.path)
            newID = ObjectID(delta.new_file.id)
            newMode = UInt32(delta.new_file.mode)
        }
    }

    private enum Entry {
        case counting
        case counted(Counts)
        /// Counting ahead failed; the owner of the diff counts the pair again and reports the error.
        case failed
    }

    /// Guards every stored property below it.
    private let condition = NSCondition()
    private var entries: [Pair: Entry] = [:]
    private var countingAhead = true
    private var pairsCountedAhead = 0
    private var pairsCountedByOwner = 0

    /// How many pairs `countAhead` counted, and how many `counts(of:at:in:)` counted itself (for tests).
    var counted: (ahead: Int, byOwner: Int) { condition.withLock { (pairsCountedAhead, pairsCountedByOwner) } }

    /// Counts, on the calling thread, the pairs of `files` (listed as `Repository.differingFiles` lists them)
    /// that nobody has claimed, reading them with `repository`, a handle of the calling thread's own.
    func countAhead(_ files: FileChanges, in repository: Repository) {
        guard let diff = try? repository.diff(of: files) else { return }
        withExtendedLifetime(diff) {
            for index in 0..<git_diff_num_deltas(diff.pointer) {
                guard let delta = git_diff_get_delta(diff.pointer, index)?.pointee else { continue }
                let pair = Pair(delta)
                guard claimAhead(pair) else { continue }
                let counts = try? Self.count(diff.pointer, at: index)
                condition.withLock {
                    entries[pair] = counts.map { .counted($0) } ?? .failed
                    if counts != nil { pairsCountedAhead += 1 }
                    condition.broadcast()
                }
            }
        }
    }

    /// Makes `countAhead` stop before its next pair (when the plan needs no diff after all).
    func stop() {
        condition.withLock { countingAhead = false }
    }

    /// The counts of `delta`, delta `index` of `diff`, a diff of the calling thread's own.
    func counts(of delta: git_diff_delta, at index: Int, in diff: OpaquePointer) throws -> Counts {
        let pair = Pair(delta)
        let known: Counts? = condition.withLock {
            while true {
                switch entries[pair] {
                case .counted(let counts): return counts
                case .counting: condition.wait()
                case .failed: return nil
                case nil:
                    entries[pair] = .counting
                    return nil
                }
            }
        }
        if let known { return known }
        do {
            let counts = try Self.count(diff, at: index)
            condition.withLock {
                entries[pair] = .counted(counts)
                pairsCountedByOwner += 1
                condition.broadcast()
            }
            return counts
        } catch {
            condition.withLock {
                entries[pair] = .failed
                condition.broadcast()
            }
            throw error
        }
    }

    /// Claims `pair` for `countAhead`; false when it is claimed already, or after `stop()`.
    private func claimAhead(_ pair: Pair) -> Bool {
        condition.withLock {
            guard countingAhead, entries[pair] == nil else { return false }
            entries[pair] = .counting
            return true
        }
    }

    /// Counts delta `index` of `diff` with libgit2's patch, as `git diff --numstat` counts it.
    private static func count(_ diff: OpaquePointer, at index: Int) throws -> Counts {
        var patch: OpaquePointer?
        try check(git_patch_from_diff(&patch, diff, index), "compute line counts")
        defer { git_patch_free(patch) }
        var context = 0, additions = 0, deletions = 0
        try check(git_patch_line_stats(&context, &additions, &deletions, patch), "count lines")
        let flags = git_patch_get_delta(patch)?.pointee.flags ?? 0
        return Counts(additions: additions, deletions: deletions, isBinary: flags & GIT_DIFF_FLAG_BINARY.rawValue != 0)
    }
}
