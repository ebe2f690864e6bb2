import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import Promote

/// Reads staging's Flux objects from the Kubernetes API of every configured cluster, concurrently.
///
/// One cluster per kubeconfig context (named after it), or the pod's own cluster in-cluster. Kubeconfig is
/// read at every `readSnapshots()` (so a poll sees a renewed file), exec credentials are reused until they
/// expire. Any cluster that cannot be read fails the whole read, naming each such cluster: verification
/// needs all of them.
public final class KubeStagingSource: StagingSnapshotProvider, Sendable {
    /// Which clusters to read.
    public enum Clusters: Sendable, Equatable {
        /// Contexts of the merged kubeconfig `files` (none: its current context). `explicit` (`--kubeconfig`)
        /// makes a missing file an error; `KUBECONFIG` entries that do not exist are skipped, as kubectl does.
        case kubeconfig(files: [String], explicit: Bool, contexts: [String])
        case inCluster(InClusterConfig)
    }

    public let clusters: Clusters
    private let environment: [String: String]
    private let options: KubeClientOptions
    private let scrubber = SecretScrubber()
    private let credentials: CredentialStore

    /// - Parameters:
    ///   - environment: this process's environment (for exec plugins and their `PATH`).
    ///   - interactive: whether a person can answer an exec plugin's prompt on this terminal.
    public init(_ clusters: Clusters, environment: [String: String], interactive: Bool = false,
                options: KubeClientOptions = KubeClientOptions()) {
        self.clusters = clusters
        self.environment = environment
        self.options = options
        credentials = CredentialStore(plugin: ExecCredentialPlugin(environment: environment, interactive: interactive,
                                                                   timeout: options.execTimeout),
                                      scrubber: scrubber)
    }

    /// Reads every cluster; blocks the calling thread (see `BlockingBridge`).
    public func readSnapshots() throws(PromoteError) -> StagingSnapshots {
        try BlockingBridge.run { () async throws(PromoteError) -> StagingSnapshots in
            try await self.read()
        }
    }

    /// Reads every cluster concurrently.
    public func read() async throws(PromoteError) -> StagingSnapshots {
        let (endpoints, warnings) = try resolveEndpoints()
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: Self.amount(options.connectTimeout), read: Self.amount(options.requestTimeout)),
            decompression: .disabled)
        configuration.httpVersion = .automatic
        let http = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        let outcomes = await readAll(endpoints, http: http)
        try? await http.shutdown()

        var snapshots: [ClusterSnapshot] = []
        var failures: [(name: String, failure: KubeAPIFailure)] = []
        for (endpoint, outcome) in zip(endpoints, outcomes) {
            switch outcome {
            case .success(let snapshot): snapshots.append(snapshot)
            case .failure(let failure): failures.append((endpoint.name, failure))
            }
        }
        guard failures.isEmpty else {
            let kind: PromoteError.Kind = failures.contains { $0.failure.kind == .badInput } ? .badInput : .runtime
            let message = failures.map { "\($0.name): \($0.failure.message)" }.joined(separator: "; ")
            throw PromoteError(kind, scrubber.scrub(message))
        }
        return StagingSnapshots(clusters: snapshots, warnings: warnings)
    }

    private func readAll(_ endpoints: [ClusterEndpoint], http: HTTPClient) async -> [Result<ClusterSnapshot, KubeAPIFailure>] {
        await withTaskGroup(of: (Int, Result<ClusterSnapshot, KubeAPIFailure>).self) { group in
            for (index, endpoint) in endpoints.enumerated() {
                group.addTask { [credentials, options, scrubber] in
                    do throws(KubeAPIFailure) {
                        let client: KubeAPIClient
                        do throws(PromoteError) {
                            client = try KubeAPIClient(endpoint: endpoint, http: http, credentials: credentials, options: options,
                                                       scrubber: scrubber)
                        } catch {
                            throw KubeAPIFailure(error)
                        }
                        return (index, .success(try await FluxAPIReader(client: client).snapshot()))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results = [Result<ClusterSnapshot, KubeAPIFailure>?](repeating: nil, count: endpoints.count)
            for await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }
    }

    /// The endpoints to read, in order, with warnings (insecure TLS).
    func resolveEndpoints() throws(PromoteError) -> ([ClusterEndpoint], [String]) {
        let (endpoints, configured) = try configuredEndpoints()
        var warnings = configured
        if let proxy = ["HTTPS_PROXY", "https_proxy"].first(where: { !(environment[$0] ?? "").isEmpty }) {
            warnings.append("\(proxy) is set, but keos-promote connects to the Kubernetes API servers directly")
        }
        return (endpoints, warnings)
    }

    private func configuredEndpoints() throws(PromoteError) -> ([ClusterEndpoint], [String]) {
        switch clusters {
        case .inCluster(let config):
            return ([try config.endpoint(environment: environment)], [])
        case .kubeconfig(let files, let explicit, let contexts):
            guard !files.isEmpty else {
                throw PromoteError(.badInput, "no kubeconfig found: KUBECONFIG is not set and ~/.kube/config does not exist; pass --kubeconfig FILE")
            }
            let merged = try KubeconfigLoader.load(files, required: explicit)
            guard !merged.files.isEmpty else {
                throw PromoteError(.badInput, "no kubeconfig found: none of \(files.joined(separator: ":")) exists")
            }
            var endpoints: [ClusterEndpoint] = []
            var warnings: [String] = []
            for context in contexts.isEmpty ? [nil] : contexts.map(Optional.some) {
                let (endpoint, notes) = try KubeconfigLoader.endpoint(merged, context: context)
                endpoints.append(endpoint)
                warnings += notes
            }
            return (endpoints, warnings)
        }
    }

    private static func amount(_ seconds: TimeInterval) -> TimeAmount {
        .nanoseconds(Int64(max(0.001, seconds) * 1_000_000_000))
    }
}
