/// The flags that decide where a plan starts — the clone, the config file, the remote, the branches, the
/// components folder and the revision — as given on the command line (`nil`: not given).
public struct StartingFlags: Sendable, Equatable {
    public var path: String?
    public var config: String?
    public var url: String?
    public var remote: String?
    public var source: String?
    public var target: String?
    public var componentsDirectory: String?
    public var revision: String?

    public init(path: String? = nil, config: String? = nil, url: String? = nil, remote: String? = nil,
                source: String? = nil, target: String? = nil, componentsDirectory: String? = nil,
                revision: String? = nil) {
        self.path = path
        self.config = config
        self.url = url
        self.remote = remote
        self.source = source
        self.target = target
        self.componentsDirectory = componentsDirectory
        self.revision = revision
    }

    /// Where to look for the config file: from these flags or the defaults, since the file cannot move what
    /// finds it.
    public var configRequest: ConfigLoader.Request {
        let defaults = PromoteOptions()
        return ConfigLoader.Request(explicitPath: config, repositoryPath: path ?? defaults.repositoryPath,
                                    remote: remote ?? defaults.remote, sourceBranch: source ?? defaults.sourceBranch)
    }

    /// Overwrites `options` with each flag given.
    public func apply(to options: inout PromoteOptions) {
        if let path { options.repositoryPath = path }
        if let url { options.remoteURL = url }
        if let remote { options.remote = remote }
        if let source { options.sourceBranch = source }
        if let target { options.targetBranch = target }
        if let componentsDirectory { options.componentsDirectory = componentsDirectory }
        if let revision { options.revision = revision }
    }
}
