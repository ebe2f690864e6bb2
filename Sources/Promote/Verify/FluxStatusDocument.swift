import Foundation

/// What is wrong with a Flux status document, in one line and without the file name.
public struct FluxStatusFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Reads the JSON `List` that `kubectl get gitrepositories,kustomizations,helmreleases -A -o json` prints.
///
/// Tolerant where Flux versions differ (unknown fields are ignored, a missing `status` means the object
/// was never reconciled, objects of other kinds or API groups are skipped) and strict where the document
/// cannot be what was asked for: empty, not JSON, not an object with `items`, or an item without `kind`
/// or `metadata.name`.
public enum FluxStatusDocument {
    /// The GitRepositories, Kustomizations and HelmReleases of the list, in document order.
    ///
    /// - Throws: `FluxStatusFormatError` naming the offending place, e.g. `items[2].metadata: missing "name"`.
    public static func objects(from data: Data) throws(FluxStatusFormatError) -> [FluxObject] {
        guard data.contains(where: { !isJSONWhitespace($0) }) else {
            throw FluxStatusFormatError("empty file; expected the JSON of kubectl get gitrepositories,kustomizations,helmreleases -A -o json")
        }
        do {
            return try JSONDecoder().decode(ListDocument.self, from: data).items.compactMap(\.object)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            throw FluxStatusFormatError("not valid JSON" + (syntaxProblem(in: data).map { ": \($0)" } ?? ""))
        } catch let error as DecodingError {
            throw FluxStatusFormatError(describe(error))
        } catch {
            throw FluxStatusFormatError("cannot be read as JSON: \(error)")
        }
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// One line saying where the document breaks the expected shape.
    private static func describe(_ error: DecodingError) -> String {
        let expected = "expected a List object with \"items\" (kubectl get … -o json)"
        switch error {
        case .dataCorrupted(let context):
            return "\(place(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context) where context.codingPath.isEmpty:
            return "no \"\(key.stringValue)\": \(expected)"
        case .keyNotFound(let key, let context):
            return "\(place(context.codingPath)): missing \"\(key.stringValue)\""
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return "not a JSON object: \(expected)"
        case .typeMismatch(let type, let context):
            return "\(place(context.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(place(context.codingPath)): null where \(typeName(type)) is required"
        @unknown default:
            return oneLine(String(describing: error))
        }
    }

    /// Where the JSON syntax breaks, as the platform's parser says it (e.g. `unexpected end of file during
    /// JSON parse`); `JSONDecoder` itself only says that the data is not JSON.
    private static func syntaxProblem(in data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            guard var text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String, !text.isEmpty else { return nil }
            text = oneLine(text)
            if text.hasSuffix(".") { text.removeLast() }
            return text.prefix(1).lowercased() + text.dropFirst()
        }
    }

    /// `items[2].status.conditions[0].type` for a coding path.
    private static func place(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int64.Type, is Int.Type: return "an integer"
        case is Bool.Type: return "a boolean"
        default:
            let name = String(describing: type)
            return name.hasPrefix("Array") ? "a list" : "an object"
        }
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

// MARK: - Wire shapes

/// The JSON shapes Flux controllers write; private so the model stays independent of where objects came from.
private struct ListDocument: Decodable {
    let items: [ListItem]
}

private struct ListItem: Decodable {
    /// The object, or `nil` for a kind verification does not read.
    let object: FluxObject?

    private enum Keys: String, CodingKey { case apiVersion, kind, metadata, spec, status }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? ""
        let kind = try container.decode(String.self, forKey: .kind)
        guard !kind.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "empty kind")
        }
        let metadata = try container.decode(Metadata.self, forKey: .metadata)
        let group = apiVersion.split(separator: "/").dropLast().joined(separator: "/")
        // An item without apiVersion is matched on its kind alone.
        func inGroup(_ expected: String) -> Bool { apiVersion.isEmpty || group == expected }

        switch kind {
        case "GitRepository" where inGroup(FluxAPIGroup.source):
            let spec = try container.decodeIfPresent(GitRepositorySpec.self, forKey: .spec)
            let status = try container.decodeIfPresent(ObjectStatus.self, forKey: .status)
            object = .gitRepository(GitRepositoryObject(
                key: metadata.key, generation: metadata.generation, url: spec?.url ?? "",
                reference: spec?.ref?.model ?? GitReference(), suspended: spec?.suspend ?? false,
                status: status?.model ?? FluxObjectStatus()))
        case "Kustomization" where inGroup(FluxAPIGroup.kustomize):
            let spec = try container.decodeIfPresent(KustomizationSpec.self, forKey: .spec)
            let status = try container.decodeIfPresent(KustomizationStatus.self, forKey: .status)
            let reference = spec?.sourceRef
            object = .kustomization(KustomizationObject(
                key: metadata.key, generation: metadata.generation,
                sourceRef: SourceReference(
                    kind: reference?.kind ?? "",
                    key: FluxObjectKey(namespace: nonEmpty(reference?.namespace) ?? metadata.key.namespace,
                                       name: reference?.name ?? "")),
                path: spec?.path ?? "", suspended: spec?.suspend ?? false,
                status: FluxObjectStatus(observedGeneration: status?.observedGeneration,
                                         conditions: status?.conditions?.map(\.model) ?? []),
                lastAppliedRevision: nonEmpty(status?.lastAppliedRevision),
                lastAttemptedRevision: nonEmpty(status?.lastAttemptedRevision),
                inventory: status?.inventory?.entries?.map { InventoryEntry(id: $0.id, version: $0.v ?? "") } ?? [],
                history: status?.history?.map(\.model)))
        case "HelmRelease" where inGroup(FluxAPIGroup.helm):
            let spec = try container.decodeIfPresent(SuspendableSpec.self, forKey: .spec)
            let status = try container.decodeIfPresent(ObjectStatus.self, forKey: .status)
            object = .helmRelease(HelmReleaseObject(
                key: metadata.key, generation: metadata.generation, suspended: spec?.suspend ?? false,
                status: status?.model ?? FluxObjectStatus()))
        default:
            object = nil
        }
    }
}

private func nonEmpty(_ text: String?) -> String? {
    guard let text, !text.isEmpty else { return nil }
    return text
}

private struct Metadata: Decodable {
    let name: String
    let namespace: String?
    let generation: Int64?

    private enum Keys: String, CodingKey { case name, namespace, generation }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        name = try container.decode(String.self, forKey: .name)
        guard !name.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .name, in: container, debugDescription: "empty name")
        }
        namespace = try container.decodeIfPresent(String.self, forKey: .namespace)
        generation = try container.decodeIfPresent(Int64.self, forKey: .generation)
    }

    /// Namespaced Flux kinds without a namespace live in `default`, as the API server would put them.
    var key: FluxObjectKey { FluxObjectKey(namespace: nonEmpty(namespace) ?? "default", name: name) }
}

private struct GitRepositorySpec: Decodable {
    struct Ref: Decodable {
        let branch, tag, semver, name, commit: String?
        var model: GitReference { GitReference(branch: branch, tag: tag, semver: semver, name: name, commit: commit) }
    }

    let url: String?
    let ref: Ref?
    let suspend: Bool?
}

private struct KustomizationSpec: Decodable {
    struct SourceRef: Decodable {
        let kind: String?
        let name: String?
        let namespace: String?
    }

    let sourceRef: SourceRef?
    let path: String?
    let suspend: Bool?
}

private struct SuspendableSpec: Decodable {
    let suspend: Bool?
}

private struct Condition: Decodable {
    let type: String?
    let status: String?
    let reason: String?
    let message: String?
    let observedGeneration: Int64?
    let lastTransitionTime: String?

    var model: FluxCondition {
        FluxCondition(type: type ?? "", status: status ?? "Unknown", reason: reason ?? "", message: message ?? "",
                      observedGeneration: observedGeneration, lastTransitionTime: lastTransitionTime)
    }
}

private struct ObjectStatus: Decodable {
    let observedGeneration: Int64?
    let conditions: [Condition]?

    var model: FluxObjectStatus {
        FluxObjectStatus(observedGeneration: observedGeneration, conditions: conditions?.map(\.model) ?? [])
    }
}

private struct KustomizationStatus: Decodable {
    struct Inventory: Decodable {
        struct Entry: Decodable {
            let id: String
            let v: String?
        }

        let entries: [Entry]?
    }

    let observedGeneration: Int64?
    let conditions: [Condition]?
    let lastAppliedRevision: String?
    let lastAttemptedRevision: String?
    let inventory: Inventory?
    let history: [HistoryEntry]?
}

private struct HistoryEntry: Decodable {
    let model: ReconciliationRecord

    private enum Keys: String, CodingKey {
        case digest, firstReconciled, lastReconciled, lastReconciledStatus, totalReconciliations, metadata
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        func time(_ key: Keys) throws -> Date {
            let text = try container.decode(String.self, forKey: key)
            guard let date = KubernetesTime.parse(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not an RFC 3339 time: \(text)")
            }
            return date
        }
        let metadata = try container.decodeIfPresent([String: String].self, forKey: .metadata)
        model = ReconciliationRecord(
            digest: try container.decodeIfPresent(String.self, forKey: .digest) ?? "",
            firstReconciled: try time(.firstReconciled),
            lastReconciled: try time(.lastReconciled),
            lastReconciledStatus: try container.decodeIfPresent(String.self, forKey: .lastReconciledStatus) ?? "",
            totalReconciliations: try container.decodeIfPresent(Int64.self, forKey: .totalReconciliations) ?? 0,
            revision: nonEmpty(metadata?["revision"]))
    }
}

/// Kubernetes timestamps (`metav1.Time`): RFC 3339, with or without fractional seconds.
enum KubernetesTime {
    static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
