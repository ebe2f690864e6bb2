import CGit2
import Foundation

extension PromotionService {
    /// The lock file in the clone's git folder (shared by its worktrees).
    static let lockFileName = "keos-promote.lock"
    /// Where `KEOS_PROMOTE_LOCK_TIMEOUT` is not set: how long a run waits for another run in the same clone.
    static let defaultLockWait: TimeInterval = 60

    /// Takes the clone's lock for a command that writes to it, so that two runs in one clone never interleave
    /// their fetches, scratch refs and remote-tracking updates; `nil` when there is nothing to lock.
    ///
    /// Every command that fetches writes remote-tracking refs, so `diff`, `status` and `verify` lock too; only
    /// read-only runs (`--no-fetch` without a push) do not. The `--url` mirror holds its own lock already.
    /// The lock is an `flock`, released by the kernel when a run dies, so a killed run never blocks the next.
    func lockClone(for command: PromotionReport.Command) throws -> FileLock? {
        if let mirror {
            if let start = mirror.interruptedRunStart { removeLocks(leftSince: start) }
            return nil
        }
        let pushes = command == .promote && !options.dryRun
        guard options.fetch || pushes else { return nil }
        let wait = try lockWait()
        let lock = try FileLock(repository.commonDirectory + "/" + Self.lockFileName, guarding: "this clone",
                                wait: wait, log: { context.log($0) })
        if let start = lock.interruptedRunStart { removeLocks(leftSince: start) }
        // A run killed during its push may have left its scratch ref behind.
        if pushes { try? repository.deleteReference(scratchReference(for: options.targetBranch)) }
        return lock
    }

    /// How long to wait for another run: `KEOS_PROMOTE_LOCK_TIMEOUT` seconds (0 or more), else the default.
    private func lockWait() throws -> TimeInterval {
        guard let text = context.environment["KEOS_PROMOTE_LOCK_TIMEOUT"] else { return Self.defaultLockWait }
        guard let seconds = TimeInterval(text.trimmingCharacters(in: .whitespaces)), seconds.isFinite, seconds >= 0 else {
            throw PromoteError(.badInput, "KEOS_PROMOTE_LOCK_TIMEOUT=\(DisplayText.escaped(text)): expected a number of seconds, 0 or more")
        }
        return seconds
    }

    /// Removes the git lock files of the refs keos-promote writes that a killed run left behind (created after it
    /// started): they would make every later fetch fail with "failed to lock file".
    func removeLocks(leftSince start: Date) {
        let shared = repository.commonDirectory + "/"
        let refs = [options.sourceBranch, options.targetBranch].map { "refs/remotes/\(options.remote)/\($0)" }
            + ["refs/heads/\(options.targetBranch)", scratchReference(for: options.targetBranch), "packed-refs"]
        let locks = refs.map { shared + $0 + ".lock" } + [repository.gitDirectory.withTrailingSlash + "FETCH_HEAD.lock"]
        for path in locks {
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                  modified >= start.addingTimeInterval(-1) else { continue }
            if (try? FileManager.default.removeItem(atPath: path)) != nil {
                context.log("removed \(DisplayText.escaped(path)), left by an interrupted keos-promote run")
            }
        }
    }

    /// The ref a push to `branch` sends from (libgit2 pushes refs, not ids); it exists only during the push.
    func scratchReference(for branch: String) -> String { "refs/keos-promote/push/\(branch)" }
}

extension String {
    /// The path with one `/` at its end.
    fileprivate var withTrailingSlash: String { hasSuffix("/") ? self : self + "/" }
}

extension Repository {
    /// The git folder shared by all worktrees of the repository (the `.git` folder, or the bare repository).
    var commonDirectory: String {
        var path = String(cString: git_repository_commondir(pointer))
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
