import Foundation
import Testing
import TestSupport

@Suite struct SupportFluxStatusFixtureTests {
    let url = "https://git.example.com/platform/keos-system-services.git"
    let sha = "0123456789abcdef0123456789abcdef01234567"

    private func items(_ fixture: FluxStatusFixture) throws -> [[String: Any]] {
        let list = try #require(JSONSerialization.jsonObject(with: Data(fixture.json().utf8)) as? [String: Any])
        #expect(list["apiVersion"] as? String == "v1")
        #expect(list["kind"] as? String == "List")
        return try #require(list["items"] as? [[String: Any]])
    }

    private func find(_ items: [[String: Any]], _ kind: String, _ name: String) -> [String: Any]? {
        items.first { $0["kind"] as? String == kind && ($0["metadata"] as? [String: Any])?["name"] as? String == name }
    }

    @Test func healthyStatusHasFluxShape() throws {
        let fixture = FluxStatusFixture(repositoryURL: url)
            .kustomization(
                name: "observability-controllers", path: "components/observability/controllers/staging", appliedRevision: sha,
                helmReleases: [.init(name: "metrics-server", namespace: "monitoring", version: "3.12.2")])
        let items = try items(fixture)
        #expect(items.map { $0["kind"] as? String } == ["GitRepository", "Kustomization", "HelmRelease"])

        let repo = try #require(find(items, "GitRepository", "flux-system"))
        #expect(repo["apiVersion"] as? String == "source.toolkit.fluxcd.io/v1")
        let repoSpec = try #require(repo["spec"] as? [String: Any])
        #expect(repoSpec["url"] as? String == url)
        #expect((repoSpec["ref"] as? [String: Any])?["branch"] as? String == "main")
        let artifact = try #require((repo["status"] as? [String: Any])?["artifact"] as? [String: Any])
        #expect(artifact["revision"] as? String == "main@sha1:\(sha)")

        let ks = try #require(find(items, "Kustomization", "observability-controllers"))
        #expect(ks["apiVersion"] as? String == "kustomize.toolkit.fluxcd.io/v1")
        let spec = try #require(ks["spec"] as? [String: Any])
        #expect(spec["path"] as? String == "components/observability/controllers/staging")
        #expect((spec["sourceRef"] as? [String: Any])?["kind"] as? String == "GitRepository")
        #expect((spec["sourceRef"] as? [String: Any])?["name"] as? String == "flux-system")
        #expect(spec["suspend"] == nil)
        let status = try #require(ks["status"] as? [String: Any])
        #expect(status["lastAppliedRevision"] as? String == "main@sha1:\(sha)")
        #expect(status["lastAttemptedRevision"] as? String == "main@sha1:\(sha)")
        #expect(status["observedGeneration"] as? Int == 1)
        #expect((ks["metadata"] as? [String: Any])?["generation"] as? Int == 1)
        let ready = try #require((status["conditions"] as? [[String: Any]])?.first)
        #expect(ready["type"] as? String == "Ready")
        #expect(ready["status"] as? String == "True")
        #expect(ready["reason"] as? String == "ReconciliationSucceeded")
        #expect(ready["message"] as? String == "Applied revision: main@sha1:\(sha)")
        #expect(ready["lastTransitionTime"] as? String == "2024-06-01T11:00:00Z")
        let entries = try #require((status["inventory"] as? [String: Any])?["entries"] as? [[String: Any]])
        #expect(entries.contains { $0["id"] as? String == "monitoring_metrics-server_helm.toolkit.fluxcd.io_HelmRelease" && $0["v"] as? String == "v2" })
        #expect(entries.contains { $0["id"] as? String == "_monitoring__Namespace" })
        let history = try #require(status["history"] as? [[String: Any]])
        #expect((history.first?["metadata"] as? [String: Any])?["revision"] as? String == "main@sha1:\(sha)")
        #expect(history.first?["firstReconciled"] as? String == "2024-06-01T11:00:00Z")

        let release = try #require(find(items, "HelmRelease", "metrics-server"))
        #expect(release["apiVersion"] as? String == "helm.toolkit.fluxcd.io/v2")
        let labels = (release["metadata"] as? [String: Any])?["labels"] as? [String: String]
        #expect(labels?["kustomize.toolkit.fluxcd.io/name"] == "observability-controllers")
        let releaseStatus = try #require(release["status"] as? [String: Any])
        #expect(releaseStatus["observedGeneration"] as? Int == 1)
        let releaseReady = (releaseStatus["conditions"] as? [[String: Any]])?.first { $0["type"] as? String == "Ready" }
        #expect(releaseReady?["status"] as? String == "True")
        #expect((releaseReady?["message"] as? String)?.contains("metrics-server@3.12.2") == true)
    }

    @Test func unhealthyVariants() throws {
        let fixture = FluxStatusFixture(repositoryURL: url)
            .kustomization(name: "monitoring-configs", path: "./components/monitoring/configs/staging", appliedRevision: "aaaa",
                           attemptedRevision: sha, revisionFormat: .legacy, ready: false, reason: "HealthCheckFailed",
                           message: "timeout waiting for: [HelmRelease/monitoring/kps status: 'InProgress']",
                           suspended: true, generation: 3, observedGeneration: 2, history: [])
            .helmRelease(name: "kps", namespace: "monitoring", ready: nil, generation: 4, observedGeneration: 3)
        let items = try items(fixture)
        let ks = try #require(find(items, "Kustomization", "monitoring-configs"))
        #expect((ks["spec"] as? [String: Any])?["suspend"] as? Bool == true)
        let status = try #require(ks["status"] as? [String: Any])
        #expect(status["lastAppliedRevision"] as? String == "main/aaaa")
        #expect(status["lastAttemptedRevision"] as? String == "main/\(sha)")
        #expect(status["observedGeneration"] as? Int == 2)
        #expect(status["history"] == nil)
        let ready = (status["conditions"] as? [[String: Any]])?.first { $0["type"] as? String == "Ready" }
        #expect(ready?["status"] as? String == "False")
        #expect(ready?["reason"] as? String == "HealthCheckFailed")

        let release = try #require(find(items, "HelmRelease", "kps"))
        let releaseStatus = try #require(release["status"] as? [String: Any])
        #expect(releaseStatus["observedGeneration"] as? Int == 3)
        #expect((release["metadata"] as? [String: Any])?["generation"] as? Int == 4)
        let releaseReady = (releaseStatus["conditions"] as? [[String: Any]])?.first { $0["type"] as? String == "Ready" }
        #expect(releaseReady?["status"] as? String == "Unknown")
    }

    @Test func builderReplacesRemovesAndIsDeterministic() throws {
        let base = FluxStatusFixture(repositoryURL: url)
            .kustomization(name: "b", path: "components/b/staging", appliedRevision: sha,
                           helmReleases: [.init(name: "rel", namespace: "b")])
            .kustomization(name: "a", path: "components/a/staging", appliedRevision: sha, revisionFormat: .refsHeads)
        let broken = base.helmRelease(name: "rel", namespace: "b", ready: false)
        #expect(base.json() == base.json())
        #expect(broken.json() != base.json())
        #expect(broken.helmReleases.count == 1)
        #expect(broken.helmReleases.first?.kustomization == "b", "replacing keeps the owner")
        let items = try items(base)
        // kubectl lists each kind sorted by namespace and name.
        #expect(items.compactMap { ($0["metadata"] as? [String: Any])?["name"] as? String } == ["flux-system", "a", "b", "rel"])
        let a = try #require(find(items, "Kustomization", "a"))
        #expect((a["status"] as? [String: Any])?["lastAppliedRevision"] as? String == "refs/heads/main@sha1:\(sha)")
        #expect((a["status"] as? [String: Any])?["inventory"] == nil)
        #expect(try self.items(base.removing(kind: "Kustomization", name: "a")).count == 3)

        let folder = try TemporaryDirectory()
        let file = folder.url("status.json")
        try base.write(to: file)
        #expect(try String(contentsOf: file, encoding: .utf8) == base.json())
        #expect(FluxStatusFixture.revision(sha, branch: "main", format: .raw) == sha)
    }
}
