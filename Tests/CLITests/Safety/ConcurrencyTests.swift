import Foundation
import Testing
import TestSupport

/// Issue 6.2: many promotions of one revision at once. Exactly one merge commit lands, every other run ends
/// with nothing to promote (0) or gave up (5), no pushed commit is lost, and runs sharing one clone or one
/// `--url` mirror take turns through their lock instead of corrupting it.
@Suite("Safety: many at once") struct ConcurrencyTests {
    /// The sample over `git daemon` (production's server policy applies, as on a real remote).
    struct Served {
        let world: SampleWorld
        let daemon: GitDaemon
        let url: String
        let status: URL

        init() throws {
            world = try SampleWorld()
            daemon = try world.serveOrigin()
            url = daemon.url("origin.git")
            status = world.stagingStatus
        }

        /// A further clone of the origin, fetched over the daemon.
        func clone(_ number: Int) throws -> URL {
            let clone = world.directory.url("clone-\(number)")
            try Shell.git("clone", "--quiet", url, clone.path, in: world.directory.url)
            return clone
        }
    }

    /// Starts every run, waits for all, and checks the common promise: one promotion, the others found
    /// nothing to do (or gave up), every pushed commit is on production.
    func expectOnePromotion(_ served: Served, runs: [RunningProcess]) throws -> [ProcessResult] {
        let results = runs.map { $0.wait(timeout: 180) }
        let world = served.world
        var pushed: [String] = []
        for result in results {
            #expect(result.status == 0 || result.status == 5, "\(result)")
            let report = try JSONReport(result)
            if report.pushed == true, let commit = report.resultCommit {
                pushed.append(commit)
            } else if result.status == 0 {
                #expect(report.action == "none", "a run that pushed nothing found nothing to promote\n\(result)")
            }
        }
        // Runs that merge in the same second make the very same commit; the one that finds it on the remote
        // already reports nothing to promote, so exactly one run reports a push.
        #expect(pushed.count == 1, "exactly one run pushed: \(pushed)")
        let production = try world.revParse("refs/heads/production", in: world.origin)
        let promotions = try world.git("rev-list", "--first-parent", "\(world.productionTip)..\(production)", in: world.origin)
        #expect(promotions == production, "exactly one merge commit on production: \(promotions)")
        let parents = try world.git("rev-list", "--parents", "-n", "1", production, in: world.origin).split(separator: " ").dropFirst()
        #expect(parents.map(String.init) == [world.productionTip, world.mainTip])
        for commit in pushed {
            #expect(try world.git("merge-base", "--is-ancestor", commit, production, in: world.origin).isEmpty,
                    "pushed commit \(commit) is on production")
        }
        try expectFsckClean(world.origin, "the remote")
        return results
    }

    @Test("ten runs, each in its own clone, against one remote")
    func tenClones() throws {
        let served = try Served()
        let clones = try (1...10).map { try served.clone($0) }
        let home = try TemporaryDirectory(prefix: "keos-safety-home")
        let runs = try clones.map { clone in
            try CLI.binary().start(["--yes", "--output", "json", "--staging-status", served.status.path], cwd: clone, home: home.url)
        }
        _ = try expectOnePromotion(served, runs: runs)
        for clone in clones { try expectFsckClean(clone, clone.lastPathComponent) }
    }

    @Test("four runs in the same clone take turns; the clone stays intact")
    func oneClone() throws {
        let served = try Served()
        let before = try served.world.snapshot()
        let home = try TemporaryDirectory(prefix: "keos-safety-home")
        let runs = try (0..<4).map { _ in
            try CLI.binary().start(["--yes", "-v", "--output", "json", "--staging-status", served.status.path],
                                   cwd: served.world.clone, home: home.url)
        }
        let results = try expectOnePromotion(served, runs: runs)
        #expect(results.allSatisfy { $0.status == 0 })
        expectUnchanged(try served.world.snapshot(), before)
        try expectFsckClean(served.world.clone, "the shared clone")
        #expect(try served.world.git("for-each-ref", "refs/keos-promote/").isEmpty)
        #expect(try served.world.revParse("refs/remotes/origin/production")
            == served.world.revParse("refs/heads/production", in: served.world.origin))
    }

    @Test("four --url runs share one mirror")
    func oneMirror() throws {
        let served = try Served()
        let home = try TemporaryDirectory(prefix: "keos-safety-home")
        let work = try home.makeDirectory("work")
        let runs = try (0..<4).map { _ in
            try CLI.binary().start(["--url", served.url, "--yes", "--output", "json", "--staging-status", served.status.path],
                                   cwd: work, home: home.url)
        }
        let results = try expectOnePromotion(served, runs: runs)
        #expect(results.allSatisfy { $0.status == 0 })
        let cache = home.url(".cache/keos-promote")
        let mirrors = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasSuffix(".git") }
        #expect(mirrors.count == 1, "\(mirrors)")
        for mirror in mirrors { try expectFsckClean(cache.appendingPathComponent(mirror), "the mirror") }
    }

    @Test("a run holding the clone's lock: the next waits, then refuses in one line, writing nothing")
    func lockedClone() throws {
        let served = try Served()
        let world = served.world
        let lockFile = world.clone.appendingPathComponent(".git/keos-promote.lock")
        let originBefore = try world.refs(of: world.origin)
        let cloneRefsBefore = try RefState.read(world.clone)

        let holder = try HeldLock(lockFile.path)
        let refused = try CLI.run(["--yes", "--staging-status", served.status.path], in: world.clone,
                                  environment: ["KEOS_PROMOTE_LOCK_TIMEOUT": "1"])
        expectOneLineError(refused, code: 1, mentions: ["another keos-promote run", "keos-promote.lock", "try again later"])
        expectSameRefs(try world.refs(of: world.origin), originBefore, "origin")
        expectSameRefs(try RefState.read(world.clone), cloneRefsBefore, "clone")

        // A read that writes nothing needs no lock.
        let readOnly = try CLI.run(["diff", "--no-fetch", "--skip-verify"], in: world.clone)
        #expect(readOnly.status == 0, "\(readOnly)")

        // A worktree of the clone shares its refs, so it shares the lock too.
        let worktree = world.directory.url("worktree")
        try world.git("worktree", "add", "--quiet", "--detach", worktree.path, "main")
        let fromWorktree = try CLI.run(["--yes", "--staging-status", served.status.path], in: worktree,
                                       environment: ["KEOS_PROMOTE_LOCK_TIMEOUT": "0"])
        expectOneLineError(fromWorktree, code: 1, mentions: ["another keos-promote run", lockFile.path])

        holder.release()
        // The lock file left behind (as by a killed run) does not block anyone.
        #expect(FileManager.default.fileExists(atPath: lockFile.path))
        let promoted = try CLI.run(["--yes", "--staging-status", served.status.path], in: world.clone)
        #expect(promoted.status == 0, "\(promoted)")
        try world.expectPromoted()
    }

    @Test("a run that finds the clone locked waits, says so, and promotes once the lock is released")
    func waitsForTheLock() throws {
        let served = try Served()
        let world = served.world
        let home = try TemporaryDirectory(prefix: "keos-safety-home")
        let holder = try HeldLock(world.clone.appendingPathComponent(".git/keos-promote.lock").path)
        let waiting = "waiting for another keos-promote run that uses this clone"

        // A wait that is not a number of seconds is refused before anything is locked or fetched.
        for bad in ["abc", "-1", "nan", ""] {
            let refused = try CLI.run(["diff", "--skip-verify"], in: world.clone, environment: ["KEOS_PROMOTE_LOCK_TIMEOUT": bad])
            expectOneLineError(refused, code: 2, mentions: ["KEOS_PROMOTE_LOCK_TIMEOUT", "number of seconds"])
        }

        // `diff` fetches, so it takes the lock as well: with no time to wait it gives up at once.
        let diff = try CLI.run(["diff", "--skip-verify"], in: world.clone, environment: ["KEOS_PROMOTE_LOCK_TIMEOUT": "0"])
        expectOneLineError(diff, code: 1, mentions: ["another keos-promote run", "keos-promote.lock"])

        let run = try CLI.binary().start(["--yes", "-v", "--output", "json", "--staging-status", served.status.path],
                                         cwd: world.clone, home: home.url)
        #expect(run.waitForStderr(containing: waiting), "the run never said it waits\n\(run.stderrSoFar)")
        #expect(try world.revParse("refs/heads/production", in: world.origin) == world.productionTip,
                "nothing pushed while the lock is held")
        holder.release()
        let result = run.wait(timeout: 180)
        #expect(result.status == 0, "\(result)")
        #expect(try JSONReport(result).pushed == true, "\(result)")
        try world.expectPromoted("\(result)")
    }
}

/// An `flock` on a file held by the test process, as another keos-promote run would hold it.
final class HeldLock {
    private var descriptor: Int32

    init(_ path: String) throws {
        descriptor = open(path, O_RDWR | O_CREAT, 0o644)
        guard descriptor >= 0, flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            throw TestSupportError("cannot lock \(path): errno \(errno)")
        }
    }

    func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
