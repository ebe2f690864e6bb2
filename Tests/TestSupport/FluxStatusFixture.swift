import Foundation

/// Builds what `kubectl get gitrepositories,kustomizations,helmreleases -A -o json` prints for a
/// staging cluster: a `List` of Flux objects in the shape the controllers write.
///
/// Value type; every builder method returns a modified copy:
///
/// ```swift
/// let json = FluxStatusFixture(repositoryURL: "https://git.example.com/platform/keos-system-services.git")
///     .kustomization(name: "observability-controllers", path: "components/observability/controllers/staging",
///                    appliedRevision: tip,
///                    helmReleases: [.init(name: "metrics-server", namespace: "monitoring", version: "3.12.2")])
///     .json()
/// ```
///
/// API versions: `source.toolkit.fluxcd.io/v1`, `kustomize.toolkit.fluxcd.io/v1`,
/// `helm.toolkit.fluxcd.io/v2`. Timestamps derive from `now` (fixed by default), so output is
/// byte-for-byte stable.
public struct FluxStatusFixture: Sendable {
    /// How a revision is written in `lastAppliedRevision` and friends.
    public enum RevisionFormat: Sendable, Equatable {
        /// `main@sha1:<sha>` (Flux ≥ 0.40).
        case branchSha1
        /// `refs/heads/main@sha1:<sha>`.
        case refsHeads
        /// `main/<sha>` (legacy).
        case legacy
        /// The string exactly as given.
        case raw
    }

    /// One entry of a Kustomization's inventory: `<ns>_<name>_<group>_<kind>` and its version.
    public struct InventoryEntry: Sendable, Equatable {
        public var id: String
        public var version: String
        public init(id: String, version: String) {
            self.id = id
            self.version = version
        }
        /// The entry for an object; `namespace` is empty for cluster-scoped objects, `group`
        /// empty for the core group.
        public init(namespace: String, name: String, group: String, kind: String, version: String) {
            self.init(id: "\(namespace)_\(name)_\(group)_\(kind)", version: version)
        }
    }

    /// One entry of a Kustomization's `status.history`.
    public struct HistoryEntry: Sendable, Equatable {
        /// The revision as Flux writes it, e.g. `main@sha1:<sha>`.
        public var revision: String
        public var firstReconciled: Date
        public var lastReconciled: Date
        public var status: String
        public var totalReconciliations: Int
        public init(revision: String, firstReconciled: Date, lastReconciled: Date? = nil,
                    status: String = "ReconciliationSucceeded", totalReconciliations: Int = 1) {
            self.revision = revision
            self.firstReconciled = firstReconciled
            self.lastReconciled = lastReconciled ?? firstReconciled
            self.status = status
            self.totalReconciliations = totalReconciliations
        }
    }

    /// A `GitRepository` object.
    public struct GitRepositorySpec: Sendable, Equatable {
        public var name: String
        public var namespace: String
        public var url: String
        public var branch: String
        /// The commit of the stored artifact; nil takes the first Kustomization's applied one.
        public var revision: String?
        public var ready: Bool
        public init(name: String, namespace: String = "flux-system", url: String, branch: String = "main",
                    revision: String? = nil, ready: Bool = true) {
            self.name = name
            self.namespace = namespace
            self.url = url
            self.branch = branch
            self.revision = revision
            self.ready = ready
        }
    }

    /// A `HelmRelease` object.
    public struct HelmReleaseSpec: Sendable, Equatable {
        public var name: String
        public var namespace: String
        public var chart: String
        public var version: String
        /// `Ready` condition status: true, false, or nil for Unknown (upgrade in progress).
        public var ready: Bool?
        public var reason: String?
        public var message: String?
        public var generation: Int
        /// nil means equal to `generation`.
        public var observedGeneration: Int?
        public var suspended: Bool
        /// `HelmRepository` or `OCIRepository` (the latter through `spec.chartRef`).
        public var sourceKind: String
        /// Name of the chart source; nil means `name`.
        public var sourceName: String?
        /// The Kustomization that applied it (set when given to `kustomization(...)`).
        public var kustomization: String?

        public init(name: String, namespace: String = "flux-system", chart: String? = nil, version: String = "1.0.0",
                    ready: Bool? = true, reason: String? = nil, message: String? = nil, generation: Int = 1,
                    observedGeneration: Int? = nil, suspended: Bool = false, sourceKind: String = "HelmRepository",
                    sourceName: String? = nil) {
            self.name = name
            self.namespace = namespace
            self.chart = chart ?? name
            self.version = version
            self.ready = ready
            self.reason = reason
            self.message = message
            self.generation = generation
            self.observedGeneration = observedGeneration
            self.suspended = suspended
            self.sourceKind = sourceKind
            self.sourceName = sourceName
        }
    }

    /// A `Kustomization` object.
    public struct KustomizationSpec: Sendable, Equatable {
        public var name: String
        public var namespace: String
        public var path: String
        /// The commit applied (formatted with `revisionFormat`); nil: never applied.
        public var appliedRevision: String?
        /// The commit last attempted; nil means the applied one.
        public var attemptedRevision: String?
        public var revisionFormat: RevisionFormat
        public var ready: Bool?
        public var reason: String?
        public var message: String?
        public var suspended: Bool
        public var generation: Int
        public var observedGeneration: Int?
        public var sourceKind: String
        /// nil: the fixture's first GitRepository.
        public var sourceName: String?
        public var sourceNamespace: String?
        public var helmReleases: [String]
        public var extraInventory: [InventoryEntry]
        /// nil: one entry for the applied revision, first reconciled at `appliedAt`; empty: no history.
        public var history: [HistoryEntry]?
        /// When the applied revision was first reconciled; nil: an hour before `now`.
        public var appliedAt: Date?
    }

    /// The moment the status is taken; timestamps are computed from it.
    public var now: Date
    public private(set) var gitRepositories: [GitRepositorySpec]
    public private(set) var kustomizations: [KustomizationSpec] = []
    public private(set) var helmReleases: [HelmReleaseSpec] = []

    /// 2024-06-01T12:00:00Z, the default `now`.
    public static let defaultNow = Date(timeIntervalSince1970: 1_717_243_200)

    /// A status with one `GitRepository` (`name` in `namespace`) tracking `branch` of `repositoryURL`.
    public init(repositoryURL: String, branch: String = "main", revision: String? = nil,
                name: String = "flux-system", namespace: String = "flux-system", now: Date = FluxStatusFixture.defaultNow) {
        self.now = now
        gitRepositories = [GitRepositorySpec(name: name, namespace: namespace, url: repositoryURL, branch: branch, revision: revision)]
    }

    /// Adds (or replaces, by namespace and name) a `GitRepository`.
    public func gitRepository(_ spec: GitRepositorySpec) -> FluxStatusFixture {
        var copy = self
        copy.gitRepositories.removeAll { $0.name == spec.name && $0.namespace == spec.namespace }
        copy.gitRepositories.append(spec)
        return copy
    }

    /// Adds (or replaces) a `GitRepository`.
    public func gitRepository(name: String, namespace: String = "flux-system", url: String, branch: String = "main",
                              revision: String? = nil, ready: Bool = true) -> FluxStatusFixture {
        gitRepository(GitRepositorySpec(name: name, namespace: namespace, url: url, branch: branch, revision: revision, ready: ready))
    }

    /// Adds (or replaces, by namespace and name) a `Kustomization` reconciling `path`, with the
    /// `helmReleases` it applied (added as objects and inventory entries).
    ///
    /// `ready`: true (`ReconciliationSucceeded`, "Applied revision: …"), false
    /// (`ReconciliationFailed` unless `reason` says otherwise), nil (Unknown, `Progressing`).
    public func kustomization(
        name: String,
        namespace: String = "flux-system",
        path: String,
        appliedRevision: String?,
        attemptedRevision: String? = nil,
        revisionFormat: RevisionFormat = .branchSha1,
        ready: Bool? = true,
        reason: String? = nil,
        message: String? = nil,
        suspended: Bool = false,
        generation: Int = 1,
        observedGeneration: Int? = nil,
        sourceKind: String = "GitRepository",
        sourceName: String? = nil,
        sourceNamespace: String? = nil,
        helmReleases: [HelmReleaseSpec] = [],
        extraInventory: [InventoryEntry] = [],
        history: [HistoryEntry]? = nil,
        appliedAt: Date? = nil
    ) -> FluxStatusFixture {
        var copy = self
        copy.kustomizations.removeAll { $0.name == name && $0.namespace == namespace }
        copy.kustomizations.append(KustomizationSpec(
            name: name, namespace: namespace, path: path, appliedRevision: appliedRevision,
            attemptedRevision: attemptedRevision, revisionFormat: revisionFormat, ready: ready, reason: reason,
            message: message, suspended: suspended, generation: generation, observedGeneration: observedGeneration,
            sourceKind: sourceKind, sourceName: sourceName, sourceNamespace: sourceNamespace,
            helmReleases: helmReleases.map { "\($0.namespace)/\($0.name)" }, extraInventory: extraInventory,
            history: history, appliedAt: appliedAt))
        for var release in helmReleases {
            release.kustomization = name
            copy = copy.helmRelease(release)
        }
        return copy
    }

    /// Adds (or replaces, by namespace and name, keeping the owning Kustomization) a `HelmRelease`.
    public func helmRelease(_ spec: HelmReleaseSpec) -> FluxStatusFixture {
        var copy = self
        var spec = spec
        if let index = copy.helmReleases.firstIndex(where: { $0.name == spec.name && $0.namespace == spec.namespace }) {
            spec.kustomization = spec.kustomization ?? copy.helmReleases[index].kustomization
            copy.helmReleases.remove(at: index)
        }
        copy.helmReleases.append(spec)
        return copy
    }

    /// Adds (or replaces) a `HelmRelease`; see `HelmReleaseSpec`.
    public func helmRelease(
        name: String, namespace: String = "flux-system", chart: String? = nil, version: String = "1.0.0",
        ready: Bool? = true, reason: String? = nil, message: String? = nil, generation: Int = 1,
        observedGeneration: Int? = nil, suspended: Bool = false
    ) -> FluxStatusFixture {
        helmRelease(HelmReleaseSpec(
            name: name, namespace: namespace, chart: chart, version: version, ready: ready, reason: reason,
            message: message, generation: generation, observedGeneration: observedGeneration, suspended: suspended))
    }

    /// Removes the object of `kind` (`GitRepository`, `Kustomization`, `HelmRelease`).
    public func removing(kind: String, name: String, namespace: String = "flux-system") -> FluxStatusFixture {
        var copy = self
        switch kind {
        case "GitRepository": copy.gitRepositories.removeAll { $0.name == name && $0.namespace == namespace }
        case "Kustomization": copy.kustomizations.removeAll { $0.name == name && $0.namespace == namespace }
        case "HelmRelease": copy.helmReleases.removeAll { $0.name == name && $0.namespace == namespace }
        default: break
        }
        return copy
    }

    /// `revision` written the way Flux writes it for `branch`.
    public static func revision(_ sha: String, branch: String = "main", format: RevisionFormat = .branchSha1) -> String {
        switch format {
        case .branchSha1: return "\(branch)@sha1:\(sha)"
        case .refsHeads: return "refs/heads/\(branch)@sha1:\(sha)"
        case .legacy: return "\(branch)/\(sha)"
        case .raw: return sha
        }
    }

    // MARK: Output

    /// The `List` as JSON (keys sorted, as kubectl prints custom resources).
    public func json(prettyPrinted: Bool = true) -> String {
        String(decoding: jsonData(prettyPrinted: prettyPrinted), as: UTF8.self)
    }

    /// The `List` as JSON bytes, ending with a newline.
    public func jsonData(prettyPrinted: Bool = true) -> Data {
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if prettyPrinted { options.insert(.prettyPrinted) }
        // Only strings, numbers, booleans, arrays and dictionaries: serialization cannot fail.
        var data = (try? JSONSerialization.data(withJSONObject: jsonObject(), options: options)) ?? Data()
        data.append(0x0A)
        return data
    }

    /// Writes `json()` to `url` and returns `url`.
    @discardableResult
    public func write(to url: URL) throws -> URL {
        try jsonData().write(to: url)
        return url
    }

    /// The `List` as Foundation objects, for tests that need a shape the builder cannot make.
    public func jsonObject() -> [String: Any] {
        let sortKey = { (namespace: String, name: String) in "\(namespace)/\(name)" }
        var items: [[String: Any]] = []
        items += gitRepositories.sorted { sortKey($0.namespace, $0.name) < sortKey($1.namespace, $1.name) }.map(render)
        items += kustomizations.sorted { sortKey($0.namespace, $0.name) < sortKey($1.namespace, $1.name) }.map(render)
        items += helmReleases.sorted { sortKey($0.namespace, $0.name) < sortKey($1.namespace, $1.name) }.map(render)
        return ["apiVersion": "v1", "kind": "List", "items": items, "metadata": ["resourceVersion": ""]]
    }

    // MARK: Rendering

    private func render(_ repo: GitRepositorySpec) -> [String: Any] {
        let sha = repo.revision ?? kustomizations.first(where: { gitRepositoryOf($0)?.name == repo.name })?.appliedRevision
        var status: [String: Any] = ["observedGeneration": 1]
        if let sha {
            let revision = Self.revision(sha, branch: repo.branch)
            let path = "gitrepository/\(repo.namespace)/\(repo.name)/\(sha).tar.gz"
            status["artifact"] = [
                "digest": "sha256:" + fakeDigest(revision),
                "lastUpdateTime": timestamp(now.addingTimeInterval(-3_700)),
                "path": path,
                "revision": revision,
                "size": 20_480 + Int(fnv(sha) % 4_096),
                "url": "http://source-controller.flux-system.svc.cluster.local./\(path)",
            ]
            let message = "stored artifact for revision '\(revision)'"
            status["conditions"] = [
                condition("Ready", repo.ready ? "True" : "False", repo.ready ? "Succeeded" : "GitOperationFailed",
                          repo.ready ? message : "failed to checkout and determine revision", at: now.addingTimeInterval(-3_700)),
                condition("ArtifactInStorage", "True", "Succeeded", message, at: now.addingTimeInterval(-3_700)),
            ]
        } else {
            status["conditions"] = [
                condition("Ready", "False", "GitOperationFailed", "failed to checkout and determine revision", at: now.addingTimeInterval(-3_700)),
            ]
        }
        return [
            "apiVersion": "source.toolkit.fluxcd.io/v1",
            "kind": "GitRepository",
            "metadata": metadata(name: repo.name, namespace: repo.namespace, kind: "GitRepository", generation: 1,
                                 labels: fluxSystemLabels),
            "spec": [
                "interval": "1m0s",
                "ref": ["branch": repo.branch],
                "secretRef": ["name": "flux-system"],
                "timeout": "60s",
                "url": repo.url,
            ],
            "status": status,
        ]
    }

    private func gitRepositoryOf(_ ks: KustomizationSpec) -> GitRepositorySpec? {
        guard ks.sourceKind == "GitRepository" else { return nil }
        let name = ks.sourceName ?? gitRepositories.first?.name
        let namespace = ks.sourceNamespace ?? ks.namespace
        return gitRepositories.first { $0.name == name && $0.namespace == namespace }
    }

    private func render(_ ks: KustomizationSpec) -> [String: Any] {
        let branch = gitRepositoryOf(ks)?.branch ?? gitRepositories.first?.branch ?? "main"
        let applied = ks.appliedRevision.map { Self.revision($0, branch: branch, format: ks.revisionFormat) }
        let attempted = (ks.attemptedRevision ?? ks.appliedRevision).map { Self.revision($0, branch: branch, format: ks.revisionFormat) }
        let appliedAt = ks.appliedAt ?? now.addingTimeInterval(-3_600)

        var sourceRef: [String: Any] = ["kind": ks.sourceKind, "name": ks.sourceName ?? gitRepositories.first?.name ?? "flux-system"]
        if let sourceNamespace = ks.sourceNamespace { sourceRef["namespace"] = sourceNamespace }
        var spec: [String: Any] = [
            "force": false,
            "interval": "1h0m0s",
            "path": ks.path,
            "prune": true,
            "retryInterval": "2m0s",
            "sourceRef": sourceRef,
            "timeout": "10m0s",
            "wait": true,
        ]
        if ks.suspended { spec["suspend"] = true }

        let readyCondition: [String: Any]
        var conditions: [[String: Any]] = []
        switch ks.ready {
        case true?:
            readyCondition = condition("Ready", "True", ks.reason ?? "ReconciliationSucceeded",
                                       ks.message ?? "Applied revision: \(applied ?? "")", at: appliedAt, generation: ks.observedGeneration ?? ks.generation)
        case false?:
            readyCondition = condition("Ready", "False", ks.reason ?? "ReconciliationFailed",
                                       ks.message ?? "Reconciliation failed after 1m0s, next try in 2m0s", at: now.addingTimeInterval(-300),
                                       generation: ks.generation)
        case nil:
            conditions.append(condition("Reconciling", "True", "Progressing",
                                        "Building manifests for revision \(attempted ?? "") with a timeout of 10m0s", at: now.addingTimeInterval(-30),
                                        generation: ks.generation))
            readyCondition = condition("Ready", "Unknown", ks.reason ?? "Progressing",
                                       ks.message ?? "Reconciliation in progress", at: now.addingTimeInterval(-30), generation: ks.generation)
        }
        conditions.insert(readyCondition, at: 0)

        var status: [String: Any] = [
            "conditions": conditions,
            "observedGeneration": ks.observedGeneration ?? ks.generation,
        ]
        if let applied { status["lastAppliedRevision"] = applied }
        if let attempted { status["lastAttemptedRevision"] = attempted }

        var inventory: [InventoryEntry] = []
        let releases = ks.helmReleases.compactMap { key in helmReleases.first { "\($0.namespace)/\($0.name)" == key } }
        for namespace in Set(releases.map(\.namespace)).sorted() {
            inventory.append(InventoryEntry(namespace: "", name: namespace, group: "", kind: "Namespace", version: "v1"))
        }
        for release in releases {
            let sourceName = release.sourceName ?? release.name
            inventory.append(InventoryEntry(namespace: release.namespace, name: sourceName, group: "source.toolkit.fluxcd.io",
                                            kind: release.sourceKind, version: "v1"))
            inventory.append(InventoryEntry(namespace: release.namespace, name: release.name, group: "helm.toolkit.fluxcd.io",
                                            kind: "HelmRelease", version: "v2"))
        }
        inventory += ks.extraInventory
        if !inventory.isEmpty {
            status["inventory"] = ["entries": inventory.map { ["id": $0.id, "v": $0.version] }]
        }

        let history = ks.history ?? applied.map { [HistoryEntry(revision: $0, firstReconciled: appliedAt, lastReconciled: now.addingTimeInterval(-60),
                                                                totalReconciliations: 3)] } ?? []
        if !history.isEmpty {
            status["history"] = history.map { entry -> [String: Any] in
                [
                    "digest": "sha256:" + fakeDigest(ks.name + entry.revision),
                    "firstReconciled": timestamp(entry.firstReconciled),
                    "lastReconciled": timestamp(entry.lastReconciled),
                    "lastReconciledDuration": "2.81s",
                    "lastReconciledStatus": entry.status,
                    "metadata": ["revision": entry.revision],
                    "totalReconciliations": entry.totalReconciliations,
                ]
            }
        }
        return [
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
            "kind": "Kustomization",
            "metadata": metadata(name: ks.name, namespace: ks.namespace, kind: "Kustomization", generation: ks.generation,
                                 labels: fluxSystemLabels),
            "spec": spec,
            "status": status,
        ]
    }

    private func render(_ release: HelmReleaseSpec) -> [String: Any] {
        let observed = release.observedGeneration ?? release.generation
        let releaseName = "\(release.namespace)/\(release.name)"
        let upgraded = "Helm upgrade succeeded for release \(releaseName).v2 with chart \(release.chart)@\(release.version)"
        var conditions: [[String: Any]] = []
        switch release.ready {
        case true?:
            conditions.append(condition("Ready", "True", release.reason ?? "UpgradeSucceeded", release.message ?? upgraded,
                                        at: now.addingTimeInterval(-3_000), generation: observed))
            conditions.append(condition("Released", "True", "UpgradeSucceeded", upgraded, at: now.addingTimeInterval(-3_000), generation: observed))
        case false?:
            let failed = "Helm upgrade failed for release \(releaseName) with chart \(release.chart)@\(release.version): context deadline exceeded"
            conditions.append(condition("Ready", "False", release.reason ?? "UpgradeFailed", release.message ?? failed,
                                        at: now.addingTimeInterval(-600), generation: release.generation))
            conditions.append(condition("Released", "False", "UpgradeFailed", failed, at: now.addingTimeInterval(-600), generation: release.generation))
        case nil:
            let running = "Running 'upgrade' action with timeout of 5m0s"
            conditions.append(condition("Reconciling", "True", "Progressing", running, at: now.addingTimeInterval(-30), generation: release.generation))
            conditions.append(condition("Ready", "Unknown", release.reason ?? "Progressing", release.message ?? running,
                                        at: now.addingTimeInterval(-30), generation: release.generation))
        }
        let sourceName = release.sourceName ?? release.name
        var spec: [String: Any] = ["interval": "1h0m0s", "releaseName": release.name]
        if release.sourceKind == "OCIRepository" {
            spec["chartRef"] = ["kind": "OCIRepository", "name": sourceName]
        } else {
            spec["chart"] = ["spec": [
                "chart": release.chart,
                "interval": "12h0m0s",
                "reconcileStrategy": "ChartVersion",
                "sourceRef": ["kind": release.sourceKind, "name": sourceName],
                "version": release.version,
            ]]
        }
        if release.suspended { spec["suspend"] = true }
        let status: [String: Any] = [
            "conditions": conditions,
            "helmChart": "\(release.namespace)/\(release.namespace)-\(release.name)",
            "history": [[
                "appVersion": release.version,
                "chartName": release.chart,
                "chartVersion": release.version,
                "configDigest": "sha256:" + fakeDigest("config" + releaseName),
                "digest": "sha256:" + fakeDigest(releaseName + release.version),
                "firstDeployed": timestamp(now.addingTimeInterval(-86_400)),
                "lastDeployed": timestamp(now.addingTimeInterval(-3_000)),
                "name": release.name,
                "namespace": release.namespace,
                "status": release.ready == false ? "failed" : "deployed",
                "version": 2,
            ]],
            "lastAttemptedConfigDigest": "sha256:" + fakeDigest("config" + releaseName),
            "lastAttemptedGeneration": release.generation,
            "lastAttemptedReleaseAction": "upgrade",
            "lastAttemptedRevision": release.version,
            "observedGeneration": observed,
            "storageNamespace": release.namespace,
        ]
        var labels: [String: String] = [:]
        if let owner = release.kustomization {
            labels = ["kustomize.toolkit.fluxcd.io/name": owner, "kustomize.toolkit.fluxcd.io/namespace": "flux-system"]
        }
        return [
            "apiVersion": "helm.toolkit.fluxcd.io/v2",
            "kind": "HelmRelease",
            "metadata": metadata(name: release.name, namespace: release.namespace, kind: "HelmRelease",
                                 generation: release.generation, labels: labels),
            "spec": spec,
            "status": status,
        ]
    }

    private var fluxSystemLabels: [String: String] {
        ["kustomize.toolkit.fluxcd.io/name": "flux-system", "kustomize.toolkit.fluxcd.io/namespace": "flux-system"]
    }

    private func metadata(name: String, namespace: String, kind: String, generation: Int, labels: [String: String]) -> [String: Any] {
        let hash = fakeDigest(kind + "/" + namespace + "/" + name)
        let uid = [hash.prefix(8), hash.dropFirst(8).prefix(4), hash.dropFirst(12).prefix(4), hash.dropFirst(16).prefix(4), hash.dropFirst(20).prefix(12)]
            .map(String.init).joined(separator: "-")
        var metadata: [String: Any] = [
            "creationTimestamp": timestamp(now.addingTimeInterval(-30 * 86_400)),
            "finalizers": ["finalizers.fluxcd.io"],
            "generation": generation,
            "name": name,
            "namespace": namespace,
            "resourceVersion": String(100_000 + fnv(hash) % 900_000),
            "uid": uid,
        ]
        if !labels.isEmpty { metadata["labels"] = labels }
        return metadata
    }

    private func condition(_ type: String, _ status: String, _ reason: String, _ message: String, at date: Date, generation: Int = 1) -> [String: Any] {
        [
            "lastTransitionTime": timestamp(date),
            "message": message,
            "observedGeneration": generation,
            "reason": reason,
            "status": status,
            "type": type,
        ]
    }

    /// RFC 3339 in UTC with second precision, as Kubernetes writes times.
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    private func timestamp(_ date: Date) -> String { Self.timestamp(date) }

    private func fnv(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// 64 hex digits derived from `text`: stable, not a real digest.
    private func fakeDigest(_ text: String) -> String {
        (0..<4).map { round in
            let part = String(fnv("\(round):\(text)"), radix: 16)
            return String(repeating: "0", count: 16 - part.count) + part
        }.joined()
    }
}
