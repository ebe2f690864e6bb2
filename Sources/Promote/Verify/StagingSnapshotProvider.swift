import Foundation

/// Where the service reads staging's Flux objects from: `--staging-status` files, or each cluster's API.
public protocol StagingSnapshotProvider: Sendable {
    /// Reads every staging cluster now: one snapshot each, in a stable order, with warnings to show.
    ///
    /// Called again for every poll of `verify --wait`. Throws `PromoteError`: `.badInput` for configuration
    /// (a malformed file or kubeconfig), `.runtime` for a cluster that cannot be read.
    func readSnapshots() throws(PromoteError) -> StagingSnapshots
}

/// What one read of the staging clusters returned.
public struct StagingSnapshots: Sendable, Equatable {
    public var clusters: [ClusterSnapshot]
    /// Notes for stderr, e.g. that a cluster's TLS is not verified.
    public var warnings: [String]

    public init(clusters: [ClusterSnapshot], warnings: [String] = []) {
        self.clusters = clusters
        self.warnings = warnings
    }
}

/// `--staging-status` files, one per cluster.
public struct StagingStatusFiles: StagingSnapshotProvider {
    public var arguments: [String]

    public init(_ arguments: [String]) {
        self.arguments = arguments
    }

    public func readSnapshots() throws(PromoteError) -> StagingSnapshots {
        StagingSnapshots(clusters: try StagingStatusLoader.load(arguments))
    }
}
