import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import TestSupport

/// A Kubernetes API server for tests, on 127.0.0.1 over TLS, serving Flux objects as the real one does.
///
/// - `GET /apis/<group>/<version>/<plural>` lists cluster-wide: a `<Kind>List` envelope with
///   `metadata.resourceVersion`, honouring `limit` with `continue` tokens and `remainingItemCount`;
///   `GET /apis/<group>/<version>/namespaces/<ns>/<plural>/<name>` gets one object;
/// - only the configured versions of each group are served (others: `404 page not found`);
/// - authentication by bearer token, HTTP basic, or a client certificate signed by the test CA (401 `Status`
///   otherwise); resources in `forbidden` answer 403 with the API server's exact wording;
/// - faults queued with `inject(_:)` answer the next requests instead: HTTP errors with `Retry-After`,
///   silence, malformed JSON, an oversized body, an expired `continue` token.
///
/// Every request is recorded (`requests`) so tests can check what the client sent.
public final class KubeAPIServer: @unchecked Sendable {
    /// Which certificate the server presents.
    public enum Certificate: Sendable {
        case valid, wrongHost, expired
    }

    /// A scripted answer that replaces the normal one.
    public enum Fault: Sendable, Equatable {
        /// An HTTP error with a `Status` body (and `Retry-After` when given; `message` replaces the usual one).
        case status(Int, retryAfter: String? = nil, message: String? = nil)
        /// Accept the request and never answer.
        case hang
        /// 200 with a body that is not JSON.
        case malformedJSON
        /// 200 with a JSON list larger than `bytes`.
        case oversized(bytes: Int)
        /// 410 Expired, but only for a request that carries a `continue` token (others pass).
        case expireContinue
    }

    /// What the server saw of one request.
    public struct Request: Sendable, Equatable {
        public var path: String
        public var query: [String: String]
        /// `token:<value>`, `basic:<user>`, `cert:<user>`, or `none`.
        public var identity: String
    }

    public struct Configuration: Sendable {
        public var certificate: Certificate = .valid
        /// Accepted bearer tokens and the user each stands for.
        public var tokens: [String: String] = [:]
        /// Accepted `user:password` pairs.
        public var basic: [String: String] = [:]
        /// Whether client certificates signed by the test CA are accepted.
        public var clientCertificates = true
        /// Resources (plural) nobody may list, answering 403.
        public var forbidden: Set<String> = []
        /// Added before every answer, as a network round trip would (for benchmarks).
        public var latency: TimeInterval = 0
        /// Served versions per API group, preferred first.
        public var served: [String: [String]] = [
            "source.toolkit.fluxcd.io": ["v1", "v1beta2"],
            "kustomize.toolkit.fluxcd.io": ["v1", "v1beta2"],
            "helm.toolkit.fluxcd.io": ["v2", "v2beta2"],
        ]

        public init(tokens: [String: String] = [:]) {
            self.tokens = tokens
        }
    }

    public let certificates: TestCertificates
    public let configuration: Configuration
    /// `https://127.0.0.1:<port>`.
    public private(set) var url = ""
    public private(set) var port = 0
    private var channel: (any Channel)?
    private let state = ServerState()

    /// Starts serving; stop with `stop()` (also on deinit).
    public init(configuration: Configuration = Configuration(), certificates: TestCertificates? = nil) throws {
        self.certificates = try certificates ?? TestCertificates.shared()
        self.configuration = configuration
        let served = self.certificates
        let presented: TestCertificates.Pair
        switch configuration.certificate {
        case .valid: presented = served.server
        case .wrongHost: presented = served.wrongHost
        case .expired: presented = served.expired
        }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(presented.certificateFile.path).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: presented.keyFile.path, format: .pem)))
        tls.certificateVerification = configuration.clientCertificates ? .optionalVerification : .none
        tls.trustRoots = .file(served.ca.certificateFile.path)
        let context = try NIOSSLContext(configuration: tls)
        let state = self.state
        let configuration = self.configuration
        let clientDER = try NIOSSLCertificate.fromPEMFile(served.client.certificateFile.path).first?.toDERBytes() ?? []

        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(NIOSSLServerHandler(context: context))
                    try sync.configureHTTPServerPipeline(withErrorHandling: true)
                    try sync.addHandler(APIHandler(state: state, configuration: configuration, clientDER: clientDER))
                }
            }
        let channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        self.channel = channel
        port = channel.localAddress?.port ?? 0
        url = "https://127.0.0.1:\(port)"
    }

    deinit { stop() }

    /// Stops listening (open connections end with it).
    public func stop() {
        try? channel?.close().wait()
        channel = nil
    }

    // MARK: Content

    /// Serves the objects of `fixture` (its `items`), replacing what was served.
    public func serve(_ fixture: FluxStatusFixture) {
        serve(items: fixture.jsonObject()["items"] as? [[String: Any]] ?? [])
    }

    /// Serves these objects (each with `kind`, `apiVersion`, `metadata`).
    public func serve(items: [[String: Any]]) {
        state.setItems(items)
    }

    /// After `count` more lists of Kustomizations, serves `fixture` instead (what a reconciliation changes).
    public func serve(_ fixture: FluxStatusFixture, afterKustomizationLists count: Int) {
        state.scheduleItems(fixture.jsonObject()["items"] as? [[String: Any]] ?? [], afterLists: count)
    }

    /// Answers the next requests with these faults, one each, in order.
    public func inject(_ faults: [Fault]) {
        state.inject(faults)
    }

    /// Every request so far, in order of arrival.
    public var requests: [Request] { state.requests }

    /// Forgets the recorded requests.
    public func clearRequests() { state.clearRequests() }
}

// MARK: - State

/// What the server serves and has seen; shared by all connections, guarded by a lock.
final class ServerState: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [[String: Any]] = []
    private var scheduled: (items: [[String: Any]], afterLists: Int)?
    private var faults: [KubeAPIServer.Fault] = []
    private(set) var recorded: [KubeAPIServer.Request] = []
    private var resourceVersion = 4_242_000
    private var serializedCache: [String: [Data]] = [:]

    var requests: [KubeAPIServer.Request] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    func clearRequests() {
        lock.lock()
        recorded = []
        lock.unlock()
    }

    func setItems(_ new: [[String: Any]]) {
        lock.lock()
        items = new
        resourceVersion += 17
        lock.unlock()
    }

    func scheduleItems(_ new: [[String: Any]], afterLists count: Int) {
        lock.lock()
        scheduled = (new, count)
        lock.unlock()
    }

    func inject(_ new: [KubeAPIServer.Fault]) {
        lock.lock()
        faults += new
        lock.unlock()
    }

    func record(_ request: KubeAPIServer.Request) {
        lock.lock()
        recorded.append(request)
        lock.unlock()
    }

    /// The next fault that applies to a request (with or without a `continue` token), removed from the queue.
    func takeFault(hasContinue: Bool) -> KubeAPIServer.Fault? {
        lock.lock()
        defer { lock.unlock() }
        guard let first = faults.first else { return nil }
        if first == .expireContinue && !hasContinue { return nil }
        faults.removeFirst()
        return first
    }

    /// The items of `kind` sorted by namespace and name, and the list's resourceVersion; counts Kustomization
    /// lists for scheduled changes.
    func snapshot(kind: String, fromStart: Bool) -> (items: [[String: Any]], resourceVersion: Int) {
        lock.lock()
        defer { lock.unlock() }
        if kind == "Kustomization" && fromStart, let pending = scheduled {
            if pending.afterLists <= 0 {
                items = pending.items
                resourceVersion += 17
                scheduled = nil
            } else {
                scheduled = (pending.items, pending.afterLists - 1)
            }
        }
        let selected = items.filter { ($0["kind"] as? String) == kind }.sorted { key($0) < key($1) }
        return (selected, resourceVersion)
    }

    /// `items` as JSON with `apiVersion` set, serialized once per list state and version (the server's own
    /// cost should not dominate what benchmarks measure).
    func serialized(_ items: [[String: Any]], kind: String, apiVersion: String, resourceVersion: Int) -> [Data] {
        let key = "\(kind) \(apiVersion) \(resourceVersion) \(items.count)"
        lock.lock()
        if let cached = serializedCache[key] {
            lock.unlock()
            return cached
        }
        lock.unlock()
        let encoded = items.map { item -> Data in
            var copy = item
            copy["apiVersion"] = apiVersion
            return APIHandler.json(copy)
        }
        lock.lock()
        serializedCache[key] = encoded
        lock.unlock()
        return encoded
    }

    func object(kind: String, namespace: String, name: String) -> [String: Any]? {
        lock.lock()
        defer { lock.unlock() }
        return items.first {
            ($0["kind"] as? String) == kind && key($0) == "\(namespace)/\(name)"
        }
    }

    private func key(_ item: [String: Any]) -> String {
        let metadata = item["metadata"] as? [String: Any] ?? [:]
        return "\(metadata["namespace"] as? String ?? "")/\(metadata["name"] as? String ?? "")"
    }
}
