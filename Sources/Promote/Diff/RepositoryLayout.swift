/// Where components live in the repository, and which environment a path belongs to.
///
/// Paths are compared as UTF-8 bytes, as Git stores them (never by Unicode equivalence).
struct RepositoryLayout: Sendable, Equatable {
    /// The components folder without leading `./` or `/` and without a trailing `/`; empty for the root.
    let componentsDir: String
    /// The folder names that mark base, staging and production.
    let environments: EnvironmentFolders

    /// Accepts `components`, `./clusters/components/` and the like.
    init(componentsDir: String, environments: EnvironmentFolders = .standard) {
        let segments = Self.segments(of: componentsDir).filter { $0 != "." }
        self.componentsDir = segments.joined(separator: "/")
        self.environments = environments
    }

    /// The component that `path` lies in: the first segment below the components folder.
    ///
    /// `nil` for paths outside the components folder and for files directly inside it (a
    /// `components/README.md` belongs to no component).
    func component(of path: String) -> String? {
        let prefix = componentsDir.isEmpty ? [] : Array(componentsDir.utf8) + [UInt8(ascii: "/")]
        let bytes = Array(path.utf8)
        guard bytes.starts(with: prefix) else { return nil }
        let rest = bytes[prefix.count...]
        guard let slash = rest.firstIndex(of: UInt8(ascii: "/")), slash != rest.startIndex else { return nil }
        return String(decoding: rest[..<slash], as: UTF8.self)
    }

    /// The environment of `path`: its first segment named like an environment folder (`base`, `staging` or
    /// `production` unless configured), else `shared`.
    func environment(of path: String) -> Environment {
        // Over the path's bytes in place, not a String per segment: this runs for every changed file.
        var path = path
        return path.withUTF8 { bytes in
            var start = 0
            for end in 0...bytes.count where end == bytes.count || bytes[end] == UInt8(ascii: "/") {
                defer { start = end + 1 }
                guard end > start else { continue }
                if let environment = environments.environment(ofSegment: UnsafeBufferPointer(rebasing: bytes[start..<end])) {
                    return environment
                }
            }
            return .shared
        }
    }

    /// The non-empty `/`-separated segments of `path`, split on the byte `/`.
    private static func segments(of path: String) -> [String] {
        path.utf8.split(separator: UInt8(ascii: "/")).map { String(decoding: $0, as: UTF8.self) }
    }
}
