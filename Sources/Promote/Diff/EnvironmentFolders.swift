/// The folder names that mark a file's environment: `base`, `staging` and `production` unless configured.
///
/// The report always names the role (`base`, `staging`, `production`, `shared`); only the folder names
/// that map to a role change, e.g. `prod` for production.
public struct EnvironmentFolders: Sendable, Equatable {
    public var base: String
    public var staging: String
    public var production: String

    /// `base`, `staging`, `production`.
    public static let standard = EnvironmentFolders(base: "base", staging: "staging", production: "production")

    public init(base: String, staging: String, production: String) {
        self.base = base
        self.staging = staging
        self.production = production
    }

    /// The role a path segment's bytes name, if any (compared as UTF-8 bytes).
    func environment(ofSegment segment: UnsafeBufferPointer<UInt8>) -> Environment? {
        func names(_ folder: String) -> Bool {
            var folder = folder
            return folder.withUTF8 { $0.elementsEqual(segment) }
        }
        if names(base) { return .base }
        if names(staging) { return .staging }
        if names(production) { return .production }
        return nil
    }
}
