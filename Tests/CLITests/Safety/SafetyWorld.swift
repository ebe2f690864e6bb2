import Foundation
import Testing
import TestSupport

/// The sample served by `git daemon` (or smart HTTP) behind a `TCPProxy`, with a new commit on `main` that carries an
/// incompressible blob (so a fetch transfers a real pack) and a staging status in which staging-1 runs it.
///
/// The clone's origin is the proxy's URL; `proxy.setFault` breaks the next connections.
final class ServedSample: @unchecked Sendable {
    /// How the origin is served.
    enum Transport: String, CaseIterable, Sendable { case git, http }

    let world: SampleWorld
    /// The server (a `GitDaemon` or an `HTTPGitServer`), kept alive with the sample.
    let server: AnyObject
    let proxy: TCPProxy
    /// The clone's origin URL (through the proxy).
    let url: String
    /// The revision to promote: main's new tip.
    let revision: String
    /// Where staging-1 reconciled `revision`.
    let status: URL
    /// Where the tool runs (a fresh `HOME` per sample).
    let home: TemporaryDirectory

    init(_ transport: Transport = .git, blobSize: Int = 256 * 1024) throws {
        world = try SampleWorld()
        switch transport {
        case .git:
            let daemon = try GitDaemon(serving: world.root)
            server = daemon
            proxy = try TCPProxy(forwardingTo: daemon.port)
            url = proxy.gitURL("origin.git")
        case .http:
            let http = try HTTPGitServer(serving: world.root)
            server = http
            proxy = try TCPProxy(forwardingTo: http.port)
            url = proxy.httpURL("origin.git")
        }
        var generator = SeededGenerator(seed: 42)
        let noise = (0..<blobSize).map { _ in UInt8.random(in: 0...255, using: &generator) }.map { String(format: "%02x", $0) }.joined()
        revision = try world.commitOnOrigin(["components/storage/controllers/base/blob.txt": noise], on: "main",
                                            message: "storage: add a large blob")
        try world.git("remote", "set-url", "origin", url)
        status = try world.write(world.fluxStatus(revision: revision, url: url), named: "served")
        home = try TemporaryDirectory(prefix: "keos-safety-home")
    }

    /// Closes the proxy's connections before the server stops (a stalled one would keep a server child waiting).
    deinit { proxy.stop() }

    /// `--yes -v --staging-status <status>` plus `extra`.
    func promoteArguments(_ extra: [String] = []) -> [String] {
        ["--yes", "-v", "--staging-status", status.path] + extra
    }

    /// Starts a promotion in the clone.
    func startPromotion(_ extra: [String] = []) throws -> RunningProcess {
        try CLI.binary().start(promoteArguments(extra), cwd: world.clone, home: home.url)
    }

    /// Runs a promotion in the clone to its end.
    func promote(_ extra: [String] = []) throws -> ProcessResult {
        try CLI.binary().run(promoteArguments(extra), cwd: world.clone, home: home.url)
    }

    /// Production on the origin.
    func originProduction() throws -> String { try world.revParse("refs/heads/production", in: world.origin) }

    /// True when `commit` is the promotion of `revision` onto the old production tip, complete.
    func isPromotion(_ commit: String) throws -> Bool {
        let parents = try world.git("rev-list", "--parents", "-n", "1", commit, in: world.origin).split(separator: " ").dropFirst()
        let subject = try world.git("log", "-1", "--format=%s", commit, in: world.origin)
        let tree = try world.git("rev-parse", "\(commit)^{tree}", in: world.origin)
        let expectedTree = try mergedTree()
        return parents.map(String.init) == [world.productionTip, revision]
            && subject == "Promote main@\(revision.prefix(7)) to production" && tree == expectedTree
    }

    /// The tree `git merge-tree` makes of the old production tip and `revision` (the oracle).
    func mergedTree() throws -> String {
        guard case .clean(let tree) = try world.mergeTree(world.productionTip, revision) else {
            throw TestSupportError("the sample's promotion conflicts")
        }
        return tree
    }
}

/// `git fsck --full` finds no problem in `repository` (dangling objects are fine: an unpushed commit is one).
///
/// A server may still be finishing a connection whose client was just killed (its quarantine of received
/// objects is removed when it notices): the check waits for that, and looks twice before it complains.
func expectFsckClean(_ repository: URL, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    func fsck() throws -> ProcessResult {
        try Shell.run("git", ["fsck", "--full", "--strict", "--no-dangling", "--no-progress"], cwd: repository,
                      environment: GitEnvironment.standard.variables)
    }
    waitForServerWork(in: repository)
    var result = try fsck()
    if !(result.succeeded && result.stdout.isEmpty) {
        Thread.sleep(forTimeInterval: 1)
        waitForServerWork(in: repository)
        let second = try fsck()
        if second.succeeded && second.stdout.isEmpty { return }
        result = second
    }
    #expect(result.succeeded && result.stdout.isEmpty, "git fsck in \(what):\n\(result)", sourceLocation: sourceLocation)
}

/// Waits (up to 10 s) until no receive-pack quarantine (`objects/incoming-*`) or temporary pack is left in
/// `repository`'s object store.
func waitForServerWork(in repository: URL) {
    let bare = FileManager.default.fileExists(atPath: repository.appendingPathComponent("HEAD").path)
    let objects = repository.appendingPathComponent(bare ? "objects" : ".git/objects")
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline {
        let top = (try? FileManager.default.contentsOfDirectory(atPath: objects.path)) ?? []
        let packs = (try? FileManager.default.contentsOfDirectory(atPath: objects.appendingPathComponent("pack").path)) ?? []
        if !top.contains(where: { $0.hasPrefix("incoming-") }) && !packs.contains(where: { $0.hasPrefix("tmp_") }) { return }
        usleep(50_000)
    }
}
