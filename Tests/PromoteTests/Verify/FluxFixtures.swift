import Foundation
@testable import Promote

/// Builders for Flux objects in the exact JSON shape the controllers write and
/// `kubectl get gitrepositories,kustomizations,helmreleases -A -o json` prints.
enum Flux {
    static let repositoryURL = "ssh://git@git.example.com/platform/keos-system-services.git"
    /// The same repository as the clone's config spells it.
    static let cloneURL = "git@git.example.com:platform/keos-system-services.git"
    static let transitionTime = "2025-06-02T10:00:00Z"

    /// `main@sha1:<hex>`.
    static func revision(_ id: ObjectID, branch: String = "main") -> String { "\(branch)@sha1:\(id.hex)" }

    struct Condition {
        var type: String
        var status: String
        var reason: String
        var message: String
        var observedGeneration: Int?

        var json: [String: Any] {
            var json: [String: Any] = ["type": type, "status": status, "reason": reason, "message": message,
                                       "lastTransitionTime": Flux.transitionTime]
            if let observedGeneration { json["observedGeneration"] = observedGeneration }
            return json
        }

        /// What kustomize-controller writes after a successful reconciliation.
        static func applied(_ revision: String, generation: Int = 1) -> Condition {
            Condition(type: "Ready", status: "True", reason: "ReconciliationSucceeded",
                      message: "Applied revision: \(revision)", observedGeneration: generation)
        }

        static func notReady(_ reason: String, _ message: String, generation: Int = 1) -> Condition {
            Condition(type: "Ready", status: "False", reason: reason, message: message, observedGeneration: generation)
        }

        /// `Ready=Unknown` while a reconciliation runs.
        static func readyUnknown(generation: Int = 1) -> Condition {
            Condition(type: "Ready", status: "Unknown", reason: "Progressing", message: "Reconciliation in progress",
                      observedGeneration: generation)
        }

        static func reconciling(_ revision: String, generation: Int = 1) -> Condition {
            Condition(type: "Reconciling", status: "True", reason: "Progressing",
                      message: "Fetching manifests for revision \(revision) with a timeout of 4m30s", observedGeneration: generation)
        }

        static func stalled(_ reason: String, _ message: String, generation: Int = 1) -> Condition {
            Condition(type: "Stalled", status: "True", reason: reason, message: message, observedGeneration: generation)
        }

        /// What helm-controller writes after an upgrade.
        static func released(_ release: String, chart: String, generation: Int = 1) -> Condition {
            Condition(type: "Ready", status: "True", reason: "UpgradeSucceeded",
                      message: "Helm upgrade succeeded for release \(release).v4 with chart \(chart)", observedGeneration: generation)
        }
    }

    struct History {
        var revision: String
        var firstReconciled: Date
        var lastReconciled: Date
        var status = "ReconciliationSucceeded"
        var total = 3

        var json: [String: Any] {
            ["digest": "sha256:43ad78c94b2655429d84f21488f29d7cca9cd45b7f54d2b27e16bbec8eff9228",
             "firstReconciled": TimeText.time(firstReconciled), "lastReconciled": TimeText.time(lastReconciled),
             "lastReconciledDuration": "2.818583s", "lastReconciledStatus": status, "totalReconciliations": total,
             "metadata": ["revision": revision]]
        }
    }

    struct GitRepository {
        var name = "flux-system"
        var namespace = "flux-system"
        var url = Flux.repositoryURL
        var ref: [String: String] = ["branch": "main"]
        var generation = 1
        var suspend = false
        var ready = Condition(type: "Ready", status: "True", reason: "Succeeded",
                              message: "stored artifact for revision 'main@sha1:\(Line.r.hex)'", observedGeneration: 1)

        var json: [String: Any] {
            var spec: [String: Any] = ["interval": "1m0s", "ref": ref, "secretRef": ["name": "flux-system"],
                                       "timeout": "60s", "url": url]
            if suspend { spec["suspend"] = true }
            return [
                "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                "metadata": ["name": name, "namespace": namespace, "generation": generation,
                             "creationTimestamp": "2025-05-01T08:00:00Z", "finalizers": ["finalizers.fluxcd.io"],
                             "resourceVersion": "81234", "uid": "3c1f0e52-8f0e-4d3e-9a53-6f0b7c1d2e01"],
                "spec": spec,
                "status": [
                    "artifact": ["digest": "sha256:95e386f421272710c4cedbbd8607dbbaa019d500e7a5a0b6720bc7bebefc7bf2",
                                 "lastUpdateTime": Flux.transitionTime,
                                 "path": "gitrepository/\(namespace)/\(name)/\(Line.r.hex).tar.gz",
                                 "revision": "main@sha1:\(Line.r.hex)", "size": 91318,
                                 "url": "http://source-controller.flux-system.svc.cluster.local./gitrepository/\(namespace)/\(name)/\(Line.r.hex).tar.gz"],
                    "conditions": [ready.json,
                                   Condition(type: "ArtifactInStorage", status: ready.status, reason: ready.reason,
                                             message: ready.message, observedGeneration: generation).json],
                    "observedGeneration": generation,
                ],
            ]
        }
    }

    struct Kustomization {
        var name: String
        var namespace = "flux-system"
        var path: String
        var generation = 1
        var sourceRef: [String: String] = ["kind": "GitRepository", "name": "flux-system"]
        var suspend = false
        /// `nil`: the object has no `status` at all.
        var observedGeneration: Int? = 1
        var conditions: [Condition]
        var lastAppliedRevision: String?
        var helmReleases: [String] = []
        var history: [History]?

        /// A Kustomization that applied `revision` successfully.
        init(_ name: String, path: String, applied revision: ObjectID = Line.r, helmReleases: [String] = []) {
            self.name = name
            self.path = path
            let text = Flux.revision(revision)
            conditions = [.applied(text)]
            lastAppliedRevision = text
            self.helmReleases = helmReleases
        }

        var json: [String: Any] {
            var spec: [String: Any] = ["interval": "10m0s", "path": path, "prune": true, "retryInterval": "2m0s",
                                       "sourceRef": sourceRef, "timeout": "5m0s", "wait": true]
            if suspend { spec["suspend"] = true }
            var object: [String: Any] = [
                "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                "metadata": ["name": name, "namespace": namespace, "generation": generation,
                             "creationTimestamp": "2025-05-01T08:00:00Z", "finalizers": ["finalizers.fluxcd.io"],
                             "labels": ["kustomize.toolkit.fluxcd.io/name": "flux-system",
                                        "kustomize.toolkit.fluxcd.io/namespace": "flux-system"],
                             "resourceVersion": "81299", "uid": "6a2d7d0e-3f5b-4c11-8f0e-2b9f4d8c7a10"],
                "spec": spec,
            ]
            guard let observedGeneration else { return object }
            var status: [String: Any] = [
                "conditions": conditions.map(\.json),
                "inventory": ["entries": [["id": "monitoring_grafana-dashboards__ConfigMap", "v": "v1"]]
                    + helmReleases.map { key -> [String: Any] in
                        let parts = key.split(separator: "/")
                        return ["id": "\(parts[0])_\(parts[1])_helm.toolkit.fluxcd.io_HelmRelease", "v": "v2"]
                    }],
                "observedGeneration": observedGeneration,
            ]
            if let lastAppliedRevision {
                status["lastAppliedRevision"] = lastAppliedRevision
                status["lastAttemptedRevision"] = lastAppliedRevision
            }
            if let history { status["history"] = history.map(\.json) }
            object["status"] = status
            return object
        }
    }

    struct HelmRelease {
        var name: String
        var namespace: String
        var generation = 1
        var observedGeneration = 1
        var suspend = false
        var conditions: [Condition]

        /// A HelmRelease upgraded successfully.
        init(_ key: String) {
            let parts = key.split(separator: "/").map(String.init)
            namespace = parts[0]
            name = parts[1]
            conditions = [.released("\(parts[0])/\(parts[1])", chart: "\(parts[1])@66.2.1"),
                          Condition(type: "Released", status: "True", reason: "UpgradeSucceeded",
                                    message: "Helm upgrade succeeded for release \(key).v4 with chart \(parts[1])@66.2.1",
                                    observedGeneration: 1)]
        }

        var json: [String: Any] {
            var spec: [String: Any] = [
                "chart": ["spec": ["chart": name, "reconcileStrategy": "ChartVersion",
                                   "sourceRef": ["kind": "HelmRepository", "name": name], "version": "66.x"]],
                "interval": "30m", "releaseName": name, "values": ["replicas": 2],
            ]
            if suspend { spec["suspend"] = true }
            return [
                "apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
                "metadata": ["name": name, "namespace": namespace, "generation": generation,
                             "labels": ["kustomize.toolkit.fluxcd.io/name": "monitoring-controllers",
                                        "kustomize.toolkit.fluxcd.io/namespace": "flux-system"]],
                "spec": spec,
                "status": ["conditions": conditions.map(\.json), "helmChart": "\(namespace)/\(namespace)-\(name)",
                           "lastAppliedRevision": "66.2.1", "lastAttemptedRevision": "66.2.1",
                           "lastAttemptedGeneration": generation, "observedGeneration": observedGeneration,
                           "storageNamespace": namespace],
            ]
        }
    }

    /// The JSON `List` kubectl prints for these objects.
    static func list(_ items: [[String: Any]]) -> Data {
        let document: [String: Any] = ["apiVersion": "v1", "kind": "List", "items": items,
                                       "metadata": ["resourceVersion": ""]]
        return try! JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
    }

    /// A staging cluster as the d1 reference repositories set it up, every object at `Line.r`:
    /// monitoring controllers (with a HelmRelease) and configs, apps, and a cluster folder outside `components/`.
    struct Cluster {
        var name = "staging-1"
        var gitRepositories = [GitRepository()]
        var kustomizations = [
            Kustomization("monitoring-controllers", path: "./components/monitoring/controllers/staging",
                          helmReleases: ["monitoring/kube-prometheus-stack"]),
            Kustomization("monitoring-configs", path: "./components/monitoring/configs/staging"),
            Kustomization("apps", path: "./components/apps/staging"),
            Kustomization("cluster-sync", path: "./clusters/staging"),
        ]
        var helmReleases = [HelmRelease("monitoring/kube-prometheus-stack")]
        /// Objects of other kinds kubectl may list alongside.
        var extraItems: [[String: Any]] = []

        subscript(kustomization name: String) -> Kustomization {
            get { kustomizations.first { $0.name == name }! }
            set { kustomizations[kustomizations.firstIndex { $0.name == name }!] = newValue }
        }

        var data: Data {
            Flux.list(gitRepositories.map(\.json) + kustomizations.map(\.json) + helmReleases.map(\.json) + extraItems)
        }

        /// Decoded through the real status-file decoder.
        var snapshot: ClusterSnapshot {
            get throws { try StagingStatusLoader.snapshot(named: name, from: data, path: "\(name).json") }
        }
    }
}
