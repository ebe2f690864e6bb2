import Foundation

/// One `--staging-status` value: the cluster it describes and the file that holds its Flux objects.
public struct StagingStatusSource: Equatable, Sendable {
    public var clusterName: String
    public var path: String

    public init(clusterName: String, path: String) {
        self.clusterName = clusterName
        self.path = path
    }

    /// Parses `FILE` or `NAME=FILE`.
    ///
    /// Text before the first `=` is a cluster name when it is not empty and holds no `/` (write `./a=b.json`
    /// for a file whose name has an `=`). Without a name, the cluster is the file's base name without its
    /// extension: `status/staging-1.json` → `staging-1`.
    public init(argument: String) throws(PromoteError) {
        if let equals = argument.firstIndex(of: "="), !argument[..<equals].contains("/") {
            let name = String(argument[..<equals])
            let path = String(argument[argument.index(after: equals)...])
            guard !name.isEmpty else {
                throw PromoteError(.badInput, "--staging-status \(argument): the cluster name before \"=\" is empty")
            }
            guard !path.isEmpty else {
                throw PromoteError(.badInput, "--staging-status \(argument): no file after \"=\"")
            }
            self.init(clusterName: name, path: path)
            return
        }
        guard !argument.isEmpty else {
            throw PromoteError(.badInput, "--staging-status: empty file name")
        }
        self.init(clusterName: Self.baseName(of: argument), path: argument)
    }

    /// The last path component without its final extension; the whole component when that would be empty.
    private static func baseName(of path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = file.lastIndex(of: "."), dot != file.startIndex else { return file }
        return String(file[..<dot])
    }
}

/// Loads `--staging-status` files into cluster snapshots.
public enum StagingStatusLoader {
    /// One snapshot per argument, in order.
    ///
    /// - Throws: `PromoteError(.badInput, "<path>: <what is wrong>")` for an unreadable or malformed file, or
    ///   when two arguments name the same cluster.
    public static func load(_ arguments: [String]) throws(PromoteError) -> [ClusterSnapshot] {
        var sources: [StagingStatusSource] = []
        for argument in arguments {
            let source = try StagingStatusSource(argument: argument)
            if let earlier = sources.first(where: { $0.clusterName == source.clusterName }) {
                throw PromoteError(.badInput, "\(source.path): cluster name \(source.clusterName) is already used by \(earlier.path); name the clusters with NAME=FILE")
            }
            sources.append(source)
        }
        var snapshots: [ClusterSnapshot] = []
        for source in sources {
            snapshots.append(try load(source))
        }
        return snapshots
    }

    /// Reads and decodes one file.
    public static func load(_ source: StagingStatusSource) throws(PromoteError) -> ClusterSnapshot {
        try snapshot(named: source.clusterName, from: read(source.path), path: source.path)
    }

    /// Decodes the content of `path` (already read) as the snapshot of cluster `name`.
    public static func snapshot(named name: String, from data: Data, path: String) throws(PromoteError) -> ClusterSnapshot {
        do {
            return ClusterSnapshot(name: name, objects: try FluxStatusDocument.objects(from: data))
        } catch {
            throw PromoteError(.badInput, "\(path): \(DisplayText.escaped(error.message))")
        }
    }

    private static func read(_ path: String) throws(PromoteError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PromoteError(.badInput, "\(path): no such file")
        }
        guard !isDirectory.boolValue else {
            throw PromoteError(.badInput, "\(path): is a directory, not a status file")
        }
        // A file handle also reads pipes and devices, so `--staging-status <(kubectl get … -o json)` works.
        guard FileManager.default.isReadableFile(atPath: path), let handle = FileHandle(forReadingAtPath: path) else {
            throw PromoteError(.badInput, "\(path): permission denied")
        }
        defer { try? handle.close() }
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            throw PromoteError(.badInput, "\(path): cannot be read: \(error.localizedDescription)")
        }
    }
}
