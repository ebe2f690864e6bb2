import Foundation
import Testing
@testable import Promote

/// `staging.kustomizations` in the config file: an explicit list replaces discovery.
@Suite struct VerifyExplicitKustomizationsTests {
    private func verify(_ cluster: Flux.Cluster, _ keys: [String]?) throws -> StagingVerification {
        let request = StagingVerificationRequest(
            repositoryURL: Flux.cloneURL, sourceBranch: "main", revision: Line.r, now: Date(timeIntervalSince1970: 1_755_252_660),
            kustomizations: keys?.map { FluxObjectKey(namespace: "flux-system", name: $0) })
        return try StagingVerifier.verify(request, snapshots: [try cluster.snapshot], graph: Line.graph)
    }

    @Test("only the listed Kustomizations are verified: a broken one outside the list does not matter")
    func listedOnly() throws {
        var cluster = Flux.Cluster()
        cluster[kustomization: "apps"].suspend = true
        #expect(try verify(cluster, nil).report.status == .failed)
        let result = try verify(cluster, ["monitoring-controllers", "cluster-sync"])
        #expect(result.report.status == .reconciled)
        #expect(result.report.clusters[0].objects.map(\.name) == ["cluster-sync", "monitoring-controllers", "kube-prometheus-stack"])
    }

    @Test("a listed Kustomization the cluster lacks, or one that reads another source, fails with its name")
    func missingOrForeign() throws {
        var cluster = Flux.Cluster()
        var other = Flux.Kustomization("tenants", path: "./tenants")
        other.sourceRef = ["kind": "GitRepository", "name": "tenants"]
        cluster.kustomizations.append(other)
        let result = try verify(cluster, ["apps", "tenants", "gone"])
        #expect(result.report.status == .failed)
        #expect(result.failureSummary.contains("staging-1 flux-system/gone: listed in staging.kustomizations but not in the cluster status"))
        #expect(result.failureSummary.contains { $0.hasPrefix("staging-1 flux-system/tenants: listed in staging.kustomizations, but its spec.sourceRef names GitRepository flux-system/tenants, not GitRepository flux-system/flux-system") })
        let objects = result.report.clusters[0].objects
        #expect(objects.first { $0.name == "gone" }.map { [$0.kind, $0.reason] } == ["Kustomization", "NotFound"])
        #expect(objects.first { $0.name == "tenants" }.map { [$0.kind, $0.reason] } == ["Kustomization", "SourceMismatch"])
        #expect(result.report.clusters[0].objects.first { $0.name == "apps" }?.ready == true)
    }
}
