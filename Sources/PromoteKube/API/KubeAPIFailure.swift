import Foundation
import Promote

/// One API resource addressed by a request: what a 403 names and what messages call the request.
struct APIResource: Sendable, Equatable, CustomStringConvertible {
    var group: String
    var version: String
    /// The plural resource name, e.g. `kustomizations`.
    var plural: String

    /// `/apis/<group>/<version>/<plural>`: the cluster-wide collection.
    var collectionPath: String { group.isEmpty ? "/api/\(version)/\(plural)" : "/apis/\(group)/\(version)/\(plural)" }

    /// `kustomizations.kustomize.toolkit.fluxcd.io/v1`.
    var description: String { group.isEmpty ? "\(plural)/\(version)" : "\(plural).\(group)/\(version)" }
}

/// A request that failed, before the cluster name is put in front of the message.
struct KubeAPIFailure: Error, Sendable {
    enum Reason: Sendable, Equatable {
        /// 404: the resource (or its API version) is not served.
        case notFound
        /// 410: a `continue` token expired.
        case gone
        /// Anything else; `kind` decides the exit code.
        case failed
    }

    var reason: Reason
    var kind: PromoteError.Kind
    var message: String

    init(_ reason: Reason = .failed, _ kind: PromoteError.Kind = .runtime, _ message: String) {
        self.reason = reason
        self.kind = kind
        self.message = message
    }

    init(_ error: PromoteError) {
        self.init(.failed, error.kind, error.message)
    }
}

/// The `Status` object the API server sends with an error.
struct APIStatus: Decodable, Sendable {
    var kind: String?
    var message: String?
    var reason: String?
    var code: Int?

    /// The status in `body`, when the body is one.
    static func decode(_ body: Data) -> APIStatus? {
        guard let status = try? JSONDecoder().decode(APIStatus.self, from: body), status.kind == "Status" else { return nil }
        return status
    }
}

/// Messages for failed requests; pure, so each wording is tested without a server.
enum KubeAPIMessages {
    /// The message for an HTTP error answer to `verb` on `resource`.
    static func httpFailure(status: Int, body: Data, verb: String, resource: APIResource, server: String,
                            scrub: (String) -> String) -> String {
        let apiStatus = APIStatus.decode(body)
        let said = serverSaid(apiStatus, body: body, scrub: scrub)
        switch status {
        case 401:
            return "the API server at \(server) rejected the credentials (401 Unauthorized\(said)); the token or certificate may have expired, or belongs to another cluster"
        case 403:
            return "permission denied: this identity may not \(verb) \(resource.plural) in API group \(resource.group) at the cluster scope (403 Forbidden\(said)); grant get and list on gitrepositories, kustomizations and helmreleases (see deploy/rbac.yaml)"
        default:
            let reason = apiStatus?.reason.map { " \($0)" } ?? ""
            return "\(verb) \(resource) failed: HTTP \(status)\(reason)\(said)"
        }
    }

    /// `: <message>` from the server's Status, or the start of a non-JSON body; empty when there is none.
    private static func serverSaid(_ status: APIStatus?, body: Data, scrub: (String) -> String) -> String {
        var text = status?.message ?? ""
        if status == nil, let plain = String(data: body.prefix(300), encoding: .utf8),
           !plain.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, !plain.contains("{") {
            text = plain
        }
        text = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return "" }
        if text.count > 300 { text = String(text.prefix(300)) + "…" }
        return ": " + DisplayText.escaped(scrub(text))
    }
}
