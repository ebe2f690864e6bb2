import Foundation

/// The settings of a `.keos-promote.yaml`: every value optional, because flags and defaults fill the rest.
///
/// Paths in it are already resolved (see `ConfigParser`): relative to the file's folder for a file on disk.
public struct PromoteConfig: Sendable, Equatable {
    public var remote: String?
    public var sourceBranch: String?
    public var targetBranch: String?
    public var componentsDirectory: String?
    public var environmentFolders: EnvironmentFolders?
    public var staging = Staging()
    public var production = Production()
    public var merge = Merge()
    public var signing: SigningSettings?
    public var proposal: ProposalSettings?

    public init() {}

    /// Staging clusters and what to verify on them.
    public struct Staging: Sendable, Equatable {
        public var kubeconfig: String?
        public var contexts: [String]?
        /// `FILE` or `NAME=FILE`, as `--staging-status` takes them.
        public var statusFiles: [String]?
        /// Replaces discovery when set.
        public var kustomizations: [FluxObjectKey]?
        /// Seconds.
        public var minimumSoak: TimeInterval?

        public init() {}
    }

    /// Production clusters, for `status`.
    public struct Production: Sendable, Equatable {
        /// `FILE` or `NAME=FILE`.
        public var statusFiles: [String]?

        public init() {}
    }

    /// How the target is written.
    public struct Merge: Sendable, Equatable {
        public var policy: FastForwardPolicy?
        public var retries: Int?

        public init() {}
    }

    /// Copies every value the file sets into `options`; flags are applied afterwards, so they win.
    public func apply(to options: inout PromoteOptions) {
        if let remote { options.remote = remote }
        if let sourceBranch { options.sourceBranch = sourceBranch }
        if let targetBranch { options.targetBranch = targetBranch }
        if let componentsDirectory { options.componentsDirectory = componentsDirectory }
        if let environmentFolders { options.environmentFolders = environmentFolders }
        if let kubeconfig = staging.kubeconfig { options.kubeconfig = kubeconfig }
        if let contexts = staging.contexts { options.contexts = contexts }
        if let files = staging.statusFiles { options.stagingStatusFiles = files }
        if let kustomizations = staging.kustomizations { options.stagingKustomizations = kustomizations }
        if let soak = staging.minimumSoak { options.minimumSoak = soak }
        if let files = production.statusFiles { options.productionStatusFiles = files }
        if let policy = merge.policy { options.fastForward = policy }
        if let retries = merge.retries { options.retries = retries }
        if let signing { options.signing = signing }
        if let proposal { options.proposal = proposal }
    }
}

/// Commit signing as asked for (`--sign`, `--signing-key`, config `signing`); `CommitSigner.resolve` fills the
/// gaps from git's configuration.
public struct SigningSettings: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable {
        case openpgp, ssh
    }

    /// Whether merge commits are signed (`--sign`, `signing.enabled`).
    public var enabled: Bool
    /// `nil`: git's `gpg.format`, else OpenPGP.
    public var format: Format?
    /// Key id (OpenPGP), key file or literal public key (SSH); `nil`: git's `user.signingkey`.
    public var key: String?

    public init(enabled: Bool = false, format: Format? = nil, key: String? = nil) {
        self.enabled = enabled
        self.format = format
        self.key = key
    }

    /// Whether `key` is an SSH public key itself (`ssh-ed25519 AAAA…`), not a file.
    public static func isLiteralSSHKey(_ key: String) -> Bool {
        ["ssh-", "ecdsa-", "sk-ssh-", "sk-ecdsa-"].contains { key.hasPrefix($0) } && key.contains(" ")
    }

    /// Whether `key` names a key file (to resolve like other paths): with format SSH, anything but a literal
    /// public key; with no format (git's `gpg.format` decides), only what starts like a path (`~/`, `./`, `../`).
    public static func isKeyFile(_ key: String, format: Format?) -> Bool {
        if key.hasPrefix("key::") || isLiteralSSHKey(key) { return false }
        switch format {
        case .ssh: return true
        case .openpgp: return false
        case nil: return ["~/", "./", "../"].contains { key.hasPrefix($0) }
        }
    }
}

/// Where `--propose` opens pull requests.
public struct ProposalSettings: Sendable, Equatable {
    public enum Provider: String, Sendable, CaseIterable {
        case github, gitlab
    }

    /// `nil`: guessed from the remote's host.
    public var provider: Provider?
    /// `nil`: the provider's public API.
    public var apiURL: String?
    /// `OWNER/NAME`; `nil`: from the remote URL.
    public var repository: String?

    public init(provider: Provider? = nil, apiURL: String? = nil, repository: String? = nil) {
        self.provider = provider
        self.apiURL = apiURL
        self.repository = repository
    }
}
