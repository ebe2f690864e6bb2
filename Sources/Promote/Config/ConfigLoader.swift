import CGit2
import Foundation

/// A parsed config file and where it came from.
public struct LoadedConfig: Sendable, Equatable {
    public var config: PromoteConfig
    /// The file as shown in messages: a path, or `origin/main:.keos-promote.yaml` for a committed file.
    public var origin: String
}

/// Finds and reads `.keos-promote.yaml`.
///
/// Where it is read from, first match wins:
/// 1. `--config FILE` (must exist); relative paths inside resolve against the file's folder;
/// 2. a clone with a working tree: `.keos-promote.yaml` in the root of the working tree (what is checked out,
///    as a CI checkout has it); relative paths resolve against that root;
/// 3. a bare clone (a mirror for a CronJob): the file committed at the tip of the source branch as last
///    fetched (`refs/remotes/<remote>/<source>`, else `refs/heads/<source>`), read before this run fetches;
///    relative paths resolve against the current folder. The branches and remote used to find it are the
///    flags' (or the defaults), since the file cannot say where to find itself.
/// No file is no configuration. A path that is not a repository is left for the service to report.
public enum ConfigLoader {
    public static let fileName = ".keos-promote.yaml"

    /// What the loader needs to know to find the file.
    public struct Request: Sendable, Equatable {
        public var explicitPath: String?
        public var repositoryPath: String
        public var remote: String
        public var sourceBranch: String
        public var currentDirectory: String
        public var homeDirectory: String

        public init(explicitPath: String?, repositoryPath: String, remote: String, sourceBranch: String,
                    currentDirectory: String = FileManager.default.currentDirectoryPath,
                    homeDirectory: String = NSHomeDirectory()) {
            self.explicitPath = explicitPath
            self.repositoryPath = repositoryPath
            self.remote = remote
            self.sourceBranch = sourceBranch
            self.currentDirectory = currentDirectory
            self.homeDirectory = homeDirectory
        }
    }

    /// The configuration `request` points at; `nil` when there is none. `repository`: the clone at
    /// `request.repositoryPath`, when the caller has it open already.
    public static func load(_ request: Request, repository opened: Repository? = nil) throws(PromoteError) -> LoadedConfig? {
        if let explicit = request.explicitPath {
            let absolute = URL(fileURLWithPath: explicit, relativeTo: URL(fileURLWithPath: request.currentDirectory, isDirectory: true))
                .standardizedFileURL.path
            let text = try readFile(absolute, shown: explicit, option: "--config ")
            return try parse(text, shown: explicit, base: (absolute as NSString).deletingLastPathComponent, request)
        }
        guard let repository = opened ?? (try? Repository.open(at: request.repositoryPath)) else { return nil }
        if let workingDirectory = repository.workingDirectory {
            let path = URL(fileURLWithPath: workingDirectory).appendingPathComponent(fileName).path
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            return try parse(try readFile(path, shown: path, option: ""), shown: path, base: workingDirectory, request)
        }
        return try committed(in: repository, request)
    }

    private static func committed(in repository: Repository, _ request: Request) throws(PromoteError) -> LoadedConfig? {
        let candidates = [("refs/remotes/\(request.remote)/\(request.sourceBranch)", "\(request.remote)/\(request.sourceBranch)"),
                          ("refs/heads/\(request.sourceBranch)", request.sourceBranch)]
        for (reference, shortName) in candidates {
            guard let tip = try? repository.referenceTarget(reference) else { continue }
            let shown = "\(shortName):\(fileName)"
            guard let blob = try? repository.entryID(atPath: fileName, in: tip) else { return nil }
            guard let data = try? repository.blobData(blob) else {
                throw PromoteError(.badInput, "\(DisplayText.escaped(shown)): cannot be read (is it a file?)")
            }
            return try parse(try decode(data, shown: shown), shown: shown, base: request.currentDirectory, request)
        }
        return nil
    }

    private static func parse(_ text: String, shown: String, base: String, _ request: Request) throws(PromoteError) -> LoadedConfig {
        let parser = ConfigParser(fileName: shown, baseDirectory: base, homeDirectory: request.homeDirectory)
        return LoadedConfig(config: try parser.parse(text), origin: shown)
    }

    private static func readFile(_ path: String, shown: String, option: String) throws(PromoteError) -> String {
        let escaped = DisplayText.escaped(shown)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PromoteError(.badInput, "\(option)\(escaped): no such file")
        }
        guard !isDirectory.boolValue else { throw PromoteError(.badInput, "\(option)\(escaped): is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PromoteError(.badInput, "\(option)\(escaped): cannot be read (permission denied?)")
        }
        return try decode(data, shown: shown)
    }

    private static func decode(_ data: Data, shown: String) throws(PromoteError) -> String {
        guard data.count <= 1 << 20 else { throw PromoteError(.badInput, "\(DisplayText.escaped(shown)): larger than 1 MiB") }
        guard let text = String(data: data, encoding: .utf8), !text.contains("\u{0}") else {
            throw PromoteError(.badInput, "\(DisplayText.escaped(shown)): not UTF-8 text")
        }
        return text
    }
}

extension Repository {
    /// The root of the working tree, without a trailing `/`; `nil` for a bare repository.
    var workingDirectory: String? {
        guard let raw = git_repository_workdir(pointer) else { return nil }
        var path = String(cString: raw)
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
