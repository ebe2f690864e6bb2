/// Why the YAML facts of a changed file were not read; the diff itself is still reported.
public enum YAMLSkipReason: String, Codable, Sendable, Error, CaseIterable {
    /// Larger than the 1 MiB that the facts read.
    case tooLarge = "too-large"
    /// Binary, or not valid UTF-8.
    case binary
    /// Not valid YAML.
    case invalidYAML = "invalid-yaml"
    /// More aliases than the facts follow, or aliases where they could make reading expensive (keys).
    case unsafeAliases = "unsafe-aliases"
    /// Nests too deeply or expands to too many nodes.
    case tooComplex = "too-complex"
    /// The blob could not be read from the repository.
    case unreadable

    /// A few words for people, as in "YAML not read: invalid YAML".
    public var explanation: String {
        switch self {
        case .tooLarge: "larger than 1 MiB"
        case .binary: "binary or not UTF-8"
        case .invalidYAML: "invalid YAML"
        case .unsafeAliases: "too many YAML aliases"
        case .tooComplex: "too deeply nested or too large once aliases are expanded"
        case .unreadable: "blob unreadable"
        }
    }
}

/// How one Flux object changed inside a file.
public enum ObjectChangeKind: String, Codable, Sendable {
    case added, removed, modified
}
