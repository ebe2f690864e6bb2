import Foundation
import Testing
@testable import Promote

/// Verification of `Line.r` against clusters built with `Flux.Cluster`.
@Suite struct VerifyStagingVerifierTests {
    static let now = Date(timeIntervalSince1970: 1_755_252_660) // 2025-08-15T10:11:00Z

    private func verify(_ clusters: [Flux.Cluster], revision: ObjectID = Line.r, minimumSoak: TimeInterval? = nil,
                        componentsDirectory: String = "components", graph: FakeRevisionGraph = Line.graph) throws -> StagingVerification {
        let request = StagingVerificationRequest(repositoryURL: Flux.cloneURL, sourceBranch: "main", revision: revision,
                                                 componentsDirectory: componentsDirectory, minimumSoak: minimumSoak, now: Self.now)
        return try StagingVerifier.verify(request, snapshots: clusters.map { try $0.snapshot }, graph: graph)
    }

    private func verify(_ cluster: Flux.Cluster, minimumSoak: TimeInterval? = nil) throws -> StagingVerification {
        try verify([cluster], minimumSoak: minimumSoak)
    }

    /// The cluster with one Kustomization changed.
    private func cluster(_ name: String, _ change: (inout Flux.Kustomization) -> Void) -> Flux.Cluster {
        var cluster = Flux.Cluster()
        change(&cluster[kustomization: name])
        return cluster
    }

    private func object(_ result: StagingVerification, _ name: String, cluster: Int = 0) throws -> ObjectVerification {
        try #require(result.report.clusters[cluster].objects.first { $0.name == name })
    }

    // MARK: Reconciled

    @Test func everyObjectAtTheRevisionIsReconciled() throws {
        let result = try verify(Flux.Cluster())
        #expect(result.report.status == .reconciled)
        #expect(result.isReconciled)
        #expect(result.problems.isEmpty)
        #expect(result.error == nil)
        #expect(result.report.clusters.map(\.name) == ["staging-1"])
        #expect(result.report.clusters[0].revision == Line.r.hex)
        #expect(result.report.clusters[0].objects == [
            ObjectVerification(kind: "Kustomization", namespace: "flux-system", name: "apps", ready: true,
                               reason: "ReconciliationSucceeded", message: "Applied revision: main@sha1:\(Line.r.hex)"),
            ObjectVerification(kind: "Kustomization", namespace: "flux-system", name: "cluster-sync", ready: true,
                               reason: "ReconciliationSucceeded", message: "Applied revision: main@sha1:\(Line.r.hex)"),
            ObjectVerification(kind: "Kustomization", namespace: "flux-system", name: "monitoring-configs", ready: true,
                               reason: "ReconciliationSucceeded", message: "Applied revision: main@sha1:\(Line.r.hex)"),
            ObjectVerification(kind: "Kustomization", namespace: "flux-system", name: "monitoring-controllers", ready: true,
                               reason: "ReconciliationSucceeded", message: "Applied revision: main@sha1:\(Line.r.hex)"),
            ObjectVerification(kind: "HelmRelease", namespace: "monitoring", name: "kube-prometheus-stack", ready: true,
                               reason: "UpgradeSucceeded",
                               message: "Helm upgrade succeeded for release monitoring/kube-prometheus-stack.v4 with chart kube-prometheus-stack@66.2.1"),
        ])
    }

    @Test(arguments: ["main@sha1:", "refs/heads/main@sha1:", "main/"])
    func everyRevisionFormatNamesTheRevision(prefix: String) throws {
        let result = try verify(cluster("apps") { $0.lastAppliedRevision = prefix + Line.r.hex })
        #expect(result.report.status == .reconciled)
        #expect(result.report.clusters[0].revision == Line.r.hex)
    }

    @Test func aDescendantWithTheSameComponentTreeCounts() throws {
        // components/monitoring is the same at r and d, although d changes components/apps.
        let result = try verify(cluster("monitoring-configs") { $0.lastAppliedRevision = Flux.revision(Line.d) })
        #expect(result.report.status == .reconciled)
        #expect(try object(result, "monitoring-configs").message.contains(
            "applied main@sha1:\(Line.d.prefix(12)), a descendant of \(Line.r.prefix(12)) with the same components/monitoring"))
        #expect(result.report.clusters[0].revision == Line.r.hex)
    }

    @Test func aDescendantWithTheSamePathOutsideComponentsCounts() throws {
        let result = try verify(cluster("cluster-sync") { $0.lastAppliedRevision = Flux.revision(Line.e) })
        #expect(result.report.status == .reconciled)
    }

    @Test func aDescendantThatChangesTheComponentIsPending() throws {
        let result = try verify(cluster("apps") { $0.lastAppliedRevision = Flux.revision(Line.d) })
        #expect(result.report.status == .pending)
        #expect(result.problems.map(\.reason) == [VerifierReason.revisionSuperseded])
        #expect(result.failureSummary == [
            "staging-1 flux-system/apps: applied main@sha1:\(Line.d.prefix(12)), a newer revision that changes components/apps, so \(Line.r.prefix(12)) no longer runs here; verify a newer revision; Ready=True ReconciliationSucceeded: Applied revision: main@sha1:\(Line.r.hex)",
        ])
    }

    @Test func theWholeComponentFolderDecidesNotJustTheOverlay() throws {
        // With the components root elsewhere, ./components/monitoring/configs/staging stands for itself,
        // and that overlay is the same at r and e.
        let result = try verify([cluster("monitoring-configs") { $0.lastAppliedRevision = Flux.revision(Line.e) }],
                                componentsDirectory: "platform")
        #expect(result.report.status == .reconciled)
        // Under components/, the whole components/monitoring folder changed between r and e.
        let strict = try verify(cluster("monitoring-configs") { $0.lastAppliedRevision = Flux.revision(Line.e) })
        #expect(strict.report.status == .pending)
        #expect((try #require(strict.problems.first)).detail.contains("changes components/monitoring"))
    }

    @Test func theRepositoryRootIsTheFolderOfAnEmptyPath() throws {
        let result = try verify(cluster("cluster-sync") {
            $0.path = "./"
            $0.lastAppliedRevision = Flux.revision(Line.d)
        })
        #expect(result.report.status == .pending)
        #expect((try #require(result.problems.first)).detail.contains("changes the repository root"))
    }

    // MARK: Revisions that do not count

    @Test func anOlderRevisionIsPending() throws {
        let result = try verify(cluster("apps") { $0.lastAppliedRevision = Flux.revision(Line.b) })
        #expect(result.report.status == .pending)
        #expect(result.problems.map(\.reason) == [VerifierReason.revisionPending])
        #expect((try #require(result.failureSummary.first)).hasPrefix(
            "staging-1 flux-system/apps: applied main@sha1:\(Line.b.prefix(12)), older than \(Line.r.prefix(12)): not reconciled yet; Ready=True ReconciliationSucceeded"))
        #expect(result.report.clusters[0].revision == Line.b.hex)
        #expect(try object(result, "apps").ready == false)
        #expect(try object(result, "monitoring-configs").ready)
    }

    @Test func aRevisionOffTheLineFails() throws {
        let result = try verify(cluster("apps") { $0.lastAppliedRevision = Flux.revision(Line.x) })
        #expect(result.report.status == .failed)
        #expect(result.problems.map(\.reason) == [VerifierReason.revisionMismatch])
        #expect((try #require(result.failureSummary.first)).contains("which is not on the history of \(Line.r.prefix(12))"))
        #expect(result.report.clusters[0].revision == nil)
    }

    @Test func aRevisionTheCloneLacksIsPendingAndSaysToFetch() throws {
        let result = try verify(cluster("apps") { $0.lastAppliedRevision = Flux.revision(Line.unfetched) })
        #expect(result.report.status == .pending)
        #expect(result.problems.map(\.reason) == [VerifierReason.revisionUnknown])
        #expect((try #require(result.failureSummary.first)).contains("which the local clone does not have; fetch main and retry"))
        #expect(result.report.clusters[0].revision == nil)
    }

    @Test func aRevisionOfAnotherBranchFails() throws {
        let result = try verify(cluster("apps") { $0.lastAppliedRevision = Flux.revision(Line.r, branch: "production") })
        #expect(result.report.status == .failed)
        #expect((try #require(result.failureSummary.first)).contains("applied production@sha1:\(Line.r.prefix(12)), which is not from branch main"))
    }

    @Test func noAppliedRevisionIsPending() throws {
        let result = try verify(cluster("apps") { $0.lastAppliedRevision = nil })
        #expect(result.report.status == .pending)
        #expect((try #require(result.failureSummary.first)).hasPrefix("staging-1 flux-system/apps: has not applied a revision yet; Ready=True"))
    }

    @Test func anOlderRevisionBehindAFailingSourceFails() throws {
        var broken = cluster("apps") { $0.lastAppliedRevision = Flux.revision(Line.b) }
        broken.gitRepositories[0].ready = .notReady("GitOperationFailed", "failed to checkout and determine revision: unable to clone 'ssh://git@git.example.com/platform/keos-system-services.git': ssh: handshake failed")
        let result = try verify(broken)
        #expect(result.report.status == .failed)
        #expect(result.failureSummary == [
            "staging-1 flux-system/apps: applied main@sha1:\(Line.b.prefix(12)), older than \(Line.r.prefix(12)), and its GitRepository flux-system/flux-system cannot fetch: Ready=False GitOperationFailed: failed to checkout and determine revision: unable to clone 'ssh://git@git.example.com/platform/keos-system-services.git': ssh: handshake failed",
        ])
    }

    @Test func anOlderRevisionBehindASuspendedSourceFails() throws {
        var stuck = cluster("apps") { $0.lastAppliedRevision = Flux.revision(Line.b) }
        stuck.gitRepositories[0].suspend = true
        let result = try verify(stuck)
        #expect(result.report.status == .failed)
        #expect((try #require(result.problems.first)).reason == VerifierReason.suspended)
    }

    // MARK: Health of the Kustomization

    @Test func aSuspendedKustomizationFails() throws {
        let result = try verify(cluster("apps") { $0.suspend = true })
        #expect(result.report.status == .failed)
        #expect(result.problems.map(\.reason) == [VerifierReason.suspended])
        #expect(result.failureSummary == [
            "staging-1 flux-system/apps: suspended (spec.suspend: true); Ready=True ReconciliationSucceeded: Applied revision: main@sha1:\(Line.r.hex)",
        ])
    }

    @Test func aStaleGenerationIsPending() throws {
        let result = try verify(cluster("apps") { $0.generation = 4 })
        #expect(result.report.status == .pending)
        #expect(result.problems.map(\.reason) == [VerifierReason.staleGeneration])
        #expect((try #require(result.failureSummary.first)).hasPrefix("staging-1 flux-system/apps: generation 4 not reconciled yet (observedGeneration 1); Ready=True"))
    }

    @Test func readyFalseFailsNamingReasonAndMessage() throws {
        let message = "health check failed after 5m0s: timeout waiting for: [PrometheusRule/monitoring/kube-prometheus-stack-alerts status: 'InProgress']"
        let result = try verify(cluster("monitoring-configs") { $0.conditions = [.notReady("HealthCheckFailed", message)] })
        #expect(result.report.status == .failed)
        #expect(result.failureSummary == ["staging-1 flux-system/monitoring-configs: Ready=False HealthCheckFailed: \(message)"])
        #expect(try object(result, "monitoring-configs") == ObjectVerification(
            kind: "Kustomization", namespace: "flux-system", name: "monitoring-configs", ready: false,
            reason: "HealthCheckFailed", message: "Ready=False HealthCheckFailed: \(message)"))
        #expect(result.error == PromoteError(.notVerified, "staging has not reconciled \(Line.r.prefix(12)) (failed, 1 problem): staging-1 flux-system/monitoring-configs: Ready=False HealthCheckFailed: \(message)"))
    }

    @Test func readyFalseForANewGenerationFailsAlthoughObservedGenerationLags() throws {
        let result = try verify(cluster("apps") {
            $0.generation = 2
            $0.conditions = [.notReady("BuildFailed", "kustomize build failed: accumulating resources", generation: 2)]
        })
        #expect(result.report.status == .failed)
        #expect((try #require(result.problems.first)).reason == "BuildFailed")
    }

    @Test func readyFalseLeftFromAnOlderGenerationIsPending() throws {
        let result = try verify(cluster("apps") {
            $0.generation = 2
            $0.conditions = [.notReady("BuildFailed", "kustomize build failed", generation: 1)]
        })
        #expect(result.report.status == .pending)
        #expect((try #require(result.problems.first)).reason == VerifierReason.staleGeneration)
    }

    @Test func dependencyNotReadyIsPending() throws {
        let result = try verify(cluster("monitoring-configs") {
            $0.conditions = [.notReady("DependencyNotReady", "dependency 'flux-system/monitoring-controllers' is not ready")]
        })
        #expect(result.report.status == .pending)
        #expect(result.failureSummary == ["staging-1 flux-system/monitoring-configs: Ready=False DependencyNotReady: dependency 'flux-system/monitoring-controllers' is not ready"])
    }

    @Test func reconcilingIsPending() throws {
        let result = try verify(cluster("apps") {
            $0.conditions = [.reconciling(Flux.revision(Line.d)), .readyUnknown()]
        })
        #expect(result.report.status == .pending)
        #expect(result.failureSummary == ["staging-1 flux-system/apps: Reconciling=True Progressing: Fetching manifests for revision main@sha1:\(Line.d.hex) with a timeout of 4m30s"])
    }

    @Test func readyUnknownIsPending() throws {
        let result = try verify(cluster("apps") { $0.conditions = [.readyUnknown()] })
        #expect(result.report.status == .pending)
        #expect(result.failureSummary == ["staging-1 flux-system/apps: Ready=Unknown Progressing: Reconciliation in progress"])
    }

    @Test func stalledFails() throws {
        let result = try verify(cluster("apps") {
            $0.conditions = [.stalled("InvalidPathError", "spec.path './components/apps/stagin' not found"),
                             .notReady("InvalidPathError", "spec.path './components/apps/stagin' not found")]
        })
        #expect(result.report.status == .failed)
        #expect(result.failureSummary == ["staging-1 flux-system/apps: Stalled=True InvalidPathError: spec.path './components/apps/stagin' not found"])
    }

    @Test func neverReconciledIsPending() throws {
        let result = try verify(cluster("apps") { $0.observedGeneration = nil })
        #expect(result.report.status == .pending)
        #expect(result.failureSummary == ["staging-1 flux-system/apps: not reconciled yet (no status)"])
    }

    @Test func controlCharactersInMessagesAreEscaped() throws {
        let result = try verify(cluster("apps") {
            $0.conditions = [.notReady("ReconciliationFailed", "Deployment/apps/web dry-run failed:\n\u{1B}[31mfield is immutable")]
        })
        #expect(result.failureSummary == [#"staging-1 flux-system/apps: Ready=False ReconciliationFailed: Deployment/apps/web dry-run failed:\n\u{1B}[31mfield is immutable"#])
        #expect(try object(result, "apps").message.contains("\n"))
    }

    // MARK: HelmReleases

    @Test func aFailingHelmReleaseFails() throws {
        var failing = Flux.Cluster()
        failing.helmReleases[0].generation = 2
        failing.helmReleases[0].observedGeneration = 2
        failing.helmReleases[0].conditions = [
            .notReady("UpgradeFailed", "Helm upgrade failed for release monitoring/kube-prometheus-stack with chart kube-prometheus-stack@66.3.0: context deadline exceeded", generation: 2),
        ]
        let result = try verify(failing)
        #expect(result.report.status == .failed)
        #expect(result.failureSummary == ["staging-1 HelmRelease monitoring/kube-prometheus-stack: Ready=False UpgradeFailed: Helm upgrade failed for release monitoring/kube-prometheus-stack with chart kube-prometheus-stack@66.3.0: context deadline exceeded"])
        #expect((try #require(result.problems.first)).kind == "HelmRelease")
        #expect(try object(result, "kube-prometheus-stack").ready == false)
        #expect(try object(result, "monitoring-controllers").ready)
    }

    @Test func aHelmReleaseWithAStaleGenerationIsPending() throws {
        var behind = Flux.Cluster()
        behind.helmReleases[0].generation = 2
        let result = try verify(behind)
        #expect(result.report.status == .pending)
        #expect(result.problems.map(\.reason) == [VerifierReason.staleGeneration])
    }

    @Test func aSuspendedHelmReleaseFails() throws {
        var suspended = Flux.Cluster()
        suspended.helmReleases[0].suspend = true
        let result = try verify(suspended)
        #expect(result.report.status == .failed)
        #expect(result.problems.map(\.reason) == [VerifierReason.suspended])
    }

    @Test func aMissingHelmReleaseFails() throws {
        var missing = Flux.Cluster()
        missing.helmReleases = [Flux.HelmRelease("tenants/podinfo")]
        let result = try verify(missing)
        #expect(result.report.status == .failed)
        #expect(result.failureSummary == ["staging-1 HelmRelease monitoring/kube-prometheus-stack: in the inventory of Kustomization flux-system/monitoring-controllers but not in the cluster status"])
        #expect(try object(result, "kube-prometheus-stack").reason == VerifierReason.notFound)
    }

    @Test func helmReleasesOutsideTheInventoriesAreNotChecked() throws {
        var unrelated = Flux.Cluster()
        var other = Flux.HelmRelease("tenants/podinfo")
        other.conditions = [.notReady("InstallFailed", "Helm install failed")]
        unrelated.helmReleases.append(other)
        let result = try verify(unrelated)
        #expect(result.report.status == .reconciled)
        #expect(result.report.clusters[0].objects.count == 5)
    }

    // MARK: Discovery

    @Test func onlyKustomizationsOfThisRepositoryAndBranchAreChecked() throws {
        var cluster = Flux.Cluster()
        cluster.gitRepositories.append(Flux.GitRepository(name: "podinfo", url: "https://github.com/stefanprodan/podinfo", ref: ["branch": "master"]))
        cluster.gitRepositories.append(Flux.GitRepository(name: "keos-production", url: Flux.repositoryURL, ref: ["branch": "production"]))
        var foreign = Flux.Kustomization("podinfo", path: "./kustomize", applied: Line.x)
        foreign.sourceRef = ["kind": "GitRepository", "name": "podinfo"]
        foreign.conditions = [.notReady("HealthCheckFailed", "timeout")]
        var production = Flux.Kustomization("production-apps", path: "./components/apps/production", applied: Line.a)
        production.sourceRef = ["kind": "GitRepository", "name": "keos-production"]
        var oci = Flux.Kustomization("oci", path: "./", applied: Line.a)
        oci.sourceRef = ["kind": "OCIRepository", "name": "flux-system"]
        cluster.kustomizations += [foreign, production, oci]
        let result = try verify(cluster)
        #expect(result.report.status == .reconciled)
        #expect(result.report.clusters[0].objects.map(\.name) == ["apps", "cluster-sync", "monitoring-configs", "monitoring-controllers", "kube-prometheus-stack"])
    }

    @Test func sourceReferencesAcrossNamespacesAreFollowed() throws {
        var cluster = Flux.Cluster()
        var tenant = Flux.Kustomization("tenant-apps", path: "./components/apps/staging", applied: Line.b)
        tenant.namespace = "apps"
        tenant.sourceRef = ["kind": "GitRepository", "name": "flux-system", "namespace": "flux-system"]
        var local = Flux.Kustomization("local", path: "./components/apps/staging", applied: Line.x)
        local.namespace = "apps"
        cluster.kustomizations += [tenant, local] // `local` names apps/flux-system, which does not exist
        let result = try verify(cluster)
        #expect(result.report.status == .pending)
        #expect(result.failureSummary.count == 1)
        #expect((try #require(result.failureSummary.first)).hasPrefix("staging-1 apps/tenant-apps: applied main@sha1:\(Line.b.prefix(12))"))
    }

    @Test func aClusterWithoutThisRepositoryIsAConfigurationError() throws {
        var other = Flux.Cluster()
        other.gitRepositories = [
            Flux.GitRepository(url: "https://x-access-token:ghp_secret@git.example.com/platform/other-services.git"),
            Flux.GitRepository(name: "podinfo", url: "https://github.com/stefanprodan/podinfo", ref: ["tag": "6.5.3"]),
        ]
        #expect(throws: PromoteError(.badInput, "staging-1: no GitRepository tracks git@git.example.com:platform/keos-system-services.git@main; GitRepositories seen: flux-system/flux-system https://git.example.com/platform/other-services.git@main, flux-system/podinfo https://github.com/stefanprodan/podinfo@tag 6.5.3")) {
            try verify(other)
        }
    }

    @Test func aClusterTrackingAnotherBranchIsAConfigurationError() throws {
        var production = Flux.Cluster(name: "prod-1")
        production.gitRepositories[0].ref = ["branch": "production"]
        #expect(throws: PromoteError(.badInput, "prod-1: no GitRepository tracks git@git.example.com:platform/keos-system-services.git@main; GitRepositories seen: flux-system/flux-system ssh://git@git.example.com/platform/keos-system-services.git@production")) {
            try verify(production)
        }
    }

    @Test func aClusterWithoutGitRepositoriesSaysSo() throws {
        var empty = Flux.Cluster()
        empty.gitRepositories = []
        #expect(throws: PromoteError(.badInput, "staging-1: no GitRepository tracks git@git.example.com:platform/keos-system-services.git@main; GitRepositories seen: none")) {
            try verify(empty)
        }
    }

    @Test func noKustomizationUsingTheRepositoryFails() throws {
        var bare = Flux.Cluster()
        bare.kustomizations = []
        bare.helmReleases = []
        let result = try verify(bare)
        #expect(result.report.status == .failed)
        #expect(result.report.clusters == [ClusterVerification(name: "staging-1", revision: nil, objects: [])])
        #expect(result.failureSummary == ["staging-1: no Kustomization has a spec.sourceRef naming GitRepository flux-system/flux-system (the GitRepository that tracks git@git.example.com:platform/keos-system-services.git@main); nothing to verify"])
        #expect(result.problems.map(\.reason) == [VerifierReason.noKustomizations])
        #expect(result.error?.kind == .notVerified)
    }

    @Test func noSnapshotIsBadInput() throws {
        #expect(throws: PromoteError(.badInput, "no staging cluster status to verify git@git.example.com:platform/keos-system-services.git@main against")) {
            try verify([])
        }
    }

    @Test func aRevisionTheCloneLacksIsBadInput() throws {
        #expect(throws: PromoteError(.badInput, "revision \(Line.unfetched.hex) is not in the local clone; fetch main first")) {
            try verify([Flux.Cluster()], revision: Line.unfetched)
        }
    }

    // MARK: Several clusters

    @Test func everyClusterMustHaveReconciled() throws {
        var second = Flux.Cluster(name: "staging-2")
        second[kustomization: "apps"].lastAppliedRevision = Flux.revision(Line.b)
        let result = try verify([Flux.Cluster(), second])
        #expect(result.report.status == .pending)
        #expect(result.report.clusters.map(\.name) == ["staging-1", "staging-2"])
        #expect(result.report.clusters.map(\.revision) == [Line.r.hex, Line.b.hex])
        #expect(result.problems.map(\.cluster) == ["staging-2"])
    }

    @Test func failedOutweighsPending() throws {
        var first = Flux.Cluster()
        first[kustomization: "apps"].lastAppliedRevision = Flux.revision(Line.b)
        var second = Flux.Cluster(name: "staging-2")
        second[kustomization: "apps"].suspend = true
        let result = try verify([first, second])
        #expect(result.report.status == .failed)
        #expect(result.problems.map(\.severity) == [.pending, .failed])
        #expect(result.error?.message.contains("(failed, 2 problems): staging-1 flux-system/apps: applied") == true)
        #expect(result.error?.message.contains("; staging-2 flux-system/apps: suspended") == true)
    }

    // MARK: Soak time

    private func soaking(_ history: [Flux.History]?) -> Flux.Cluster {
        var cluster = Flux.Cluster()
        for index in cluster.kustomizations.indices {
            cluster.kustomizations[index].history = [Flux.History(revision: Flux.revision(Line.r),
                                                                  firstReconciled: Self.now - 3 * 3600, lastReconciled: Self.now - 60)]
        }
        cluster[kustomization: "monitoring-configs"].history = history
        return cluster
    }

    @Test func soakTimeMet() throws {
        let result = try verify(soaking([Flux.History(revision: Flux.revision(Line.r), firstReconciled: Self.now - 2 * 3600,
                                                      lastReconciled: Self.now - 60)]), minimumSoak: 3600)
        #expect(result.report.status == .reconciled)
        #expect(try object(result, "monitoring-configs").message.hasSuffix("; running \(Line.r.prefix(12)) since 2025-08-15T08:11:00Z"))
    }

    @Test func soakTimeNotMetIsPending() throws {
        let result = try verify(soaking([Flux.History(revision: Flux.revision(Line.r), firstReconciled: Self.now - 20 * 60,
                                                      lastReconciled: Self.now - 60)]), minimumSoak: 3600)
        #expect(result.report.status == .pending)
        #expect(result.failureSummary == ["staging-1 flux-system/monitoring-configs: has run \(Line.r.prefix(12)) for 20m (since 2025-08-15T09:51:00Z); --min-soak 1h is met at 2025-08-15T10:51:00Z"])
    }

    @Test func soakTimeCountsFromTheEarliestEntryThatCountsAsTheRevision() throws {
        let history = [
            Flux.History(revision: Flux.revision(Line.d), firstReconciled: Self.now - 10 * 60, lastReconciled: Self.now - 60),
            Flux.History(revision: Flux.revision(Line.r), firstReconciled: Self.now - 50 * 60, lastReconciled: Self.now - 11 * 60),
            // Failed reconciliations and older revisions do not count.
            Flux.History(revision: Flux.revision(Line.r), firstReconciled: Self.now - 5 * 3600, lastReconciled: Self.now - 51 * 60,
                         status: "HealthCheckFailed"),
            Flux.History(revision: Flux.revision(Line.b), firstReconciled: Self.now - 9 * 3600, lastReconciled: Self.now - 6 * 3600),
        ]
        var cluster = soaking(history)
        cluster[kustomization: "monitoring-configs"].lastAppliedRevision = Flux.revision(Line.d)
        #expect(try verify([cluster], minimumSoak: 45 * 60).report.status == .reconciled)
        let result = try verify([cluster], minimumSoak: 55 * 60)
        #expect(result.report.status == .pending)
        #expect((try #require(result.failureSummary.first)).contains("for 50m (since 2025-08-15T09:21:00Z)"))
    }

    @Test func aDescendantThatChangesTheComponentDoesNotCountForSoakTime() throws {
        // The entry for e (components/monitoring changed since r) is the oldest but does not count.
        let history = [
            Flux.History(revision: Flux.revision(Line.e), firstReconciled: Self.now - 9 * 3600, lastReconciled: Self.now - 60),
            Flux.History(revision: Flux.revision(Line.r), firstReconciled: Self.now - 30 * 60, lastReconciled: Self.now - 60),
        ]
        let result = try verify(soaking(history), minimumSoak: 3600)
        #expect(result.report.status == .pending)
        #expect((try #require(result.problems.first)).reason == VerifierReason.soakPending)
    }

    @Test func soakTimeWithoutAnEntryForTheRevisionIsPending() throws {
        let result = try verify(soaking([Flux.History(revision: Flux.revision(Line.b), firstReconciled: Self.now - 9 * 3600,
                                                      lastReconciled: Self.now - 60)]), minimumSoak: 3600)
        #expect(result.report.status == .pending)
        #expect(result.failureSummary == ["staging-1 flux-system/monitoring-configs: status.history has no successful reconciliation of \(Line.r.prefix(12)) yet, so --min-soak 1h is not met"])
    }

    @Test func soakTimeWithoutHistoryFails() throws {
        let result = try verify(soaking(nil), minimumSoak: 90 * 60)
        #expect(result.report.status == .failed)
        #expect(result.failureSummary == ["staging-1 flux-system/monitoring-configs: records no status.history (kustomize-controller of Flux before 2.7), so --min-soak 1h30m cannot be checked"])
    }

    @Test func soakTimeIsOnlyCheckedWhenAsked() throws {
        #expect(try verify(soaking(nil)).report.status == .reconciled)
    }
}
