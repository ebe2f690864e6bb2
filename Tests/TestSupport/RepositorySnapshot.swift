import Foundation

/// Everything of a non-bare repository that the tool must never touch: HEAD, the index and the
/// working tree (file bytes, executable bits, symbolic links), plus `git status`.
///
/// Take one before running the tool and one after, then `#expect(after == before)`; on a mismatch
/// `differences(from:)` says what changed. Refs other than HEAD are not recorded: the tool may
/// update remote-tracking refs.
public struct RepositorySnapshot: Sendable, Equatable {
    /// The raw content of the HEAD file (`ref: refs/heads/main` or a commit id).
    public var head: String
    /// The commit HEAD resolves to, nil in an empty repository.
    public var headCommit: String?
    /// `git status --porcelain=v2 -z --untracked-files=all` (without branch headers).
    public var status: Data
    /// The bytes of the index file, nil when there is none.
    public var index: Data?
    /// Working tree files (relative path → bytes; a symbolic link maps to its target).
    public var files: [String: Data]
    /// Paths of executable files.
    public var executables: Set<String>
    /// Paths of symbolic links.
    public var symlinks: Set<String>
    /// Paths of folders (including empty ones).
    public var directories: Set<String>

    /// Records the state of the repository whose working tree is `worktree`.
    public init(of worktree: URL, environment: GitEnvironment = .standard) throws {
        func git(_ arguments: String...) throws -> ProcessResult {
            // No optional locks: `git status` must not refresh (rewrite) the index it is measuring.
            try Shell.run("git", ["--no-optional-locks"] + arguments, cwd: worktree, environment: environment.adding(["GIT_OPTIONAL_LOCKS": "0"]).variables)
        }
        let gitDir = try git("rev-parse", "--absolute-git-dir")
        guard gitDir.succeeded else { throw TestSupportError("not a repository: \(worktree.path): \(gitDir.stderr)") }
        let gitDirURL = URL(fileURLWithPath: gitDir.stdout.trimmingTrailingNewline())
        let indexPath = try git("rev-parse", "--git-path", "index").stdout.trimmingTrailingNewline()
        let indexURL = indexPath.hasPrefix("/") ? URL(fileURLWithPath: indexPath) : worktree.appendingPathComponent(indexPath)

        index = FileManager.default.contents(atPath: indexURL.path)
        head = String(decoding: FileManager.default.contents(atPath: gitDirURL.appendingPathComponent("HEAD").path) ?? Data(), as: UTF8.self)
        let headResult = try git("rev-parse", "--verify", "--quiet", "HEAD")
        headCommit = headResult.succeeded ? headResult.stdout.trimmingTrailingNewline() : nil
        let statusResult = try git("status", "--porcelain=v2", "-z", "--untracked-files=all")
        guard statusResult.succeeded else { throw TestSupportError("git status failed: \(statusResult.stderr)") }
        status = statusResult.stdoutData

        var files: [String: Data] = [:]
        var executables: Set<String> = []
        var symlinks: Set<String> = []
        var directories: Set<String> = []
        let manager = FileManager.default
        func walk(_ folder: URL, _ prefix: String) throws {
            for name in try manager.contentsOfDirectory(atPath: folder.path).sorted() {
                if prefix.isEmpty && name == ".git" { continue }
                let item = folder.appendingPathComponent(name)
                let relative = prefix.isEmpty ? name : prefix + "/" + name
                let attributes = try manager.attributesOfItem(atPath: item.path)
                let type = attributes[.type] as? FileAttributeType
                if type == .typeSymbolicLink {
                    symlinks.insert(relative)
                    files[relative] = Data(try manager.destinationOfSymbolicLink(atPath: item.path).utf8)
                } else if type == .typeDirectory {
                    directories.insert(relative)
                    try walk(item, relative)
                } else {
                    files[relative] = manager.contents(atPath: item.path) ?? Data()
                    if let permissions = attributes[.posixPermissions] as? NSNumber, permissions.intValue & 0o111 != 0 {
                        executables.insert(relative)
                    }
                }
            }
        }
        try walk(worktree, "")
        self.files = files
        self.executables = executables
        self.symlinks = symlinks
        self.directories = directories
    }

    /// Human-readable differences between `self` and `other` (empty when equal).
    public func differences(from other: RepositorySnapshot) -> [String] {
        var lines: [String] = []
        if head != other.head { lines.append("HEAD: \(other.head.debugDescription) -> \(head.debugDescription)") }
        if headCommit != other.headCommit { lines.append("HEAD commit: \(other.headCommit ?? "none") -> \(headCommit ?? "none")") }
        if index != other.index { lines.append("index file changed (\(other.index?.count ?? 0) -> \(index?.count ?? 0) bytes)") }
        if status != other.status {
            let show = { (data: Data) in String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\0", with: "\n") }
            lines.append("git status: \(show(other.status).debugDescription) -> \(show(status).debugDescription)")
        }
        for path in Set(files.keys).union(other.files.keys).sorted() {
            switch (other.files[path], files[path]) {
            case (nil, _?): lines.append("added \(path)")
            case (_?, nil): lines.append("removed \(path)")
            case let (old?, new?) where old != new: lines.append("modified \(path)")
            default: break
            }
        }
        for path in executables.symmetricDifference(other.executables).sorted() { lines.append("mode changed \(path)") }
        for path in symlinks.symmetricDifference(other.symlinks).sorted() { lines.append("link changed \(path)") }
        for path in directories.symmetricDifference(other.directories).sorted() { lines.append("folder added or removed \(path)") }
        return lines
    }

    /// A short digest of everything recorded (FNV-1a, 64 bit), handy in messages.
    public var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ data: Data) {
            for byte in data {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            hash ^= 0xff
            hash = hash &* 0x0000_0100_0000_01b3
        }
        mix(Data(head.utf8))
        mix(Data((headCommit ?? "").utf8))
        mix(status)
        mix(index ?? Data())
        for path in files.keys.sorted() {
            mix(Data(path.utf8))
            mix(files[path]!)
            mix(Data((executables.contains(path) ? "x" : "-").utf8))
            mix(Data((symlinks.contains(path) ? "l" : "-").utf8))
        }
        for path in directories.sorted() { mix(Data(path.utf8)) }
        return String(hash, radix: 16)
    }
}
