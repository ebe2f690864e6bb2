/// One reason a revision does not count as reconciled on staging.
public struct VerificationProblem: Sendable, Equatable {
    public enum Severity: String, Sendable, Equatable {
        /// Not there yet; waiting may fix it.
        case pending
        /// Unhealthy, suspended or off the revision's line; a person is needed.
        case failed
    }

    public var cluster: String
    /// `Kustomization` or `HelmRelease`; `nil` for a problem of the cluster as a whole.
    public var kind: String?
    public var object: FluxObjectKey?
    public var severity: Severity
    /// A Flux condition reason, or one of `VerifierReason`.
    public var reason: String
    /// What is wrong, naming the condition reason and message, e.g. `Ready=False HealthCheckFailed: …`.
    public var detail: String

    public init(cluster: String, kind: String?, object: FluxObjectKey?, severity: Severity, reason: String, detail: String) {
        self.cluster = cluster
        self.kind = kind
        self.object = object
        self.severity = severity
        self.reason = reason
        self.detail = detail
    }

    /// `staging-1 flux-system/monitoring-configs: Ready=False HealthCheckFailed: …` on one line, with control
    /// characters from cluster messages escaped; HelmReleases are named `HelmRelease ns/name`.
    public var line: String {
        var subject = cluster
        if let object {
            subject += kind == "HelmRelease" ? " HelmRelease \(object)" : " \(object)"
        }
        return DisplayText.escaped("\(subject): \(detail)")
    }
}

/// The reasons verification gives when no Flux condition decided.
public enum VerifierReason {
    /// `spec.suspend` is true.
    public static let suspended = "Suspended"
    /// The object has no status, or no `Ready` condition, yet.
    public static let notReconciled = "NotReconciled"
    /// `status.observedGeneration` is behind `metadata.generation`.
    public static let staleGeneration = "StaleGeneration"
    /// The object has not applied the revision yet (an older revision, or none).
    public static let revisionPending = "RevisionPending"
    /// A newer revision that changes what the object applies replaced the revision.
    public static let revisionSuperseded = "RevisionSuperseded"
    /// The applied revision is not on the revision's line of history, or not from the source branch.
    public static let revisionMismatch = "RevisionMismatch"
    /// The applied revision is not in the local clone.
    public static let revisionUnknown = "RevisionUnknown"
    /// `--min-soak` is not met yet.
    public static let soakPending = "SoakPending"
    /// `--min-soak` was asked but the object records no history.
    public static let historyMissing = "HistoryMissing"
    /// A HelmRelease in a Kustomization's inventory, or a configured Kustomization, is absent from the cluster status.
    public static let notFound = "NotFound"
    /// A configured Kustomization reads a source other than this repository's source branch.
    public static let sourceMismatch = "SourceMismatch"
    /// No Kustomization on the cluster uses a GitRepository of this repository's source branch.
    public static let noKustomizations = "NoKustomizations"
}
