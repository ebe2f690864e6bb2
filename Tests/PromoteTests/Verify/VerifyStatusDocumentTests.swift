import Foundation
import Testing
@testable import Promote

/// Shortened output of `kubectl get gitrepositories,kustomizations,helmreleases -A -o json` on a staging
/// cluster, field for field as the Flux controllers write it.
private let kubectlOutput = #"""
{
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "source.toolkit.fluxcd.io/v1",
            "kind": "GitRepository",
            "metadata": {
                "creationTimestamp": "2025-05-01T08:00:00Z",
                "finalizers": ["finalizers.fluxcd.io"],
                "generation": 2,
                "name": "flux-system",
                "namespace": "flux-system",
                "resourceVersion": "81234",
                "uid": "3c1f0e52-8f0e-4d3e-9a53-6f0b7c1d2e01"
            },
            "spec": {
                "interval": "1m0s",
                "ref": {"branch": "main"},
                "secretRef": {"name": "flux-system"},
                "timeout": "60s",
                "url": "ssh://git@git.example.com/platform/keos-system-services.git"
            },
            "status": {
                "artifact": {
                    "digest": "sha256:95e386f421272710c4cedbbd8607dbbaa019d500e7a5a0b6720bc7bebefc7bf2",
                    "lastUpdateTime": "2025-08-15T10:10:40Z",
                    "path": "gitrepository/flux-system/flux-system/450796ddb2ab6724ee1cc32a4be56da032d1cca0.tar.gz",
                    "revision": "main@sha1:450796ddb2ab6724ee1cc32a4be56da032d1cca0",
                    "size": 91318,
                    "url": "http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/450796ddb2ab6724ee1cc32a4be56da032d1cca0.tar.gz"
                },
                "conditions": [
                    {
                        "lastTransitionTime": "2025-08-15T10:10:40Z",
                        "message": "stored artifact for revision 'main@sha1:450796ddb2ab6724ee1cc32a4be56da032d1cca0'",
                        "observedGeneration": 2,
                        "reason": "Succeeded",
                        "status": "True",
                        "type": "Ready"
                    }
                ],
                "observedGeneration": 2
            }
        },
        {
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
            "kind": "Kustomization",
            "metadata": {
                "generation": 3,
                "labels": {"kustomize.toolkit.fluxcd.io/name": "flux-system", "kustomize.toolkit.fluxcd.io/namespace": "flux-system"},
                "name": "monitoring-controllers",
                "namespace": "flux-system"
            },
            "spec": {
                "interval": "10m0s",
                "path": "./components/monitoring/controllers/staging",
                "prune": true,
                "sourceRef": {"kind": "GitRepository", "name": "flux-system"},
                "wait": true
            },
            "status": {
                "conditions": [
                    {
                        "lastTransitionTime": "2025-08-15T10:11:00Z",
                        "message": "Applied revision: main@sha1:450796ddb2ab6724ee1cc32a4be56da032d1cca0",
                        "observedGeneration": 3,
                        "reason": "ReconciliationSucceeded",
                        "status": "True",
                        "type": "Ready"
                    }
                ],
                "history": [
                    {
                        "digest": "sha256:43ad78c94b2655429d84f21488f29d7cca9cd45b7f54d2b27e16bbec8eff9228",
                        "firstReconciled": "2025-08-15T10:11:00Z",
                        "lastReconciled": "2025-08-15T11:12:00Z",
                        "lastReconciledDuration": "2.818583s",
                        "lastReconciledStatus": "ReconciliationSucceeded",
                        "metadata": {"revision": "main@sha1:450796ddb2ab6724ee1cc32a4be56da032d1cca0"},
                        "totalReconciliations": 2
                    },
                    {
                        "digest": "sha256:ec8dbfe61777b65001190260cf873ffe454451bd2e464bd6f9a154cffcdcd7e5",
                        "firstReconciled": "2025-07-14T13:10:00Z",
                        "lastReconciled": "2025-08-15T10:00:00Z",
                        "lastReconciledDuration": "49.813292s",
                        "lastReconciledStatus": "HealthCheckFailed",
                        "metadata": {"revision": "main@sha1:67e2c98a60dc92283531412a9e604dd4bae005a9"},
                        "totalReconciliations": 120
                    }
                ],
                "inventory": {
                    "entries": [
                        {"id": "_monitoring__Namespace", "v": "v1"},
                        {"id": "monitoring_kube-prometheus-stack_helm.toolkit.fluxcd.io_HelmRelease", "v": "v2"},
                        {"id": "monitoring_prometheus-community_source.toolkit.fluxcd.io_HelmRepository", "v": "v1"}
                    ]
                },
                "lastAppliedRevision": "main@sha1:450796ddb2ab6724ee1cc32a4be56da032d1cca0",
                "lastAttemptedRevision": "main@sha1:450796ddb2ab6724ee1cc32a4be56da032d1cca0",
                "observedGeneration": 3
            }
        },
        {
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1beta2",
            "kind": "Kustomization",
            "metadata": {"generation": 1, "name": "podinfo", "namespace": "apps"},
            "spec": {
                "interval": "5m",
                "path": "./components/podinfo/staging",
                "sourceRef": {"kind": "GitRepository", "name": "flux-system", "namespace": "flux-system"},
                "suspend": true
            },
            "status": {
                "conditions": [
                    {
                        "lastTransitionTime": "2023-03-29T06:09:32Z",
                        "message": "kustomization path not found: stat /tmp/kustomization-1464362706/invalid: no such file or directory",
                        "reason": "ArtifactFailed",
                        "status": "False",
                        "type": "Ready"
                    }
                ],
                "lastAppliedRevision": "main/67e2c98a60dc92283531412a9e604dd4bae005a9",
                "observedGeneration": 1
            }
        },
        {
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
            "kind": "Kustomization",
            "metadata": {"generation": 1, "name": "new-component", "namespace": "flux-system"},
            "spec": {"interval": "10m", "path": "./components/new", "prune": true, "sourceRef": {"kind": "GitRepository", "name": "flux-system"}}
        },
        {
            "apiVersion": "helm.toolkit.fluxcd.io/v2",
            "kind": "HelmRelease",
            "metadata": {"generation": 4, "name": "kube-prometheus-stack", "namespace": "monitoring"},
            "spec": {"interval": "30m", "chart": {"spec": {"chart": "kube-prometheus-stack", "version": "66.x", "sourceRef": {"kind": "HelmRepository", "name": "prometheus-community"}}}},
            "status": {
                "conditions": [
                    {
                        "lastTransitionTime": "2025-08-15T10:12:30Z",
                        "message": "Helm upgrade failed for release monitoring/kube-prometheus-stack with chart kube-prometheus-stack@66.3.0: context deadline exceeded",
                        "observedGeneration": 4,
                        "reason": "UpgradeFailed",
                        "status": "False",
                        "type": "Ready"
                    },
                    {
                        "lastTransitionTime": "2025-08-15T10:12:30Z",
                        "message": "Helm upgrade failed for release monitoring/kube-prometheus-stack with chart kube-prometheus-stack@66.3.0: context deadline exceeded",
                        "observedGeneration": 4,
                        "reason": "UpgradeFailed",
                        "status": "False",
                        "type": "Released"
                    }
                ],
                "history": [{"chartName": "kube-prometheus-stack", "chartVersion": "66.2.1", "status": "deployed", "version": 3}],
                "lastAttemptedGeneration": 4,
                "lastAttemptedRevision": "66.3.0",
                "observedGeneration": 4
            }
        },
        {
            "apiVersion": "helm.toolkit.fluxcd.io/v2beta1",
            "kind": "HelmRelease",
            "metadata": {"generation": 2, "name": "metrics-server", "namespace": "kube-system"},
            "spec": {"interval": "1h", "suspend": true},
            "status": {"observedGeneration": 1}
        },
        {
            "apiVersion": "source.toolkit.fluxcd.io/v1beta2",
            "kind": "OCIRepository",
            "metadata": {"name": "podinfo", "namespace": "apps"},
            "spec": {"url": "oci://ghcr.io/stefanprodan/manifests/podinfo"}
        },
        {
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "metadata": {"name": "not-flux"}
        }
    ],
    "kind": "List",
    "metadata": {"resourceVersion": ""}
}
"""#

@Suite struct VerifyStatusDocumentTests {
    private func decode(_ text: String) throws -> ClusterSnapshot {
        try StagingStatusLoader.snapshot(named: "staging-1", from: Data(text.utf8), path: "status/staging-1.json")
    }

    private func kustomization(_ name: String) throws -> KustomizationObject {
        try #require(try decode(kubectlOutput).kustomizations.first { $0.key.name == name })
    }

    private func helmRelease(_ name: String) throws -> HelmReleaseObject {
        try #require(try decode(kubectlOutput).helmReleases.first { $0.key.name == name })
    }

    /// The error message a document produces.
    private func failure(_ text: String) -> String? {
        do {
            _ = try decode(text)
            return nil
        } catch let error as PromoteError {
            #expect(error.kind == .badInput)
            return error.message
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func readsKubectlListOfFluxObjects() throws {
        let snapshot = try decode(kubectlOutput)
        #expect(snapshot.name == "staging-1")
        #expect(snapshot.gitRepositories.map(\.key.description) == ["flux-system/flux-system"])
        #expect(snapshot.kustomizations.map(\.key.description) == ["flux-system/monitoring-controllers", "apps/podinfo", "flux-system/new-component"])
        #expect(snapshot.helmReleases.map(\.key.description) == ["monitoring/kube-prometheus-stack", "kube-system/metrics-server"])

        let source = try #require(snapshot.gitRepositories.first)
        #expect(source.url == "ssh://git@git.example.com/platform/keos-system-services.git")
        #expect(source.reference.trackedBranch == "main")
        #expect(source.generation == 2)
        #expect(source.status.condition("Ready")?.reason == "Succeeded")
    }

    @Test func readsKustomizationSpecAndStatus() throws {
        let kustomization = try kustomization("monitoring-controllers")
        #expect(kustomization.generation == 3)
        #expect(kustomization.path == "./components/monitoring/controllers/staging")
        #expect(kustomization.sourceRef == SourceReference(kind: "GitRepository", key: FluxObjectKey(namespace: "flux-system", name: "flux-system")))
        #expect(kustomization.suspended == false)
        #expect(kustomization.status.observedGeneration == 3)
        #expect(kustomization.status.condition("Ready") == FluxCondition(
            type: "Ready", status: "True", reason: "ReconciliationSucceeded",
            message: "Applied revision: main@sha1:450796ddb2ab6724ee1cc32a4be56da032d1cca0",
            observedGeneration: 3, lastTransitionTime: "2025-08-15T10:11:00Z"))
        #expect(kustomization.lastAppliedRevision == "main@sha1:450796ddb2ab6724ee1cc32a4be56da032d1cca0")
        #expect(kustomization.lastAttemptedRevision == "main@sha1:450796ddb2ab6724ee1cc32a4be56da032d1cca0")
        #expect(kustomization.inventory.count == 3)
        #expect(kustomization.helmReleaseKeys == [FluxObjectKey(namespace: "monitoring", name: "kube-prometheus-stack")])
    }

    @Test func readsKustomizationHistory() throws {
        let history = try #require(try kustomization("monitoring-controllers").history)
        try #require(history.count == 2)
        #expect(history[0] == ReconciliationRecord(
            digest: "sha256:43ad78c94b2655429d84f21488f29d7cca9cd45b7f54d2b27e16bbec8eff9228",
            firstReconciled: Date(timeIntervalSince1970: 1_755_252_660),
            lastReconciled: Date(timeIntervalSince1970: 1_755_256_320),
            lastReconciledStatus: "ReconciliationSucceeded", totalReconciliations: 2,
            revision: "main@sha1:450796ddb2ab6724ee1cc32a4be56da032d1cca0"))
        #expect(history[0].succeeded)
        #expect(history[1].succeeded == false)
        #expect(history[1].totalReconciliations == 120)
    }

    @Test func readsOlderAPIVersionsAndDefaultsSourceNamespace() throws {
        let podinfo = try kustomization("podinfo")
        #expect(podinfo.suspended)
        #expect(podinfo.sourceRef.key == FluxObjectKey(namespace: "flux-system", name: "flux-system"))
        #expect(podinfo.lastAppliedRevision == "main/67e2c98a60dc92283531412a9e604dd4bae005a9")
        #expect(podinfo.status.condition("Ready")?.observedGeneration == nil)
        #expect(podinfo.history == nil)

        let metricsServer = try helmRelease("metrics-server")
        #expect(metricsServer.suspended)
        #expect(metricsServer.generation == 2)
        #expect(metricsServer.status.observedGeneration == 1)
    }

    @Test func sourceNamespaceDefaultsToTheKustomizationsOwn() throws {
        var kustomization = Flux.Kustomization("podinfo", path: "./components/podinfo/staging")
        kustomization.namespace = "apps"
        let snapshot = try StagingStatusLoader.snapshot(named: "s", from: Flux.list([kustomization.json]), path: "s.json")
        #expect(snapshot.kustomizations.first?.sourceRef.key == FluxObjectKey(namespace: "apps", name: "flux-system"))
    }

    @Test func missingStatusMeansNeverReconciled() throws {
        let fresh = try kustomization("new-component")
        #expect(fresh.status == FluxObjectStatus())
        #expect(fresh.lastAppliedRevision == nil)
        #expect(fresh.inventory.isEmpty)
        #expect(fresh.history == nil)
    }

    @Test func readsHelmReleaseConditions() throws {
        let release = try helmRelease("kube-prometheus-stack")
        #expect(release.generation == 4)
        #expect(release.status.observedGeneration == 4)
        #expect(release.status.condition("Ready")?.reason == "UpgradeFailed")
        #expect(release.status.condition("Released")?.isFalse == true)
    }

    @Test func anEmptyListIsAnEmptySnapshot() throws {
        let snapshot = try decode(#"{"apiVersion":"v1","items":[],"kind":"List","metadata":{"resourceVersion":""}}"#)
        #expect(snapshot == ClusterSnapshot(name: "staging-1"))
    }

    @Test(arguments: [
        ("", "status/staging-1.json: empty file; expected the JSON of kubectl get gitrepositories,kustomizations,helmreleases -A -o json"),
        ("  \n\t ", "status/staging-1.json: empty file; expected the JSON of kubectl get gitrepositories,kustomizations,helmreleases -A -o json"),
        ("[]", "status/staging-1.json: not a JSON object: expected a List object with \"items\" (kubectl get … -o json)"),
        (#"{"apiVersion":"v1","kind":"List"}"#, "status/staging-1.json: no \"items\": expected a List object with \"items\" (kubectl get … -o json)"),
        (#"{"items":{}}"#, "status/staging-1.json: items: expected a list"),
        (#"{"items":[{"metadata":{"name":"x"}}]}"#, "status/staging-1.json: items[0]: missing \"kind\""),
        (#"{"items":[{"kind":"","metadata":{"name":"x"}}]}"#, "status/staging-1.json: items[0].kind: empty kind"),
        (#"{"items":[{"kind":"Kustomization"}]}"#, "status/staging-1.json: items[0]: missing \"metadata\""),
        (#"{"items":[{"kind":"ConfigMap","metadata":{}}]}"#, "status/staging-1.json: items[0].metadata: missing \"name\""),
        (#"{"items":[{"kind":"HelmRelease","metadata":{"name":"x","generation":"two"}}]}"#, "status/staging-1.json: items[0].metadata.generation: expected an integer"),
    ])
    func rejectsDocumentsOfTheWrongShape(document: String, message: String) {
        #expect(failure(document) == message)
    }

    @Test func rejectsTextThatIsNotJSON() throws {
        let message = try #require(failure("NAME      READY   STATUS\npodinfo   True    Applied revision: main@sha1:450796d"))
        #expect(message.hasPrefix("status/staging-1.json: not valid JSON"))
        #expect(!message.contains("\n"))
    }

    @Test func rejectsTruncatedJSON() throws {
        let truncated = String(kubectlOutput.prefix(kubectlOutput.count / 2))
        let message = try #require(failure(truncated))
        #expect(message.hasPrefix("status/staging-1.json: not valid JSON"))
        #expect(!message.contains("\n"))
        #if os(Linux)
        #expect(message == "status/staging-1.json: not valid JSON: unexpected end of file during JSON parse")
        #endif
    }

    @Test func rejectsHistoryWithABadTime() throws {
        let document = #"""
        {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": [{
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
            "metadata": {"generation": 1, "name": "apps", "namespace": "flux-system"},
            "spec": {"path": "./components/apps/staging", "sourceRef": {"kind": "GitRepository", "name": "flux-system"}},
            "status": {"observedGeneration": 1, "history": [{
                "digest": "sha256:43ad78c94b2655429d84f21488f29d7cca9cd45b7f54d2b27e16bbec8eff9228",
                "firstReconciled": "yesterday", "lastReconciled": "2025-08-15T11:12:00Z",
                "lastReconciledStatus": "ReconciliationSucceeded", "totalReconciliations": 1,
                "metadata": {"revision": "main@sha1:450796ddb2ab6724ee1cc32a4be56da032d1cca0"}}]}
        }]}
        """#
        let message = try #require(failure(document))
        #expect(message == "status/staging-1.json: items[0].status.history[0].firstReconciled: not an RFC 3339 time: yesterday")
    }
}

@Suite struct VerifyFluxModelTests {
    @Test(arguments: [
        (GitReference(branch: "main"), "main"),
        (GitReference(), "master"),
        (GitReference(branch: "main", tag: "v1.0.0"), nil),
        (GitReference(branch: "main", semver: ">=1.0.0"), nil),
        (GitReference(name: "refs/heads/main"), "main"),
        (GitReference(branch: "other", name: "refs/heads/main"), "main"),
        (GitReference(name: "refs/tags/v1.0.0"), nil),
        (GitReference(branch: "main", commit: "450796ddb2ab6724ee1cc32a4be56da032d1cca0"), nil),
    ] as [(GitReference, String?)])
    func trackedBranchFollowsFluxPrecedence(reference: GitReference, branch: String?) {
        #expect(reference.trackedBranch == branch)
    }

    @Test func inventoryIdsSplitIntoTheirParts() throws {
        let release = try #require(InventoryEntry(id: "monitoring_kube-prometheus-stack_helm.toolkit.fluxcd.io_HelmRelease").parts)
        #expect(release.namespace == "monitoring")
        #expect(release.name == "kube-prometheus-stack")
        #expect(release.group == "helm.toolkit.fluxcd.io")
        #expect(release.kind == "HelmRelease")
        let namespace = try #require(InventoryEntry(id: "_monitoring__Namespace").parts)
        #expect(namespace.namespace == "" && namespace.name == "monitoring" && namespace.group == "" && namespace.kind == "Namespace")
        #expect(InventoryEntry(id: "monitoring_kube-prometheus-stack_HelmRelease").parts == nil)
    }
}
