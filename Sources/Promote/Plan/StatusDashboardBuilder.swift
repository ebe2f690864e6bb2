import CGit2
import Foundation

extension PromotionService {
    /// Fills the `status` dashboard: per environment its tip and what its clusters run (staging from the
    /// verification, production from `productionStatusFiles` when given), and what waits for promotion with
    /// the age of the oldest waiting commit, measured at `context.now()`.
    func addDashboard(to report: inout PromotionReport, state: PreparedState) throws {
        let staging = EnvironmentStatus(name: "staging", branch: options.sourceBranch, tip: state.sourceTip,
                                        clusters: report.verification.clusters.map { .init(name: $0.name, revision: $0.revision) })
        let production = EnvironmentStatus(name: "production", branch: options.targetBranch, tip: state.plan.targetTip,
                                           clusters: try productionClusters(warnings: &report.warnings))
        report.environments = [staging, production]

        let waiting = try repository.commits(from: state.sourceTip, excluding: state.plan.targetTip)
        let included = try repository.commits(from: state.revision, excluding: state.plan.targetTip).count
        var summary = WaitingSummary(commits: waiting.count, included: included, components: report.components.map(\.name))
        var oldest: (id: ObjectID, time: Int64)?
        for id in waiting {
            let time = try repository.commitTime(id)
            if oldest == nil || time < oldest!.time { oldest = (id, time) }
        }
        if let oldest {
            summary.oldestCommit = oldest.id
            summary.oldestCommitTime = oldest.time
            summary.oldestAgeSeconds = max(0, Int64(context.now().timeIntervalSince1970) - oldest.time)
        }
        report.waiting = summary
    }

    /// What each production cluster runs of the target branch; a cluster whose status does not describe this
    /// repository's target branch is listed as unknown, with a warning.
    private func productionClusters(warnings: inout [String]) throws -> [EnvironmentStatus.Cluster] {
        guard !options.productionStatusFiles.isEmpty else { return [] }
        let snapshots = try StagingStatusLoader.load(options.productionStatusFiles)
        guard let url = repository.remoteURL(options.remote) else {
            warnings.append("remote '\(options.remote)' has no URL, so production's GitRepositories cannot be matched")
            return snapshots.map { .init(name: $0.name, revision: nil) }
        }
        let scope = StagingScope(repositoryURL: url, branch: options.targetBranch)
        return try snapshots.map { snapshot in
            do {
                let discovery = try StagingDiscovery(snapshot: snapshot, scope: scope)
                return .init(name: snapshot.name,
                             revision: try StagingVerifier.clusterRevision(discovery, branch: options.targetBranch, graph: repository))
            } catch let error as PromoteError {
                warnings.append("production status: \(error.message)")
                return .init(name: snapshot.name, revision: nil)
            }
        }
    }
}

extension Repository {
    /// The committer time of a commit, seconds since 1970.
    func commitTime(_ id: ObjectID) throws -> Int64 {
        let owned = try lookupCommit(id)
        return Int64(git_commit_time(owned.pointer))
    }
}
