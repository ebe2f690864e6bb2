import Foundation
import Promote

/// Reads the GitRepositories, Kustomizations and HelmReleases of one cluster from its API into a snapshot.
///
/// Each kind is listed cluster-wide at its current API version (`source.toolkit.fluxcd.io/v1`,
/// `kustomize.toolkit.fluxcd.io/v1`, `helm.toolkit.fluxcd.io/v2`), falling back to older served versions
/// when the server answers 404. A cluster that serves no HelmRelease API has none (helm-controller is
/// optional); one that serves no GitRepository or Kustomization API does not run Flux.
struct FluxAPIReader: Sendable {
    /// One Flux kind and the versions to try, newest first.
    struct Kind: Sendable {
        var name: String
        var group: String
        var plural: String
        var versions: [String]
        /// Whether a cluster without this API is an error (else: no objects of this kind).
        var required: Bool
    }

    static let kinds = [
        Kind(name: "GitRepository", group: FluxAPIGroup.source, plural: "gitrepositories", versions: ["v1", "v1beta2", "v1beta1"], required: true),
        Kind(name: "Kustomization", group: FluxAPIGroup.kustomize, plural: "kustomizations", versions: ["v1", "v1beta2", "v1beta1"], required: true),
        Kind(name: "HelmRelease", group: FluxAPIGroup.helm, plural: "helmreleases", versions: ["v2", "v2beta2", "v2beta1"], required: false),
    ]

    let client: KubeAPIClient

    /// The snapshot of the cluster, named after its endpoint.
    func snapshot() async throws(KubeAPIFailure) -> ClusterSnapshot {
        var objects: [FluxObject] = []
        for kind in Self.kinds {
            objects += try await list(kind)
        }
        return ClusterSnapshot(name: client.endpoint.name, objects: objects)
    }

    private func list(_ kind: Kind) async throws(KubeAPIFailure) -> [FluxObject] {
        for version in kind.versions {
            let resource = APIResource(group: kind.group, version: version, plural: kind.plural)
            let pages: [Data]
            do {
                pages = try await client.list(resource)
            } catch let failure where failure.reason == .notFound {
                continue
            }
            var objects: [FluxObject] = []
            for (index, page) in pages.enumerated() {
                do {
                    objects += try FluxStatusDocument.objects(from: page)
                } catch {
                    let place = pages.count == 1 ? "" : " (page \(index + 1))"
                    throw KubeAPIFailure(.failed, .runtime, "list \(resource)\(place): unreadable answer: \(DisplayText.escaped(error.message))")
                }
            }
            return objects
        }
        guard kind.required else { return [] }
        let tried = kind.versions.map { "\(kind.group)/\($0)" }.joined(separator: ", ")
        throw KubeAPIFailure(.failed, .badInput, "the API server serves no \(kind.name) API (tried \(tried)); is Flux installed on this cluster?")
    }
}
