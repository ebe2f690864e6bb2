import Foundation

/// Outcome of staging verification as a whole.
public enum VerificationStatus: String, Codable, Sendable {
    /// Every Kustomization on every cluster applied the revision and is healthy.
    case reconciled
    /// Not there yet: older revision, reconciling, stale generation (retry later).
    case pending
    /// Unhealthy or suspended, or nothing to verify against.
    case failed
    /// `--skip-verify` was given.
    case skipped
}

/// What one Flux object says about the revision.
public struct ObjectVerification: Codable, Sendable, Equatable {
    public var kind: String
    public var namespace: String
    public var name: String
    public var ready: Bool
    public var reason: String
    public var message: String

    public init(kind: String, namespace: String, name: String, ready: Bool, reason: String, message: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.ready = ready
        self.reason = reason
        self.message = message
    }
}

/// What one staging cluster says.
public struct ClusterVerification: Codable, Sendable, Equatable {
    public var name: String
    /// The revision this cluster runs (the oldest its Kustomizations applied), when known.
    public var revision: String?
    public var objects: [ObjectVerification]

    public init(name: String, revision: String?, objects: [ObjectVerification]) {
        self.name = name
        self.revision = revision
        self.objects = objects
    }

    private enum CodingKeys: String, CodingKey { case name, revision, objects }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(revision, forKey: .revision)
        try container.encode(objects, forKey: .objects)
    }
}

/// The verification section of a report.
public struct VerificationReport: Codable, Sendable, Equatable {
    public var status: VerificationStatus
    public var clusters: [ClusterVerification]

    public init(status: VerificationStatus, clusters: [ClusterVerification]) {
        self.status = status
        self.clusters = clusters
    }

    public static let skipped = VerificationReport(status: .skipped, clusters: [])
}
