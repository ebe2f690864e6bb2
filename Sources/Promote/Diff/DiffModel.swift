import Foundation

/// How one file changed between two trees, as the Git layer reports it (no YAML, no components yet).
public struct RawFileChange: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        case added, deleted, modified, renamed, copied, typeChanged
    }

    /// Path on the new side (for a deletion: the deleted path).
    public var path: String
    /// Path on the old side when it differs from `path` (renames, copies).
    public var oldPath: String?
    public var status: Status
    public var additions: Int
    public var deletions: Int
    public var isBinary: Bool
    /// Blob on the old side; `nil` for an addition.
    public var oldBlob: ObjectID?
    /// Blob on the new side; `nil` for a deletion.
    public var newBlob: ObjectID?

    public init(path: String, oldPath: String? = nil, status: Status, additions: Int = 0, deletions: Int = 0,
                isBinary: Bool = false, oldBlob: ObjectID? = nil, newBlob: ObjectID? = nil) {
        self.path = path
        self.oldPath = oldPath
        self.status = status
        self.additions = additions
        self.deletions = deletions
        self.isBinary = isBinary
        self.oldBlob = oldBlob
        self.newBlob = newBlob
    }
}

/// Reads blob contents for the YAML facts; the Git repository implements it, tests use a dictionary.
public protocol BlobSource {
    /// The bytes of blob `id`.
    func blobData(_ id: ObjectID) throws -> Data
    /// The bytes of blob `id` when it holds at most `maximumBytes`, else `nil`.
    func blobData(_ id: ObjectID, maximumBytes: Int) throws -> Data?
}

extension BlobSource {
    public func blobData(_ id: ObjectID, maximumBytes: Int) throws -> Data? {
        let data = try blobData(id)
        return data.count <= maximumBytes ? data : nil
    }
}

/// The environment a file belongs to: the first path segment named `base`, `staging` or `production`.
public enum Environment: String, Codable, Sendable, CaseIterable {
    case base, staging, production, shared
}

/// How a component changed as a whole.
public enum ComponentChangeKind: String, Codable, Sendable {
    case added, removed, modified
}

/// How a file changed.
public enum FileChangeKind: String, Codable, Sendable {
    case added, removed, modified, renamed
}

/// One changed file in the per-component diff.
public struct FileChange: Codable, Sendable, Equatable {
    public var path: String
    public var oldPath: String?
    public var change: FileChangeKind
    public var environment: Environment
    public var additions: Int
    public var deletions: Int
    public var binary: Bool
    /// True when this path conflicts in the merge (only present in a conflicted plan).
    public var conflict: Bool?
    /// Why this YAML file's release facts were not read (too large, binary, invalid…); absent when read or
    /// not YAML.
    public var yamlSkipped: YAMLSkipReason?

    public init(path: String, oldPath: String? = nil, change: FileChangeKind, environment: Environment,
                additions: Int, deletions: Int, binary: Bool, conflict: Bool? = nil,
                yamlSkipped: YAMLSkipReason? = nil) {
        self.path = path
        self.oldPath = oldPath
        self.change = change
        self.environment = environment
        self.additions = additions
        self.deletions = deletions
        self.binary = binary
        self.conflict = conflict
        self.yamlSkipped = yamlSkipped
    }
}

/// A Flux source or release whose chart, version, tag or values changed.
public struct ReleaseChange: Codable, Sendable, Equatable {
    /// `HelmRelease`, `HelmRepository` or `OCIRepository`.
    public var kind: String
    public var name: String
    public var namespace: String?
    /// Environment of the file that declares it.
    public var environment: Environment
    /// Chart and version (or URL and tag) before; `nil` when the object is new or the facts are absent.
    public var from: String?
    /// Chart and version (or URL and tag) after; `nil` when the object was removed or the facts are absent.
    public var to: String?
    /// Dotted paths of `spec.values` keys that differ, sorted.
    public var valuesChanged: [String]
    /// Whether the object was added to, removed from, or changed in its file.
    public var change: ObjectChangeKind

    public init(kind: String, name: String, namespace: String? = nil, environment: Environment,
                from: String?, to: String?, valuesChanged: [String], change: ObjectChangeKind = .modified) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.environment = environment
        self.from = from
        self.to = to
        self.valuesChanged = valuesChanged
        self.change = change
    }

    private enum CodingKeys: String, CodingKey {
        case kind, name, namespace, environment, change, from, to, valuesChanged
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(String.self, forKey: .kind)
        name = try container.decode(String.self, forKey: .name)
        namespace = try container.decodeIfPresent(String.self, forKey: .namespace)
        environment = try container.decode(Environment.self, forKey: .environment)
        change = try container.decodeIfPresent(ObjectChangeKind.self, forKey: .change) ?? .modified
        from = try container.decodeIfPresent(String.self, forKey: .from)
        to = try container.decodeIfPresent(String.self, forKey: .to)
        valuesChanged = try container.decode([String].self, forKey: .valuesChanged)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(namespace, forKey: .namespace)
        try container.encode(environment, forKey: .environment)
        try container.encode(change, forKey: .change)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(valuesChanged, forKey: .valuesChanged)
    }
}

/// Everything one component receives.
public struct ComponentChange: Codable, Sendable, Equatable {
    public var name: String
    public var change: ComponentChangeKind
    public var affectsProduction: Bool
    public var files: [FileChange]
    public var releases: [ReleaseChange]

    public init(name: String, change: ComponentChangeKind, affectsProduction: Bool, files: [FileChange],
                releases: [ReleaseChange]) {
        self.name = name
        self.change = change
        self.affectsProduction = affectsProduction
        self.files = files
        self.releases = releases
    }
}

/// The per-component diff of what the target would receive; ordered by component name, then path.
public struct ComponentDiff: Codable, Sendable, Equatable {
    public var components: [ComponentChange]
    public var outsideComponents: [FileChange]

    public init(components: [ComponentChange], outsideComponents: [FileChange]) {
        self.components = components
        self.outsideComponents = outsideComponents
    }

    public var isEmpty: Bool { components.isEmpty && outsideComponents.isEmpty }
}
