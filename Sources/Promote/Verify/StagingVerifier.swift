import Foundation

/// What to verify: that revision R of this repository's source branch is reconciled on staging.
public struct StagingVerificationRequest: Sendable, Equatable {
    public var scope: StagingScope
    /// R.
    public var revision: ObjectID
    /// The components root (`--components-dir`), which decides the folder the descendant rule compares.
    public var componentsDirectory: String
    /// `--min-soak`: how long R must have been applied, when asked.
    public var minimumSoak: TimeInterval?
    /// The moment the soak time is measured against.
    public var now: Date

    public init(repositoryURL: String, sourceBranch: String, revision: ObjectID, componentsDirectory: String = "components",
                minimumSoak: TimeInterval? = nil, now: Date, kustomizations: [FluxObjectKey]? = nil) {
        scope = StagingScope(repositoryURL: repositoryURL, branch: sourceBranch, kustomizations: kustomizations)
        self.revision = revision
        self.componentsDirectory = componentsDirectory
        self.minimumSoak = minimumSoak
        self.now = now
    }
}

/// The outcome of staging verification: the report section and the problems behind it.
public struct StagingVerification: Sendable, Equatable {
    public var revision: ObjectID
    public var report: VerificationReport
    /// In report order: per cluster, cluster-wide problems first, then Kustomizations, then HelmReleases.
    public var problems: [VerificationProblem]

    public var isReconciled: Bool { report.status == .reconciled }

    /// One line per problem, e.g. `staging-1 flux-system/monitoring-configs: Ready=False HealthCheckFailed: …`.
    public var failureSummary: [String] { problems.map(\.line) }

    /// `PromoteError(.notVerified)` listing every problem on one line; `nil` when reconciled.
    public var error: PromoteError? {
        guard !isReconciled else { return nil }
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        return PromoteError(.notVerified, "staging has not reconciled \(revision.prefix(12)) (\(report.status.rawValue), \(count)): \(failureSummary.joined(separator: "; "))")
    }
}

/// Decides whether revision R counts as reconciled on every staging cluster (SPEC "Staging verification").
///
/// A pure function of the cluster snapshots, the request and the repository's history. Per cluster, every
/// discovered Kustomization (see `StagingDiscovery`) must be healthy (see `ObjectHealth`), have applied R or
/// a descendant with the same applied folder (see `RevisionStanding`), and, with `--min-soak`, have run it
/// long enough (see `SoakTime`); every HelmRelease in its inventory must exist and be healthy.
///
/// Pending versus failed, beyond `ObjectHealth`:
/// - pending: no revision applied yet; an older revision; a revision missing from the local clone (fetch);
///   a newer revision that changes the applied folder (R's content no longer runs; a later run resolves a
///   newer revision); soak time not reached, or no history entry for R yet;
/// - failed: a revision of another branch, or one off R's line of history; an older revision while the
///   GitRepository is suspended or failing (it cannot move on by itself); a HelmRelease missing from the
///   status; `--min-soak` with no `status.history` at all; a cluster where no Kustomization uses the
///   repository's GitRepository.
/// The report is `failed` if any problem failed, else `pending` if any is pending, else `reconciled`.
public enum StagingVerifier {
    /// Verifies `request` against `snapshots` (one per staging cluster).
    ///
    /// - Throws: `PromoteError(.badInput)` when there is no snapshot, when R is not in the local clone, or
    ///   when a snapshot has no GitRepository tracking this repository's source branch; errors of `graph` as
    ///   they come.
    public static func verify(_ request: StagingVerificationRequest, snapshots: [ClusterSnapshot],
                              graph: some RevisionGraph) throws -> StagingVerification {
        guard !snapshots.isEmpty else {
            throw PromoteError(.badInput, "no staging cluster status to verify \(request.scope.searchedFor) against")
        }
        guard graph.containsCommit(request.revision) else {
            throw PromoteError(.badInput, "revision \(request.revision.hex) is not in the local clone; fetch \(request.scope.branch) first")
        }
        var clusters: [ClusterVerification] = []
        var problems: [VerificationProblem] = []
        for snapshot in snapshots {
            let discovery = try StagingDiscovery(snapshot: snapshot, scope: request.scope)
            var check = ClusterCheck(request: request, snapshot: snapshot, discovery: discovery, graph: graph)
            try check.run()
            clusters.append(ClusterVerification(name: snapshot.name,
                                                revision: try clusterRevision(discovery, branch: request.scope.branch, graph: graph),
                                                objects: check.objects))
            problems += check.problems
        }
        let status: VerificationStatus = problems.contains { $0.severity == .failed } ? .failed
            : problems.isEmpty ? .reconciled : .pending
        return StagingVerification(revision: request.revision, report: VerificationReport(status: status, clusters: clusters),
                                   problems: problems)
    }

    /// The oldest revision of the source branch the cluster's Kustomizations applied (hex); `nil` when none
    /// did, or when their revisions cannot be ordered (missing from the clone, or not on one line).
    static func clusterRevision(_ discovery: StagingDiscovery, branch: String, graph: some RevisionGraph) throws -> String? {
        let commits = discovery.kustomizations
            .compactMap { $0.lastAppliedRevision.flatMap(AppliedRevision.init) }
            .filter { $0.branch == branch }
            .map(\.commit)
        if Set(commits).count == 1 { return commits[0].hex }
        guard !commits.isEmpty, commits.allSatisfy(graph.containsCommit) else { return nil }
        return try RevisionLine.oldest(of: commits, graph: graph)?.hex
    }
}

/// The checks of one cluster, collecting report entries and problems in order.
private struct ClusterCheck<Graph: RevisionGraph> {
    let request: StagingVerificationRequest
    let snapshot: ClusterSnapshot
    let discovery: StagingDiscovery
    let graph: Graph
    private(set) var objects: [ObjectVerification] = []
    private(set) var problems: [VerificationProblem] = []

    init(request: StagingVerificationRequest, snapshot: ClusterSnapshot, discovery: StagingDiscovery, graph: Graph) {
        self.request = request
        self.snapshot = snapshot
        self.discovery = discovery
        self.graph = graph
    }

    private var revisionText: String { request.revision.prefix(12) }

    mutating func run() throws {
        for key in discovery.missing {
            record(kind: "Kustomization", key: key, .problem(.failed, reason: VerifierReason.notFound,
                                                             detail: "listed in staging.kustomizations but not in the cluster status"))
        }
        for kustomization in discovery.foreign {
            record(kind: "Kustomization", key: kustomization.key, .problem(.failed, reason: VerifierReason.sourceMismatch,
                                                                            detail: discovery.foreignDetail(kustomization)))
        }
        guard !discovery.kustomizations.isEmpty || !problems.isEmpty else {
            problems.append(VerificationProblem(cluster: snapshot.name, kind: nil, object: nil, severity: .failed,
                                                reason: VerifierReason.noKustomizations, detail: discovery.noKustomizationsDetail))
            return
        }
        var releases: [(key: FluxObjectKey, owner: FluxObjectKey)] = []
        for kustomization in discovery.kustomizations {
            try record(kind: "Kustomization", key: kustomization.key, checkKustomization(kustomization))
            for key in kustomization.helmReleaseKeys where !releases.contains(where: { $0.key == key }) {
                releases.append((key, kustomization.key))
            }
        }
        for release in releases.sorted(by: { $0.key < $1.key }) {
            record(kind: "HelmRelease", key: release.key, checkHelmRelease(release.key, owner: release.owner))
        }
    }

    /// A verdict on one object: accepted with a message, or a problem.
    private enum Outcome {
        case accepted(reason: String, message: String)
        case problem(VerificationProblem.Severity, reason: String, detail: String)
    }

    private mutating func record(kind: String, key: FluxObjectKey, _ outcome: Outcome) {
        switch outcome {
        case .accepted(let reason, let message):
            objects.append(ObjectVerification(kind: kind, namespace: key.namespace, name: key.name, ready: true,
                                              reason: reason, message: message))
        case .problem(let severity, let reason, let detail):
            objects.append(ObjectVerification(kind: kind, namespace: key.namespace, name: key.name, ready: false,
                                              reason: reason, message: detail))
            problems.append(VerificationProblem(cluster: snapshot.name, kind: kind, object: key, severity: severity,
                                                reason: reason, detail: detail))
        }
    }

    private func checkKustomization(_ kustomization: KustomizationObject) throws -> Outcome {
        let health = ObjectHealth.assess(suspended: kustomization.suspended, generation: kustomization.generation,
                                         status: kustomization.status)
        switch health.verdict {
        case .failed: return .problem(.failed, reason: health.reason, detail: health.detail)
        case .pending: return .problem(.pending, reason: health.reason, detail: health.detail)
        case .healthy: break
        }
        let folder = AppliedFolder.folder(forSpecPath: kustomization.path, componentsDirectory: request.componentsDirectory)
        let standing = try RevisionStanding.of(kustomization.lastAppliedRevision, revision: request.revision,
                                               branch: request.scope.branch, folder: folder, graph: graph)
        let ready = "; " + ConditionText.ready(kustomization.status.condition("Ready"))
        let branch = request.scope.branch
        switch standing {
        case .exact:
            return try soak(kustomization, folder: folder, accepted: .accepted(reason: health.reason, message: health.detail))
        case .sameContentDescendant(let applied, let folder):
            let note = "applied \(applied), a descendant of \(revisionText) with the same \(Self.name(of: folder))"
            return try soak(kustomization, folder: folder,
                            accepted: .accepted(reason: health.reason, message: health.detail.isEmpty ? note : "\(health.detail) (\(note))"))
        case .none:
            return sourceBlocked(kustomization) ?? .problem(.pending, reason: VerifierReason.revisionPending,
                                                             detail: "has not applied a revision yet" + ready)
        case .older(let applied):
            return sourceBlocked(kustomization, applied: applied) ?? .problem(
                .pending, reason: VerifierReason.revisionPending,
                detail: "applied \(applied), older than \(revisionText): not reconciled yet" + ready)
        case .unknown(let applied):
            return .problem(.pending, reason: VerifierReason.revisionUnknown,
                            detail: "applied \(applied), which the local clone does not have; fetch \(branch) and retry" + ready)
        case .changedDescendant(let applied, let folder):
            return .problem(.pending, reason: VerifierReason.revisionSuperseded,
                            detail: "applied \(applied), a newer revision that changes \(Self.name(of: folder)), so \(revisionText) no longer runs here; verify a newer revision" + ready)
        case .diverged(let applied):
            return .problem(.failed, reason: VerifierReason.revisionMismatch,
                            detail: "applied \(applied), which is not on the history of \(revisionText) (neither an ancestor nor a descendant)" + ready)
        case .otherBranch(let applied):
            return .problem(.failed, reason: VerifierReason.revisionMismatch,
                            detail: "applied \(applied), which is not from branch \(branch)" + ready)
        case .unreadable(let text):
            return .problem(.failed, reason: VerifierReason.revisionMismatch,
                            detail: "lastAppliedRevision \(text) is not a Git revision of branch \(branch)" + ready)
        }
    }

    /// A failed outcome when the Kustomization cannot move on because its GitRepository is suspended or failing.
    private func sourceBlocked(_ kustomization: KustomizationObject, applied: AppliedRevision? = nil) -> Outcome? {
        guard let source = discovery.source(of: kustomization) else { return nil }
        let health = ObjectHealth.assess(suspended: source.suspended, generation: source.generation, status: source.status)
        guard health.verdict == .failed else { return nil }
        let state = applied.map { "applied \($0), older than \(revisionText)" } ?? "has not applied a revision"
        return .problem(.failed, reason: health.reason,
                        detail: "\(state), and its GitRepository \(source.key) cannot fetch: \(health.detail)")
    }

    /// `accepted`, unless `--min-soak` is asked and not met.
    private func soak(_ kustomization: KustomizationObject, folder: String, accepted: Outcome) throws -> Outcome {
        guard let minimum = request.minimumSoak else { return accepted }
        let soak = try SoakTime.assess(history: kustomization.history, minimum: minimum, now: request.now) { text in
            try RevisionStanding.of(text, revision: request.revision, branch: request.scope.branch, folder: folder, graph: graph)
                .countsAsRevision
        }
        let asked = "--min-soak \(TimeText.duration(minimum))"
        switch soak {
        case .met(let since):
            guard case .accepted(let reason, let message) = accepted else { return accepted }
            return .accepted(reason: reason, message: "\(message); running \(revisionText) since \(TimeText.time(since))")
        case .notYet(let since, let metAt):
            return .problem(.pending, reason: VerifierReason.soakPending,
                            detail: "has run \(revisionText) for \(TimeText.duration(request.now.timeIntervalSince(since))) (since \(TimeText.time(since))); \(asked) is met at \(TimeText.time(metAt))")
        case .noHistory:
            return .problem(.failed, reason: VerifierReason.historyMissing,
                            detail: "records no status.history (kustomize-controller of Flux before 2.7), so \(asked) cannot be checked")
        case .noEntry:
            return .problem(.pending, reason: VerifierReason.soakPending,
                            detail: "status.history has no successful reconciliation of \(revisionText) yet, so \(asked) is not met")
        }
    }

    private func checkHelmRelease(_ key: FluxObjectKey, owner: FluxObjectKey) -> Outcome {
        guard let release = snapshot.helmRelease(key) else {
            return .problem(.failed, reason: VerifierReason.notFound,
                            detail: "in the inventory of Kustomization \(owner) but not in the cluster status")
        }
        let health = ObjectHealth.assess(suspended: release.suspended, generation: release.generation, status: release.status)
        switch health.verdict {
        case .healthy: return .accepted(reason: health.reason, message: health.detail)
        case .pending: return .problem(.pending, reason: health.reason, detail: health.detail)
        case .failed: return .problem(.failed, reason: health.reason, detail: health.detail)
        }
    }

    /// `components/monitoring`, or `the repository root` for `""`.
    private static func name(of folder: String) -> String {
        folder.isEmpty ? "the repository root" : folder
    }
}
