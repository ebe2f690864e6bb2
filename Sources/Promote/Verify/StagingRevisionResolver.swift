/// Finds the revision staging reports as applied (SPEC pipeline step 3, without `--revision`).
///
/// Every discovered Kustomization's `lastAppliedRevision` of the source branch is collected over all
/// clusters. When they lie on one line of history the oldest is the answer (the newest every Kustomization
/// has reached; the descendant rule then decides for those further ahead). Revisions of other branches or
/// in other formats are left out here; verification reports them.
public enum StagingRevisionResolver {
    /// The oldest applied revision, when all applied revisions lie on one line of history.
    ///
    /// - Throws: `PromoteError(.badInput)` when a snapshot has no GitRepository tracking the branch (as
    ///   `StagingDiscovery`); `PromoteError(.notVerified)` when no Kustomization applied a revision yet, when
    ///   an applied revision is missing from the local clone (fetch), or when the revisions diverge, naming
    ///   each cluster, object and revision.
    public static func resolve(scope: StagingScope, snapshots: [ClusterSnapshot], graph: some RevisionGraph) throws -> ObjectID {
        guard !snapshots.isEmpty else {
            throw PromoteError(.badInput, "no staging cluster status to read the applied revision of \(scope.searchedFor) from")
        }
        var reports: [Report] = []
        var clustersWithoutKustomizations: [String] = []
        for snapshot in snapshots {
            let discovery = try StagingDiscovery(snapshot: snapshot, scope: scope)
            if discovery.kustomizations.isEmpty { clustersWithoutKustomizations.append(snapshot.name) }
            for kustomization in discovery.kustomizations {
                guard let text = kustomization.lastAppliedRevision, let applied = AppliedRevision(text),
                      applied.branch == scope.branch else { continue }
                reports.append(Report(cluster: snapshot.name, object: kustomization.key, revision: applied))
            }
        }
        guard !reports.isEmpty else {
            let clusters = snapshots.map(\.name).joined(separator: ", ")
            let empty = clustersWithoutKustomizations.isEmpty ? ""
                : "; no Kustomization uses a GitRepository tracking it on \(clustersWithoutKustomizations.joined(separator: ", "))"
            throw PromoteError(.notVerified, "no Kustomization on \(clusters) has applied a revision of \(scope.searchedFor) yet\(empty)")
        }
        let missing = reports.filter { !graph.containsCommit($0.revision.commit) }
        guard missing.isEmpty else {
            throw PromoteError(.notVerified, "staging applied revisions the local clone does not have (\(missing.map(\.text).joined(separator: ", "))); fetch \(scope.branch) and retry")
        }
        guard let oldest = try RevisionLine.oldest(of: reports.map(\.revision.commit), graph: graph) else {
            throw PromoteError(.notVerified, "staging applied revisions that are not on one line of history: \(grouped(reports)); wait until staging converges, or pass --revision")
        }
        return oldest
    }

    /// `main@sha1:… on staging-1 flux-system/apps; main@sha1:… on staging-1 flux-system/infra, …`, in order of appearance.
    private static func grouped(_ reports: [Report]) -> String {
        var order: [AppliedRevision] = []
        var objects: [AppliedRevision: [String]] = [:]
        for report in reports {
            if objects[report.revision] == nil { order.append(report.revision) }
            objects[report.revision, default: []].append("\(report.cluster) \(report.object)")
        }
        return order.map { "\($0) on \(objects[$0]!.joined(separator: ", "))" }.joined(separator: "; ")
    }

    /// One Kustomization's applied revision.
    private struct Report {
        var cluster: String
        var object: FluxObjectKey
        var revision: AppliedRevision

        /// `staging-1 flux-system/apps main@sha1:0123456789ab`.
        var text: String { "\(cluster) \(object) \(revision)" }
    }
}
