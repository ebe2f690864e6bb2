import Foundation

/// Namespace and name of a Flux object; what `kubectl` shows as `namespace/name`.
public struct FluxObjectKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(namespace)/\(name)" }

    public static func < (lhs: FluxObjectKey, rhs: FluxObjectKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}

/// One entry of `status.conditions`, as Flux controllers write it.
public struct FluxCondition: Sendable, Equatable {
    /// `Ready`, `Reconciling`, `Stalled`, `Healthy`, `Released`, …
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: String
    public var reason: String
    public var message: String
    /// The generation this condition speaks for, when the controller recorded it.
    public var observedGeneration: Int64?
    /// As written (RFC 3339); kept for display only.
    public var lastTransitionTime: String?

    public init(type: String, status: String, reason: String = "", message: String = "",
                observedGeneration: Int64? = nil, lastTransitionTime: String? = nil) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.observedGeneration = observedGeneration
        self.lastTransitionTime = lastTransitionTime
    }

    public var isTrue: Bool { status == "True" }
    public var isFalse: Bool { status == "False" }
}

/// The generation bookkeeping and conditions every Flux object reports.
public struct FluxObjectStatus: Sendable, Equatable {
    /// `status.observedGeneration`; `nil` when the controller never wrote a status.
    public var observedGeneration: Int64?
    public var conditions: [FluxCondition]

    public init(observedGeneration: Int64? = nil, conditions: [FluxCondition] = []) {
        self.observedGeneration = observedGeneration
        self.conditions = conditions
    }

    /// The condition of the given type, if reported.
    public func condition(_ type: String) -> FluxCondition? {
        conditions.first { $0.type == type }
    }
}

/// What `spec.ref` of a GitRepository asks for.
public struct GitReference: Sendable, Equatable {
    public var branch: String?
    public var tag: String?
    public var semver: String?
    public var name: String?
    public var commit: String?

    public init(branch: String? = nil, tag: String? = nil, semver: String? = nil, name: String? = nil, commit: String? = nil) {
        self.branch = branch
        self.tag = tag
        self.semver = semver
        self.name = name
        self.commit = commit
    }

    /// The branch whose tip the source follows, or `nil` when it is pinned to a commit, tag or semver range.
    ///
    /// Follows Flux's precedence (`commit` > `name` > `semver` > `tag` > `branch`); an absent ref means
    /// `master`, as the source-controller defaults it.
    public var trackedBranch: String? {
        if nonEmpty(commit) != nil { return nil }
        if let name = nonEmpty(name) {
            return name.hasPrefix("refs/heads/") ? String(name.dropFirst("refs/heads/".count)) : nil
        }
        if nonEmpty(semver) != nil || nonEmpty(tag) != nil { return nil }
        return nonEmpty(branch) ?? "master"
    }

    /// A short human form such as `branch main` or `tag v1.2.0`.
    public var description: String {
        if let commit = nonEmpty(commit) { return "commit \(commit.prefix(12))" }
        if let name = nonEmpty(name) { return "ref \(name)" }
        if let semver = nonEmpty(semver) { return "semver \(semver)" }
        if let tag = nonEmpty(tag) { return "tag \(tag)" }
        return "branch \(trackedBranch ?? "master")"
    }

    private func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}

/// A `source.toolkit.fluxcd.io` GitRepository.
public struct GitRepositoryObject: Sendable, Equatable {
    public var key: FluxObjectKey
    public var generation: Int64?
    /// `spec.url` as written.
    public var url: String
    public var reference: GitReference
    public var suspended: Bool
    public var status: FluxObjectStatus

    public init(key: FluxObjectKey, generation: Int64? = nil, url: String, reference: GitReference = GitReference(),
                suspended: Bool = false, status: FluxObjectStatus = FluxObjectStatus()) {
        self.key = key
        self.generation = generation
        self.url = url
        self.reference = reference
        self.suspended = suspended
        self.status = status
    }
}

/// `spec.sourceRef` of a Kustomization, with the namespace defaulted to the Kustomization's own.
public struct SourceReference: Sendable, Equatable {
    public var kind: String
    public var key: FluxObjectKey

    public init(kind: String, key: FluxObjectKey) {
        self.kind = kind
        self.key = key
    }
}

/// One object a Kustomization applied, from `status.inventory.entries`.
public struct InventoryEntry: Sendable, Equatable {
    /// `<namespace>_<name>_<group>_<kind>`.
    public var id: String
    /// The API version (`v`).
    public var version: String

    public init(id: String, version: String = "") {
        self.id = id
        self.version = version
    }

    /// The parts of `id`; `nil` when it does not have the four parts Flux writes.
    public var parts: (namespace: String, name: String, group: String, kind: String)? {
        let fields = id.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 4, !fields[1].isEmpty, !fields[3].isEmpty else { return nil }
        return (fields[0], fields[1], fields[2], fields[3])
    }
}

/// One entry of a Kustomization's `status.history`: a digest of applied manifests and when it was reconciled.
public struct ReconciliationRecord: Sendable, Equatable {
    public var digest: String
    public var firstReconciled: Date
    public var lastReconciled: Date
    /// The reconciliation outcome, e.g. `ReconciliationSucceeded` or `HealthCheckFailed`.
    public var lastReconciledStatus: String
    public var totalReconciliations: Int64
    /// `metadata.revision`: the source revision of the latest reconciliation with this digest.
    public var revision: String?

    public init(digest: String, firstReconciled: Date, lastReconciled: Date, lastReconciledStatus: String,
                totalReconciliations: Int64 = 1, revision: String?) {
        self.digest = digest
        self.firstReconciled = firstReconciled
        self.lastReconciled = lastReconciled
        self.lastReconciledStatus = lastReconciledStatus
        self.totalReconciliations = totalReconciliations
        self.revision = revision
    }

    /// Whether this reconciliation applied the manifests and passed health checks.
    public var succeeded: Bool { lastReconciledStatus == "ReconciliationSucceeded" }
}

/// A `kustomize.toolkit.fluxcd.io` Kustomization.
public struct KustomizationObject: Sendable, Equatable {
    public var key: FluxObjectKey
    public var generation: Int64?
    public var sourceRef: SourceReference
    /// `spec.path` as written (`""` means the root of the source).
    public var path: String
    public var suspended: Bool
    public var status: FluxObjectStatus
    public var lastAppliedRevision: String?
    public var lastAttemptedRevision: String?
    public var inventory: [InventoryEntry]
    /// `status.history`; `nil` when the controller does not record one (Flux before 2.7).
    public var history: [ReconciliationRecord]?

    public init(key: FluxObjectKey, generation: Int64? = nil, sourceRef: SourceReference, path: String = "",
                suspended: Bool = false, status: FluxObjectStatus = FluxObjectStatus(),
                lastAppliedRevision: String? = nil, lastAttemptedRevision: String? = nil,
                inventory: [InventoryEntry] = [], history: [ReconciliationRecord]? = nil) {
        self.key = key
        self.generation = generation
        self.sourceRef = sourceRef
        self.path = path
        self.suspended = suspended
        self.status = status
        self.lastAppliedRevision = lastAppliedRevision
        self.lastAttemptedRevision = lastAttemptedRevision
        self.inventory = inventory
        self.history = history
    }

    /// The HelmReleases this Kustomization applied, from its inventory, sorted.
    public var helmReleaseKeys: [FluxObjectKey] {
        inventory.compactMap { entry in
            guard let parts = entry.parts, parts.group == FluxAPIGroup.helm, parts.kind == "HelmRelease" else { return nil }
            return FluxObjectKey(namespace: parts.namespace, name: parts.name)
        }.sorted()
    }
}

/// A `helm.toolkit.fluxcd.io` HelmRelease.
public struct HelmReleaseObject: Sendable, Equatable {
    public var key: FluxObjectKey
    public var generation: Int64?
    public var suspended: Bool
    public var status: FluxObjectStatus

    public init(key: FluxObjectKey, generation: Int64? = nil, suspended: Bool = false, status: FluxObjectStatus = FluxObjectStatus()) {
        self.key = key
        self.generation = generation
        self.suspended = suspended
        self.status = status
    }
}

/// The API groups of the Flux kinds verification reads.
public enum FluxAPIGroup {
    public static let source = "source.toolkit.fluxcd.io"
    public static let kustomize = "kustomize.toolkit.fluxcd.io"
    public static let helm = "helm.toolkit.fluxcd.io"
}

/// The Flux objects of one staging cluster at one moment, whatever they were read from.
public struct ClusterSnapshot: Sendable, Equatable {
    /// The cluster name used in reports and messages.
    public var name: String
    public var gitRepositories: [GitRepositoryObject]
    public var kustomizations: [KustomizationObject]
    public var helmReleases: [HelmReleaseObject]

    public init(name: String, gitRepositories: [GitRepositoryObject] = [], kustomizations: [KustomizationObject] = [],
                helmReleases: [HelmReleaseObject] = []) {
        self.name = name
        self.gitRepositories = gitRepositories
        self.kustomizations = kustomizations
        self.helmReleases = helmReleases
    }

    /// Sorts decoded objects into a snapshot.
    public init(name: String, objects: [FluxObject]) {
        self.init(name: name)
        for object in objects {
            switch object {
            case .gitRepository(let repository): gitRepositories.append(repository)
            case .kustomization(let kustomization): kustomizations.append(kustomization)
            case .helmRelease(let release): helmReleases.append(release)
            }
        }
    }

    /// The HelmRelease with this key, if the snapshot holds it.
    public func helmRelease(_ key: FluxObjectKey) -> HelmReleaseObject? {
        helmReleases.first { $0.key == key }
    }
}

/// One Flux object of a kind verification reads.
public enum FluxObject: Sendable, Equatable {
    case gitRepository(GitRepositoryObject)
    case kustomization(KustomizationObject)
    case helmRelease(HelmReleaseObject)
}
