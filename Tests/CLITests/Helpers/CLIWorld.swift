import Foundation
import Testing
import TestSupport

/// The built `keos-promote`, run as a user runs it (a subprocess with a clean environment).
enum CLI {
    /// The executable; `swift build` must have run first.
    static func binary() throws -> KeosBinary { try KeosBinary.locate() }

    /// Runs the tool in `cwd` (no `NO_COLOR`, stdout and stderr are pipes).
    static func run(_ arguments: [String], in cwd: URL, home: URL? = nil, environment: [String: String] = [:],
                    noColor: Bool = false) throws -> ProcessResult {
        try binary().run(arguments, cwd: cwd, environment: environment, home: home, noColor: noColor)
    }
}

/// The sample `keos-system-services` repository (the demo's), in its own temporary folder.
///
/// `origin` is a bare repository, `clone` a clone with `main` checked out and a local `production` at the
/// remote's production tip (the production-only hotfix), `stagingStatus` the file in which staging-1
/// reconciled `main`'s tip.
final class SampleWorld: @unchecked Sendable {
    let directory: TemporaryDirectory
    private let clock = CommitClock(start: Date(timeIntervalSince1970: 1_710_000_000))

    /// `<directory>/sample`.
    let root: URL
    /// `<root>/origin.git`, bare.
    let origin: URL
    /// `<root>/keos-system-services`, `main` checked out.
    let clone: URL
    /// `<root>/staging-1.json`: staging-1 reconciled main's tip.
    let stagingStatus: URL
    /// The clone's `remote.origin.url` (the origin's path).
    let remoteURL: String
    let mainTip: String
    let productionTip: String

    /// A fresh copy of the sample (made once per test process by `scripts/lib/sample-repo.sh`, then copied:
    /// the script's ids are deterministic, so a copy is the same repository; only the origin's path differs).
    init() throws {
        directory = try TemporaryDirectory(prefix: "keos-cli-sample")
        let template = try SampleTemplate.shared()
        root = directory.url.appendingPathComponent("sample")
        origin = root.appendingPathComponent("origin.git")
        clone = root.appendingPathComponent("keos-system-services")
        stagingStatus = root.appendingPathComponent("staging-1.json")
        remoteURL = origin.path
        mainTip = template.mainTip
        productionTip = template.productionTip

        let copy = try Shell.run("cp", ["-R", "-p", template.root.path, root.path])
        guard copy.succeeded else { throw TestSupportError("cannot copy the sample: \(copy.stderr)") }
        try Shell.git("remote", "set-url", "origin", origin.path, in: clone)
        // staging-1.json names the clone's remote URL: point it at this copy's origin.
        let text = try String(contentsOf: stagingStatus, encoding: .utf8)
        let templateURL = "\"url\": \"\(template.remoteURL)\""
        guard text.contains(templateURL) else { throw TestSupportError("the sample's status does not name \(template.remoteURL)") }
        try Data(text.replacingOccurrences(of: templateURL, with: "\"url\": \"\(remoteURL)\"").utf8).write(to: stagingStatus)
    }

    /// Runs the tool in the clone.
    func keos(_ arguments: String..., environment: [String: String] = [:], noColor: Bool = false) throws -> ProcessResult {
        try keos(arguments, environment: environment, noColor: noColor)
    }

    func keos(_ arguments: [String], in cwd: URL? = nil, environment: [String: String] = [:],
              noColor: Bool = false) throws -> ProcessResult {
        try CLI.run(arguments, in: cwd ?? clone, environment: environment, noColor: noColor)
    }

    /// Runs git in `repository` (default: the clone).
    @discardableResult
    func git(_ arguments: String..., in repository: URL? = nil) throws -> String {
        try Shell.git(arguments, in: repository ?? clone)
    }

    func revParse(_ revision: String, in repository: URL? = nil) throws -> String {
        try git("rev-parse", "--verify", "--end-of-options", revision, in: repository)
    }

    /// `git merge-tree --write-tree` of two commits in the origin (the oracle of a merge).
    func mergeTree(_ ours: String, _ theirs: String) throws -> MergeTreeResult {
        let result = try Shell.run("git", ["merge-tree", "--write-tree", "--name-only", "--no-messages", "-z", ours, theirs],
                                   cwd: origin, environment: GitEnvironment.standard.variables)
        return try GitOracle.parseMergeTree(result.stdoutData, status: result.status)
    }

    /// Every ref of `repository` (name → id).
    func refs(of repository: URL) throws -> [String: String] { try RefState.read(repository) }

    /// The clone's snapshot (worktree, index, HEAD, status).
    func snapshot() throws -> RepositorySnapshot { try RepositorySnapshot(of: clone) }

    /// Commits `files` (path → contents, nil deletes) on `branch` of the origin without any checkout.
    @discardableResult
    func commitOnOrigin(_ files: [String: String?], on branch: String, message: String) throws -> String {
        try PlumbingCommit.commit(files, on: branch, message: message, in: origin, date: clock.tick())
    }

    /// A status file for the sample in exactly Flux's shape: every Kustomization of the sample applied
    /// `revision` (default main's tip) and is healthy, unless `adjust` changes one.
    func fluxStatus(revision: String? = nil, url: String? = nil,
                    adjust: (inout SampleKustomization) -> Void = { _ in }) -> FluxStatusFixture {
        let applied = revision ?? mainTip
        var status = FluxStatusFixture(repositoryURL: url ?? remoteURL, name: "keos-system-services")
        for var kustomization in SampleKustomization.all(applied: applied) {
            adjust(&kustomization)
            status = status.kustomization(
                name: kustomization.name, path: kustomization.path, appliedRevision: kustomization.appliedRevision,
                ready: kustomization.ready, reason: kustomization.reason, message: kustomization.message,
                suspended: kustomization.suspended, helmReleases: kustomization.helmReleases)
        }
        return status
    }

    /// Writes `status` to a file named `<name>.json` in the sample's folder.
    func write(_ status: FluxStatusFixture, named name: String) throws -> URL {
        try status.write(to: root.appendingPathComponent("\(name).json"))
    }
}

/// The sample made once per test process; tests work on copies (`SampleWorld`).
enum SampleTemplate {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var made: SampleRepository?
    nonisolated(unsafe) private static var folder: TemporaryDirectory?

    static func shared() throws -> SampleRepository {
        lock.lock()
        defer { lock.unlock() }
        if let made { return made }
        let directory = try TemporaryDirectory(prefix: "keos-cli-sample-template")
        let sample = try SampleRepository.make(in: directory.url)
        folder = directory
        made = sample
        atexit { SampleTemplate.removeFolder() }
        return sample
    }

    private static func removeFolder() {
        folder?.remove()
    }
}

/// One Kustomization of the sample as staging runs it.
struct SampleKustomization {
    var name: String
    var path: String
    var appliedRevision: String?
    var ready: Bool? = true
    var reason: String?
    var message: String?
    var suspended = false
    var helmReleases: [FluxStatusFixture.HelmReleaseSpec] = []

    static func all(applied: String) -> [SampleKustomization] {
        typealias Release = FluxStatusFixture.HelmReleaseSpec
        return [
            .init(name: "clusterwide-config-configs", path: "components/clusterwide-config/configs/staging", appliedRevision: applied),
            .init(name: "command-center", path: "components/command-center/staging", appliedRevision: applied,
                  helmReleases: [Release(name: "weave-gitops", namespace: "flux-system", version: "4.0.36",
                                         sourceKind: "OCIRepository")]),
            .init(name: "gosec-configs", path: "components/gosec/configs/staging", appliedRevision: applied),
            .init(name: "gosec-controllers", path: "components/gosec/controllers/staging", appliedRevision: applied,
                  helmReleases: [Release(name: "kyverno", namespace: "kyverno", version: "3.2.6")]),
            .init(name: "observability-configs", path: "components/observability/configs/staging", appliedRevision: applied),
            .init(name: "observability-controllers", path: "components/observability/controllers/staging",
                  appliedRevision: applied,
                  helmReleases: [Release(name: "kube-prometheus-stack", namespace: "monitoring", version: "61.3.2",
                                         sourceName: "prometheus-community"),
                                 Release(name: "metrics-server", namespace: "monitoring", version: "3.12.2")]),
            .init(name: "storage-controllers", path: "components/storage/controllers/staging", appliedRevision: applied,
                  helmReleases: [Release(name: "longhorn", namespace: "longhorn-system", version: "1.6.2")]),
        ]
    }
}

/// The refs of a repository, to prove that nothing was written.
enum RefState {
    /// name → id of every ref (`git for-each-ref`), HEAD excluded.
    static func read(_ repository: URL) throws -> [String: String] {
        let output = try Shell.git("for-each-ref", "--format=%(refname) %(objectname)", in: repository)
        var refs: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            if parts.count == 2 { refs[parts[0]] = parts[1] }
        }
        return refs
    }

    /// The refs without remote-tracking ones (a fetch may legitimately move those).
    static func local(_ repository: URL) throws -> [String: String] {
        try read(repository).filter { !$0.key.hasPrefix("refs/remotes/") }
    }
}

/// Commits made with git's plumbing, without any working tree or index of the repository.
enum PlumbingCommit {
    /// Commits `files` (nil deletes) on top of `branch` (parents: its tip, or `parents`) in `repository`, and
    /// moves the branch; returns the new commit.
    @discardableResult
    static func commit(_ files: [String: String?], on branch: String, message: String, in repository: URL,
                       parents: [String]? = nil, date: Date) throws -> String {
        let scratch = try TemporaryDirectory(prefix: "keos-cli-index")
        let environment = GitEnvironment.standard.dated(date).adding(["GIT_INDEX_FILE": scratch.url("index").path])
        func git(_ arguments: [String], stdin: Data? = nil) throws -> String {
            try Shell.git(arguments, in: repository, environment: environment, stdin: stdin)
        }
        let oldTip = try? git(["rev-parse", "--verify", "--quiet", "refs/heads/\(branch)^{commit}"])
        let parentIDs = parents ?? (oldTip.map { [$0] } ?? [])
        if let first = parentIDs.first {
            _ = try git(["read-tree", first])
        } else {
            _ = try git(["read-tree", "--empty"])
        }
        // One hash-object and one update-index for all the files, however many there are.
        let sorted = files.sorted(by: { $0.key < $1.key })
        let writes = sorted.compactMap { path, contents in contents.map { (path, $0) } }
        var blobFiles: [String] = []
        for (number, (_, contents)) in writes.enumerated() {
            let file = scratch.url("blob-\(number)")
            try Data(contents.utf8).write(to: file)
            blobFiles.append(file.path)
        }
        let blobs = blobFiles.isEmpty ? [] : try git(["hash-object", "-w", "--stdin-paths"],
                                                     stdin: Data((blobFiles.joined(separator: "\n") + "\n").utf8))
            .split(separator: "\n").map(String.init)
        var records = zip(writes, blobs).map { "100644 \($1)\t\($0.0)\u{0}" }
        records += sorted.filter { $0.value == nil }.map { "0 \(String(repeating: "0", count: 40))\t\($0.key)\u{0}" }
        if !records.isEmpty {
            _ = try git(["update-index", "-z", "--index-info"], stdin: Data(records.joined().utf8))
        }
        let tree = try git(["write-tree"])
        var arguments = ["commit-tree", tree, "-m", message]
        for parent in parentIDs { arguments += ["-p", parent] }
        let commit = try git(arguments)
        _ = try git(["update-ref", "refs/heads/\(branch)", commit] + (oldTip.map { [$0] } ?? []))
        return commit
    }
}

// MARK: Assertions

extension ProcessResult {
    /// The lines of stderr (without empty ones).
    var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
}

/// Expects exit `code`, nothing on stdout (unless `reportOnStdout`), and exactly one line on stderr:
/// `error: …` mentioning every one of `mentions` (case-insensitive).
func expectOneLineError(_ result: ProcessResult, code: Int32, mentions: [String], reportOnStdout: Bool = false,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == code, "exit code\n\(result)", sourceLocation: sourceLocation)
    #expect(!result.signaled, "\(result)", sourceLocation: sourceLocation)
    if !reportOnStdout {
        #expect(result.stdout.isEmpty, "stdout must be empty in text mode\n\(result)", sourceLocation: sourceLocation)
    }
    let lines = result.stderrLines
    #expect(lines.count == 1, "exactly one line on stderr\n\(result)", sourceLocation: sourceLocation)
    #expect(lines.first?.hasPrefix("error: ") == true, "\(result)", sourceLocation: sourceLocation)
    for word in mentions {
        #expect(result.stderr.lowercased().contains(word.lowercased()),
                "stderr should name \(word)\n\(result)", sourceLocation: sourceLocation)
    }
}

/// Expects `after` to equal `before`, listing the differences otherwise.
func expectUnchanged(_ after: RepositorySnapshot, _ before: RepositorySnapshot, _ what: String = "clone",
                     sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(after == before, "\(what) changed: \(after.differences(from: before))", sourceLocation: sourceLocation)
}

func expectSameRefs(_ after: [String: String], _ before: [String: String], _ what: String,
                    sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(after == before, "\(what) refs changed: before \(before.sorted { $0.key < $1.key }), after \(after.sorted { $0.key < $1.key })",
            sourceLocation: sourceLocation)
}

/// True when `data` holds an ESC byte (the start of every ANSI sequence).
func containsEscape(_ data: Data) -> Bool { data.contains(0x1B) }

// MARK: Scenarios on the sample

extension SampleWorld {
    /// The paths `makeConflict()` makes conflict.
    static let conflictingPaths = ["README.md", "components/observability/controllers/production/kustomization.yaml"]

    /// Makes `main` and `production` on the origin change the same lines: production's retention patch
    /// (72h on production, 48h on main → 96h on main) and README's title. The clone fetches, and staging's
    /// status says staging-1 reconciled the new main tip. Returns the new main tip.
    @discardableResult
    func makeConflict() throws -> String {
        let retention = "components/observability/controllers/production/kustomization.yaml"
        let mainRetention = try git("show", "\(mainTip):\(retention)", in: origin)
            .replacingOccurrences(of: "value: 48h", with: "value: 96h") + "\n"
        let readme = try git("show", "\(mainTip):README.md", in: origin)
        try commitOnOrigin([
            retention: mainRetention,
            "README.md": readme.replacingOccurrences(of: "# keos-system-services", with: "# keos-system-services (main)") + "\n",
        ], on: "main", message: "observability: keep 96h of metrics on production")
        let productionReadme = try git("show", "\(productionTip):README.md", in: origin)
        try commitOnOrigin([
            "README.md": productionReadme.replacingOccurrences(of: "# keos-system-services", with: "# keos-system-services (production)") + "\n",
        ], on: "production", message: "docs: name the production branch")
        try git("fetch", "--quiet", "origin")
        let tip = try revParse("refs/heads/main", in: origin)
        _ = try write(fluxStatus(revision: tip), named: "staging-1")
        return tip
    }

    /// Serves the sample's folder over `git://` and points the clone's origin at it; staging's status is
    /// rewritten with that URL (the GitRepository must track the remote the clone uses).
    func serveOrigin() throws -> GitDaemon {
        let daemon = try GitDaemon(serving: root)
        try git("remote", "set-url", "origin", daemon.url("origin.git"))
        let text = try String(contentsOf: stagingStatus, encoding: .utf8)
        let url = "\"url\": \"\(remoteURL)\""
        guard text.contains(url) else { throw TestSupportError("\(stagingStatus.path) does not name \(remoteURL)") }
        try Data(text.replacingOccurrences(of: url, with: "\"url\": \"\(daemon.url("origin.git"))\"").utf8).write(to: stagingStatus)
        return daemon
    }
}

// MARK: Small repositories (GitFixture)

/// A GitFixture with one component (`components/app`), `main` and `production` on the origin, and a
/// staging status file for a revision.
final class FixtureWorld: @unchecked Sendable {
    let fixture: GitFixture

    static let baseFiles: [String: FixtureFile] = [
        "README.md": "# app repository\n",
        "components/app/base/values.yaml": "replicas: 1\nimage: app:1.0\n",
        "components/app/base/kustomization.yaml": "resources:\n  - values.yaml\n",
        "components/app/staging/kustomization.yaml": "resources:\n  - ../base\n",
        "components/app/production/kustomization.yaml": "resources:\n  - ../base\n",
    ]

    /// `main` with the base files, and `production` at the same commit, on the origin and fetched.
    init() throws {
        fixture = try GitFixture(files: Self.baseFiles)
        try fixture.createBranch("production", at: "main", in: fixture.origin)
        try fixture.fetch()
    }

    var clone: URL { fixture.clone }
    var origin: URL { fixture.origin }

    func tip(_ branch: String) throws -> String { try fixture.revParse("refs/heads/\(branch)", in: origin) }

    /// Commits on the origin's `branch` (no checkout anywhere).
    @discardableResult
    func commit(_ changes: [String: FixtureFile], on branch: String, message: String) throws -> String {
        try fixture.commit(changes, on: branch, message: message, in: origin)
    }

    /// Writes a status file (cluster `staging-1`) in which the app's Kustomization applied `revision`.
    func statusFile(revision: String) throws -> URL {
        let url = try fixture.git("config", "remote.origin.url")
        return try FluxStatusFixture(repositoryURL: url, name: "app-repo")
            .kustomization(name: "app", path: "components/app/staging", appliedRevision: revision)
            .write(to: fixture.root.appendingPathComponent("staging-1.json"))
    }

    /// Runs the tool in the clone, with the fixture's home (its git identity).
    func keos(_ arguments: String...) throws -> ProcessResult {
        try keos(arguments)
    }

    func keos(_ arguments: [String]) throws -> ProcessResult {
        try CLI.run(arguments, in: clone, home: fixture.environment.home)
    }
}
