import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// Answers one connection's HTTP requests as the Kubernetes API server would.
final class APIHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let state: ServerState
    private let configuration: KubeAPIServer.Configuration
    private let clientDER: [UInt8]
    private var head: HTTPRequestHead?

    init(state: ServerState, configuration: KubeAPIServer.Configuration, clientDER: [UInt8]) {
        self.state = state
        self.configuration = configuration
        self.clientDER = clientDER
    }

    /// The API resources the server knows: plural → (group, kind).
    static let resources: [String: (group: String, kind: String)] = [
        "gitrepositories": ("source.toolkit.fluxcd.io", "GitRepository"),
        "kustomizations": ("kustomize.toolkit.fluxcd.io", "Kustomization"),
        "helmreleases": ("helm.toolkit.fluxcd.io", "HelmRelease"),
    ]

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    // MARK: Routing

    struct Answer: Sendable {
        var status: HTTPResponseStatus
        var body: Data
        var contentType = "application/json"
        var headers: [(String, String)] = []
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let (path, query) = Self.split(head.uri)
        let identity = authenticate(head, context: context)
        state.record(.init(path: path, query: query, identity: identity ?? "none"))

        if let fault = state.takeFault(hasContinue: query["continue"] != nil) {
            switch fault {
            case .hang:
                return
            case .status(let code, let retryAfter, let message):
                var answer = Self.status(code: code, reason: Self.reason(code), message: message ?? Self.message(code))
                if let retryAfter { answer.headers.append(("Retry-After", retryAfter)) }
                return write(answer, context: context)
            case .malformedJSON:
                return write(Answer(status: .ok, body: Data("{\"apiVersion\":\"v1\",\"items\":[{\"kind\":".utf8)), context: context)
            case .oversized(let bytes):
                let padding = String(repeating: "x", count: bytes + 1)
                return write(Answer(status: .ok, body: Data("{\"kind\":\"List\",\"metadata\":{\"annotation\":\"\(padding)\"},\"items\":[]}".utf8)),
                             context: context)
            case .expireContinue:
                return write(Self.status(code: 410, reason: "Expired", message: "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter."),
                             context: context)
            }
        }
        write(route(head, path: path, query: query, identity: identity), context: context)
    }

    private func route(_ head: HTTPRequestHead, path: String, query: [String: String], identity: String?) -> Answer {
        guard head.method == .GET else {
            return Self.status(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource")
        }
        guard let identity else {
            return Self.status(code: 401, reason: "Unauthorized", message: "Unauthorized")
        }
        let parts = path.split(separator: "/").map(String.init)
        // apis/<group>/<version>/<plural>  or  apis/<group>/<version>/namespaces/<ns>/<plural>/<name>
        guard parts.count >= 4, parts[0] == "apis",
              let served = configuration.served[parts[1]], served.contains(parts[2]) else {
            return Answer(status: .notFound, body: Data("404 page not found\n".utf8), contentType: "text/plain; charset=utf-8")
        }
        let group = parts[1]
        let version = parts[2]
        let plural = parts.count == 4 ? parts[3] : parts.count == 7 && parts[3] == "namespaces" ? parts[5] : ""
        guard let resource = Self.resources[plural], resource.group == group else {
            return Answer(status: .notFound, body: Data("404 page not found\n".utf8), contentType: "text/plain; charset=utf-8")
        }
        let user = identity.split(separator: ":", maxSplits: 1).last.map(String.init) ?? identity
        let verb = parts.count == 4 ? "list" : "get"
        if configuration.forbidden.contains(plural) {
            let scope = parts.count == 4 ? "at the cluster scope" : "in the namespace \"\(parts[4])\""
            return Self.status(code: 403, reason: "Forbidden",
                               message: "\(plural).\(group) is forbidden: User \"\(user)\" cannot \(verb) resource \"\(plural)\" in API group \"\(group)\" \(scope)",
                               details: ["group": group, "kind": plural])
        }
        if parts.count == 7 {
            guard var object = state.object(kind: resource.kind, namespace: parts[4], name: parts[6]) else {
                return Self.status(code: 404, reason: "NotFound", message: "\(plural).\(group) \"\(parts[6])\" not found",
                                   details: ["name": parts[6], "group": group, "kind": plural])
            }
            object["apiVersion"] = "\(group)/\(version)"
            return Answer(status: .ok, body: Self.json(object))
        }
        return list(resource: resource, group: group, version: version, query: query)
    }

    private func list(resource: (group: String, kind: String), group: String, version: String, query: [String: String]) -> Answer {
        var start = 0
        var (items, resourceVersion) = state.snapshot(kind: resource.kind, fromStart: query["continue"] == nil)
        if let token = query["continue"] {
            guard let decoded = Self.decodeContinue(token) else {
                return Self.status(code: 400, reason: "BadRequest", message: "continue key is not valid: illegal base64 data")
            }
            start = min(decoded.start, items.count)
            resourceVersion = decoded.resourceVersion
        }
        let limit = query["limit"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? Int.max
        let end = start + min(limit, items.count - start)
        var metadata: [String: Any] = ["resourceVersion": String(resourceVersion)]
        if end < items.count {
            metadata["continue"] = Self.encodeContinue(start: end, resourceVersion: resourceVersion)
            metadata["remainingItemCount"] = items.count - end
        }
        let apiVersion = "\(group)/\(version)"
        let encoded = state.serialized(items, kind: resource.kind, apiVersion: apiVersion, resourceVersion: resourceVersion)
        // `{"apiVersion":…,"items":[…],"kind":…,"metadata":…}` with the cached items spliced in.
        var envelope = Self.json(["apiVersion": apiVersion, "items": [Any](), "kind": "\(resource.kind)List", "metadata": metadata])
        let marker = Data("\"items\":[]".utf8)
        if let range = envelope.range(of: marker) {
            var items = Data("\"items\":[".utf8)
            for (index, item) in encoded[start..<end].enumerated() {
                if index > 0 { items.append(UInt8(ascii: ",")) }
                items.append(item)
            }
            items.append(UInt8(ascii: "]"))
            envelope.replaceSubrange(range, with: items)
        }
        return Answer(status: .ok, body: envelope)
    }

    // MARK: Authentication

    /// `token:<user>`, `basic:<user>` or `cert:<user>`; `nil` when no accepted credential came.
    private func authenticate(_ head: HTTPRequestHead, context: ChannelHandlerContext) -> String? {
        if let header = head.headers.first(name: "Authorization") {
            if header.hasPrefix("Bearer ") {
                let token = String(header.dropFirst("Bearer ".count))
                return configuration.tokens[token].map { "token:\($0)" }
            }
            if header.hasPrefix("Basic "), let data = Data(base64Encoded: String(header.dropFirst("Basic ".count))) {
                let pair = String(decoding: data, as: UTF8.self).split(separator: ":", maxSplits: 1).map(String.init)
                if pair.count == 2, configuration.basic[pair[0]] == pair[1] { return "basic:\(pair[0])" }
                return nil
            }
            return nil
        }
        if configuration.clientCertificates,
           let handler = try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self),
           let peer = handler.peerCertificate, (try? peer.toDERBytes()) == clientDER {
            return "cert:\(TestCertificates.clientUser)"
        }
        return nil
    }

    // MARK: Writing

    private func write(_ answer: Answer, context: ChannelHandlerContext) {
        guard configuration.latency > 0 else { return send(answer, context: context) }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: .nanoseconds(Int64(configuration.latency * 1_000_000_000))) {
            handler.value.send(answer, context: boundContext.value)
        }
    }

    private func send(_ answer: Answer, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: answer.contentType)
        headers.add(name: "Content-Length", value: String(answer.body.count))
        headers.add(name: "Audit-Id", value: UUID().uuidString.lowercased())
        for (name, value) in answer.headers { headers.add(name: name, value: value) }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: answer.status, headers: headers))), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: answer.body.count)
        buffer.writeBytes(answer.body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    static func status(code: Int, reason: String, message: String, details: [String: Any]? = nil) -> Answer {
        var object: [String: Any] = ["kind": "Status", "apiVersion": "v1", "metadata": [String: Any](), "status": "Failure",
                                     "message": message, "reason": reason, "code": code]
        if let details { object["details"] = details }
        return Answer(status: HTTPResponseStatus(statusCode: code), body: json(object))
    }

    static func reason(_ code: Int) -> String {
        switch code {
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 429: "TooManyRequests"
        case 500: "InternalError"
        case 503: "ServiceUnavailable"
        case 504: "Timeout"
        default: "Unknown"
        }
    }

    static func message(_ code: Int) -> String {
        switch code {
        case 429: "Too many requests, please try again later."
        case 500: "Internal error occurred: etcdserver: leader changed"
        case 503: "the server is currently unable to handle the request"
        default: "an error on the server (\"\") has prevented the request from succeeding"
        }
    }

    static func json(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }

    static func split(_ uri: String) -> (path: String, query: [String: String]) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, [:]) }
        var query: [String: String] = [:]
        for pair in uri[uri.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let value = parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
            query[parts[0]] = value
        }
        return (String(uri[..<mark]), query)
    }

    static func encodeContinue(start: Int, resourceVersion: Int) -> String {
        Data("{\"v\":\"meta.k8s.io/v1\",\"rv\":\(resourceVersion),\"start\":\(start)}".utf8).base64EncodedString()
    }

    static func decodeContinue(_ token: String) -> (start: Int, resourceVersion: Int)? {
        guard let data = Data(base64Encoded: token),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let start = object["start"] as? Int, let version = object["rv"] as? Int else { return nil }
        return (start, version)
    }
}
