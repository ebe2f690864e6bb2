import Foundation
import Promote

/// The service-account configuration a pod gets: `KUBERNETES_SERVICE_HOST`/`_PORT`, and the token and CA
/// mounted under `/var/run/secrets/kubernetes.io/serviceaccount` — for a CronJob inside the staging cluster.
public struct InClusterConfig: Sendable, Equatable {
    /// Where Kubernetes mounts the service account.
    public static let defaultFolder = "/var/run/secrets/kubernetes.io/serviceaccount"
    /// The cluster name in reports.
    public static let clusterName = "in-cluster"

    /// The folder holding `token` and `ca.crt`.
    public var folder: String

    public init(folder: String = InClusterConfig.defaultFolder) {
        self.folder = folder
    }

    var tokenPath: String { folder + "/token" }
    var certificateAuthorityPath: String { folder + "/ca.crt" }

    /// Whether this process runs in a pod: the service variables are set and the token is mounted.
    func isAvailable(environment: [String: String], fileExists: (String) -> Bool) -> Bool {
        !(environment["KUBERNETES_SERVICE_HOST"] ?? "").isEmpty && !(environment["KUBERNETES_SERVICE_PORT"] ?? "").isEmpty
            && fileExists(tokenPath)
    }

    /// The endpoint of the cluster this pod runs in.
    ///
    /// - Throws: `PromoteError(.badInput)` when the variables are missing or the token or CA is not mounted.
    func endpoint(environment: [String: String], fileSystem: FileReading = .local) throws(PromoteError) -> ClusterEndpoint {
        let origin = "in-cluster service account (\(folder))"
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty else {
            throw PromoteError(.badInput, "\(origin): KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set")
        }
        guard fileSystem.exists(tokenPath) else {
            throw PromoteError(.badInput, "\(origin): no service-account token at \(tokenPath) (automountServiceAccountToken false?)")
        }
        let authority: Data
        do {
            authority = try fileSystem.read(certificateAuthorityPath)
        } catch {
            throw PromoteError(.badInput, "\(origin): no cluster CA at \(certificateAuthorityPath): \(error.reason)")
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let server = try KubeconfigLoader.serverURL("https://\(hostPart):\(port)", origin: origin)
        return ClusterEndpoint(name: Self.clusterName, server: server, trust: .certificates(pem: authority),
                               credential: .tokenFile(tokenPath), origin: origin)
    }
}
