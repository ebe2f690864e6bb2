/// The facts of one Flux `HelmRelease`, `HelmRepository` or `OCIRepository` declared in a YAML document.
struct ManifestObject: Equatable, Sendable {
    /// Identifies an object within one file: kind, namespace (when declared) and name.
    struct Key: Hashable, Sendable {
        var kind: String
        var namespace: String?
        var name: String

        /// Byte order of kind, then namespace, then name.
        static func precedes(_ lhs: Key, _ rhs: Key) -> Bool {
            if !ByteOrder.same(lhs.kind, rhs.kind) { return ByteOrder.precedes(lhs.kind, rhs.kind) }
            if !ByteOrder.same(lhs.namespace, rhs.namespace) { return ByteOrder.precedes(lhs.namespace, rhs.namespace) }
            return ByteOrder.precedes(lhs.name, rhs.name)
        }
    }

    /// The kinds whose facts are read.
    static let kinds: Set<String> = ["HelmRelease", "HelmRepository", "OCIRepository"]

    var key: Key
    /// What it deploys or points at, e.g. `metrics-server 3.12.2` or `oci://ghcr.io/org/chart 1.2.0`;
    /// only what the document declares (an overlay patch may carry just a version), `nil` when nothing.
    var summary: String?
    /// `spec.values` of a `HelmRelease`, when declared.
    var values: YAMLValue?

    /// The object `document` declares, when it is a mapping of a known kind with a name.
    init?(document: YAMLValue) {
        guard let kind = document["kind"]?.text, Self.kinds.contains(kind),
              let name = document.value(at: "metadata", "name")?.text else { return nil }
        key = Key(kind: kind, namespace: document.value(at: "metadata", "namespace")?.text, name: name)
        let spec = document["spec"]
        switch kind {
        case "HelmRelease":
            summary = Self.chartSummary(spec)
            values = spec?["values"]
        case "HelmRepository":
            summary = spec?["url"]?.text
            values = nil
        default:  // OCIRepository
            summary = Self.joined([
                spec?["url"]?.text,
                spec?.value(at: "ref", "tag")?.text,
                spec?.value(at: "ref", "semver")?.text.map { "semver " + $0 },
                spec?.value(at: "ref", "digest")?.text,
            ])
            values = nil
        }
    }

    /// The objects declared in `documents`; a second declaration of the same key is ignored.
    static func objects(in documents: [YAMLValue]) -> [Key: ManifestObject] {
        var objects: [Key: ManifestObject] = [:]
        for document in documents {
            guard let object = ManifestObject(document: document), objects[object.key] == nil else { continue }
            objects[object.key] = object
        }
        return objects
    }

    /// `chart version` from `spec.chart.spec`, else `Kind/name` from `spec.chartRef`.
    private static func chartSummary(_ spec: YAMLValue?) -> String? {
        let chart = spec?.value(at: "chart", "spec")
        if let summary = joined([chart?["chart"]?.text, chart?["version"]?.text]) { return summary }
        guard let reference = spec?["chartRef"] else { return nil }
        return joined([reference["kind"]?.text, reference["name"]?.text], separator: "/")
    }

    private static func joined(_ parts: [String?], separator: String = " ") -> String? {
        let present = parts.compactMap { $0 }.filter { !$0.isEmpty }
        return present.isEmpty ? nil : present.joined(separator: separator)
    }
}
