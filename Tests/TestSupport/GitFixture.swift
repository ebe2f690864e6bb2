import Foundation

/// A bare "origin" repository and a clone of it (remote `origin`), in a private temporary folder.
///
/// Layout: `<root>/origin.git` (bare), `<root>/clone` (working clone, `main` checked out),
/// `<root>/home` (the `HOME` of every git command, see `GitEnvironment`). Methods that take
/// `in repository:` default to the clone. Commits get increasing fixed dates (one minute apart from
/// 2024-01-01), so ids are the same on every run.
public final class GitFixture: Sendable {
    /// The temporary folder holding everything; removed with the fixture.
    public let directory: TemporaryDirectory
    /// The hermetic environment used for every git command (also right for running the CLI).
    public let environment: GitEnvironment
    /// The bare repository the clone's `origin` points at.
    public let origin: URL
    /// The non-bare clone.
    public let clone: URL
    private let clock = CommitClock(start: GitEnvironment.baseDate)

    /// The fixture's folder.
    public var root: URL { directory.url }

    /// Creates `origin.git` with one commit on `branch` holding `files` (none when empty), and
    /// clones it. The clone's `origin` URL is the origin's absolute path.
    public init(
        files: [String: FixtureFile] = ["README.md": "# fixture\n"],
        branch: String = "main",
        message: String = "Initial commit"
    ) throws {
        directory = try TemporaryDirectory(prefix: "keos-promote-fixture")
        environment = try GitEnvironment(home: directory.url("home"))
        origin = directory.url("origin.git")
        clone = directory.url("clone")
        try environment.git("init", "--quiet", "--bare", "--initial-branch=\(branch)", origin.path, in: directory.url)
        if !files.isEmpty {
            try commit(files, on: branch, message: message, in: origin)
        }
        try environment.git("clone", "--quiet", origin.path, clone.path, in: directory.url)
    }

    // MARK: Running git

    /// Runs git in `repository` (default: the clone) and returns stdout without the final newline;
    /// throws with stderr when git fails.
    @discardableResult
    public func git(_ arguments: String..., in repository: URL? = nil, stdin: Data? = nil) throws -> String {
        try Shell.git(arguments, in: repository ?? clone, environment: environment, stdin: stdin)
    }

    /// Array form of `git(_:in:stdin:)`.
    @discardableResult
    public func git(_ arguments: [String], in repository: URL? = nil, stdin: Data? = nil) throws -> String {
        try Shell.git(arguments, in: repository ?? clone, environment: environment, stdin: stdin)
    }

    /// Runs git and returns the result whatever the exit status.
    public func gitResult(_ arguments: [String], in repository: URL? = nil, stdin: Data? = nil) throws -> ProcessResult {
        try environment.gitResult(arguments, in: repository ?? clone, stdin: stdin)
    }

    // MARK: Working tree of the clone

    /// The URL of `path` in the clone's working tree.
    public func url(_ path: String) -> URL { clone.appendingPathComponent(path) }

    /// Writes a text file in the clone's working tree, creating folders.
    public func write(_ path: String, _ contents: String) throws {
        try write(path, data: Data(contents.utf8))
    }

    /// Writes a file in the clone's working tree, creating folders.
    public func write(_ path: String, data: Data) throws {
        let file = url(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
    }

    /// Reads a text file from the clone's working tree; nil when missing.
    public func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: url(path).path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Removes a file or folder from the clone's working tree.
    public func remove(_ path: String) throws {
        try FileManager.default.removeItem(at: url(path))
    }

    /// Moves a file in the clone's working tree, creating the destination's folders.
    public func move(_ path: String, to newPath: String) throws {
        let destination = url(newPath)
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: url(path), to: destination)
    }

    /// Checks out `branch` in the clone (`create` makes it from `startPoint`, default HEAD).
    public func checkout(_ branch: String, create: Bool = false, startPoint: String? = nil) throws {
        var arguments = ["checkout", "--quiet"]
        if create { arguments.append("-b") }
        arguments.append(branch)
        if let startPoint { arguments.append(startPoint) }
        try git(arguments)
    }

    /// Stages everything in the clone's working tree and commits it on the checked-out branch.
    @discardableResult
    public func commitAll(_ message: String, date: Date? = nil) throws -> String {
        try git("add", "--all")
        let env = environment.dated(date ?? clock.tick())
        try Shell.git(["commit", "--quiet", "--allow-empty", "-m", message], in: clone, environment: env)
        return try revParse("HEAD")
    }

    // MARK: Commits without a checkout

    /// Commits `changes` on top of `branch` in `repository` (bare or not) without touching any
    /// working tree or index, then moves the branch to the new commit (creating it when missing;
    /// then `parents` default to none, a root commit). Returns the new commit id.
    ///
    /// When `branch` is checked out in a non-bare repository, that working tree and index are
    /// reset to the new commit so the clone stays clean.
    @discardableResult
    public func commit(
        _ changes: [String: FixtureFile],
        on branch: String,
        message: String,
        in repository: URL? = nil,
        parents: [String]? = nil,
        date: Date? = nil
    ) throws -> String {
        let repo = repository ?? clone
        let ref = "refs/heads/\(branch)"
        let oldTip = try? git("rev-parse", "--verify", "--quiet", "\(ref)^{commit}", in: repo)
        let parentIDs = try parents.map { try $0.map { try revParse($0, in: repo) } } ?? (oldTip.map { [$0] } ?? [])

        let scratch = try TemporaryDirectory(prefix: "keos-promote-index")
        let indexEnv = environment.adding(["GIT_INDEX_FILE": scratch.url("index").path, "GIT_LITERAL_PATHSPECS": "1"])
        @discardableResult
        func run(_ arguments: [String], stdin: Data? = nil) throws -> String {
            try Shell.git(arguments, in: repo, environment: indexEnv, stdin: stdin)
        }

        if let first = parentIDs.first {
            try run(["read-tree", first])
        } else {
            try run(["read-tree", "--empty"])
        }

        // Write every blob with one hash-object call.
        let writes = changes.sorted { $0.key < $1.key }.filter { if case .delete = $0.value { false } else { true } }
        var blobFiles: [String] = []
        for (number, (_, change)) in writes.enumerated() {
            let file = scratch.url("blob-\(number)")
            switch change {
            case .file(let data, _): try data.write(to: file)
            case .symlink(let target): try Data(target.utf8).write(to: file)
            case .delete: break
            }
            blobFiles.append(file.path)
        }
        let blobIDs = blobFiles.isEmpty ? [] : try run(
            ["hash-object", "-w", "--no-filters", "--stdin-paths"],
            stdin: Data((blobFiles.joined(separator: "\n") + "\n").utf8)
        ).split(separator: "\n").map(String.init)

        var indexInfo = Data()
        for (path, change) in changes.sorted(by: { $0.key < $1.key }) {
            guard case .delete = change else { continue }
            let listed = try run(["ls-files", "-z", "--", path])
            for victim in listed.split(separator: "\0") {
                indexInfo.append(Data("0 \(String(repeating: "0", count: 40))\t\(victim)\0".utf8))
            }
        }
        for ((path, change), blob) in zip(writes, blobIDs) {
            let mode: String
            switch change {
            case .file(_, let executable): mode = executable ? "100755" : "100644"
            case .symlink: mode = "120000"
            case .delete: continue
            }
            indexInfo.append(Data("\(mode) \(blob)\t\(path)\0".utf8))
        }
        if !indexInfo.isEmpty {
            try run(["update-index", "-z", "--index-info"], stdin: indexInfo)
        }
        let tree = try run(["write-tree"])
        let commit = try makeCommit(tree: tree, parents: parentIDs, message: message, in: repo, date: date)
        try updateBranch(branch, to: commit, expecting: oldTip, in: repo)
        return commit
    }

    /// Renames `path` to `newPath` on `branch` (content unchanged) without a checkout.
    @discardableResult
    public func rename(_ path: String, to newPath: String, on branch: String, message: String, in repository: URL? = nil) throws -> String {
        let repo = repository ?? clone
        let mode = try git("ls-tree", "refs/heads/\(branch)", "--", path, in: repo).split(separator: " ").first.map(String.init)
        let data = try showData(path, at: branch, in: repo)
        let change: FixtureFile = mode == "120000"
            ? .symlink(String(decoding: data, as: UTF8.self))
            : .file(data, executable: mode == "100755")
        return try commit([path: .delete, newPath: change], on: branch, message: message, in: repo)
    }

    /// Merges `other` into `branch` in memory (`git merge-tree`) and records a merge commit with
    /// parents `branch`, `other`; throws when the merge conflicts.
    @discardableResult
    public func merge(_ other: String, into branch: String, message: String, in repository: URL? = nil, date: Date? = nil) throws -> String {
        let repo = repository ?? clone
        let ours = try revParse("refs/heads/\(branch)", in: repo)
        let theirs = try revParse(other, in: repo)
        let result = try mergeTree(ours, theirs, in: repo)
        guard case .clean(let tree) = result else {
            throw TestSupportError("merging \(other) into \(branch) conflicts in \(result.conflictingPaths)")
        }
        let commit = try makeCommit(tree: tree, parents: [ours, theirs], message: message, in: repo, date: date)
        try updateBranch(branch, to: commit, expecting: ours, in: repo)
        return commit
    }

    private func makeCommit(tree: String, parents: [String], message: String, in repo: URL, date: Date?) throws -> String {
        var arguments = ["commit-tree", tree]
        for parent in parents { arguments += ["-p", parent] }
        arguments += ["-m", message]
        return try Shell.git(arguments, in: repo, environment: environment.dated(date ?? clock.tick()))
    }

    // MARK: Branches and remotes

    /// Creates branch `name` at `revision` in `repository`.
    public func createBranch(_ name: String, at revision: String, in repository: URL? = nil) throws {
        try git("branch", "--no-track", name, revision, in: repository)
    }

    /// Moves branch `name` to `revision` (creating it), refusing when it is not at `expecting`.
    /// When the branch is checked out in a non-bare repository, its working tree follows.
    public func updateBranch(_ name: String, to revision: String, expecting: String? = nil, in repository: URL? = nil) throws {
        let repo = repository ?? clone
        let target = try revParse(revision, in: repo)
        var arguments = ["update-ref", "-m", "fixture", "refs/heads/\(name)", target]
        if let expecting { arguments.append(expecting) }
        try git(arguments, in: repo)
        let bare = try git("rev-parse", "--is-bare-repository", in: repo) == "true"
        if !bare, (try? git("symbolic-ref", "--quiet", "HEAD", in: repo)) == "refs/heads/\(name)" {
            try git("reset", "--quiet", "--hard", in: repo)
        }
    }

    /// Deletes branch `name`.
    public func deleteBranch(_ name: String, in repository: URL? = nil) throws {
        try git("update-ref", "-d", "refs/heads/\(name)", in: repository)
    }

    /// Pushes `refspecs` (e.g. `"main"`, `"production:production"`) to `remote`.
    public func push(_ refspecs: String..., remote: String = "origin", force: Bool = false, in repository: URL? = nil) throws {
        try git(["push", "--quiet"] + (force ? ["--force"] : []) + [remote] + refspecs, in: repository)
    }

    /// Fetches from `remote` (all branches, pruning).
    public func fetch(remote: String = "origin", in repository: URL? = nil) throws {
        try git("fetch", "--quiet", "--prune", remote, in: repository)
    }

    /// Sets the URL of `remote` in `repository`.
    public func setRemoteURL(_ url: String, remote: String = "origin", in repository: URL? = nil) throws {
        try git("remote", "set-url", remote, url, in: repository)
    }

    /// Makes `remote` of `repository` read `url` (e.g. `https://git.example.com/platform/repo.git`)
    /// while git and libgit2 still reach the local origin, through `url.<origin>.insteadOf`.
    /// Use a `git.example.com` URL: the machine's git config rewrites github.com ones.
    public func aliasOrigin(as url: String, remote: String = "origin", in repository: URL? = nil) throws {
        try git("config", "url.\(origin.path).insteadOf", url, in: repository)
        try setRemoteURL(url, remote: remote, in: repository)
    }

    /// Sets a config value in `repository` (e.g. `receive.denyNonFastForwards` on the origin).
    public func setConfig(_ key: String, _ value: String, in repository: URL? = nil) throws {
        try git("config", key, value, in: repository)
    }

    /// Makes a further clone of the origin named `name` in the fixture's folder.
    public func cloneOrigin(named name: String, bare: Bool = false) throws -> URL {
        let destination = directory.url(name)
        try environment.git("clone", "--quiet", bare ? "--bare" : "--no-bare", origin.path, destination.path, in: directory.url)
        return destination
    }

    /// Makes a shallow clone (`git clone --depth N file://…`) of the origin's `branch`.
    public func shallowClone(named name: String = "shallow", branch: String = "main", depth: Int = 1) throws -> URL {
        let destination = directory.url(name)
        try environment.git(
            "clone", "--quiet", "--depth", String(depth), "--branch", branch, "file://" + origin.path, destination.path,
            in: directory.url)
        return destination
    }

    /// Starts a git daemon serving the fixture's folder; the origin is at `daemon.url("origin.git")`.
    public func serve() throws -> GitDaemon {
        try GitDaemon(serving: root, environment: environment)
    }

    // MARK: Reading history

    /// The full commit (or object) id of `revision`.
    public func revParse(_ revision: String, in repository: URL? = nil) throws -> String {
        try git("rev-parse", "--verify", "--end-of-options", revision, in: repository)
    }

    /// The id of `revision` or nil when it does not resolve.
    public func tryRevParse(_ revision: String, in repository: URL? = nil) -> String? {
        try? git("rev-parse", "--verify", "--quiet", "--end-of-options", revision, in: repository)
    }

    /// The tree id of `revision`.
    public func tree(of revision: String, in repository: URL? = nil) throws -> String {
        try revParse("\(revision)^{tree}", in: repository)
    }

    /// `git log --format=<format> <arguments>` as lines (default format: `<id> <subject>`).
    public func log(_ arguments: String..., format: String = "%H %s", in repository: URL? = nil) throws -> [String] {
        let output = try git(["log", "--format=\(format)"] + arguments, in: repository)
        return output.isEmpty ? [] : output.components(separatedBy: "\n")
    }

    /// The parents of `revision`.
    public func parents(of revision: String, in repository: URL? = nil) throws -> [String] {
        let line = try git("rev-list", "--parents", "-n", "1", revision, in: repository)
        return Array(line.split(separator: " ").dropFirst().map(String.init))
    }

    /// The full message of commit `revision`.
    public func message(of revision: String, in repository: URL? = nil) throws -> String {
        try git("log", "-1", "--format=%B", revision, in: repository)
    }

    /// The merge base of `a` and `b`, nil when they share no history.
    public func mergeBase(_ a: String, _ b: String, in repository: URL? = nil) throws -> String? {
        let result = try gitResult(["merge-base", a, b], in: repository)
        return result.succeeded ? result.stdout.trimmingTrailingNewline() : nil
    }

    /// True when `ancestor` is an ancestor of (or equal to) `descendant`.
    public func isAncestor(_ ancestor: String, of descendant: String, in repository: URL? = nil) throws -> Bool {
        let result = try gitResult(["merge-base", "--is-ancestor", ancestor, descendant], in: repository)
        guard result.status <= 1 else { throw TestSupportError("git merge-base --is-ancestor failed: \(result.stderr)") }
        return result.status == 0
    }

    /// The bytes of `path` at `revision`.
    public func showData(_ path: String, at revision: String, in repository: URL? = nil) throws -> Data {
        let result = try gitResult(["cat-file", "blob", "\(revision):\(path)"], in: repository)
        guard result.succeeded else { throw TestSupportError("no \(path) at \(revision): \(result.stderr)") }
        return result.stdoutData
    }

    /// The text of `path` at `revision`, nil when it does not exist there.
    public func show(_ path: String, at revision: String, in repository: URL? = nil) -> String? {
        (try? showData(path, at: revision, in: repository)).map { String(decoding: $0, as: UTF8.self) }
    }

    // MARK: Oracles

    /// `git merge-tree --write-tree` of two commits: the merged tree, or the conflicting paths.
    public func mergeTree(_ ours: String, _ theirs: String, in repository: URL? = nil) throws -> MergeTreeResult {
        let result = try gitResult(["merge-tree", "--write-tree", "--name-only", "--no-messages", "-z", ours, theirs], in: repository)
        return try GitOracle.parseMergeTree(result.stdoutData, status: result.status)
    }

    /// `git diff --name-status -M -z` between two tree-ish (commits or trees).
    public func diffNameStatus(from old: String, to new: String, in repository: URL? = nil) throws -> [NameStatusEntry] {
        try GitOracle.parseNameStatus(diff(["--name-status"], old, new, in: repository))
    }

    /// `git diff --numstat -M -z` between two tree-ish (commits or trees).
    public func diffNumstat(from old: String, to new: String, in repository: URL? = nil) throws -> [NumstatEntry] {
        try GitOracle.parseNumstat(diff(["--numstat"], old, new, in: repository))
    }

    private func diff(_ mode: [String], _ old: String, _ new: String, in repository: URL?) throws -> Data {
        let arguments = ["diff", "--no-ext-diff", "--no-textconv", "-M", "-z"] + mode + [old, new, "--"]
        let result = try gitResult(arguments, in: repository)
        guard result.succeeded else { throw TestSupportError("git \(arguments.joined(separator: " ")) failed: \(result.stderr)") }
        return result.stdoutData
    }

    /// A record of the clone's HEAD, index and working tree, to assert that nothing changed.
    public func snapshot(of repository: URL? = nil) throws -> RepositorySnapshot {
        try RepositorySnapshot(of: repository ?? clone, environment: environment)
    }
}
