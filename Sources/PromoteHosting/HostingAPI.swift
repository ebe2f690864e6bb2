import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Promote

/// JSON over HTTP(S) with one provider's API: the token in its header, retries of 429 and 5xx answers with
/// backoff, no redirects (the token goes to the API's own host only), bounded answers, and one-line errors
/// that say what was refused and never hold the token.
struct HostingAPI: Sendable {
    let endpoint: ProposalEndpoint
    /// Every request's headers: authentication, `Accept`, `User-Agent`, API version.
    let headers: [(name: String, value: String)]
    let token: String
    var retry = RetryPolicy(attempts: 4, initialDelay: 0.25, maximumDelay: 2, maximumRetryAfter: 10)
    var timeout: TimeInterval = 30
    var maxResponseBytes = 16 << 20

    /// A successful answer.
    struct Answer: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
    }

    /// `method` on `path` below the API root (or a full URL below it), with `json` as the body; throws a
    /// `PromoteError` for any answer other than 2xx, after retrying those that may succeed later.
    /// `action` names the step in messages (`open the pull request`).
    func send(_ method: HTTPMethod, _ path: String, json: [String: String]? = nil, action: String) throws(PromoteError) -> Answer {
        let url = path.hasPrefix(endpoint.apiURL + "/") ? path : endpoint.apiURL + path
        let body = json.map { try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) } ?? nil
        return try BlockingBridge.run { () async throws(PromoteError) -> Answer in
            try await self.sendWithRetries(method, url: url, body: body, action: action)
        }
    }

    private func sendWithRetries(_ method: HTTPMethod, url: String, body: Data?, action: String) async throws(PromoteError) -> Answer {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow,
                                                     timeout: .init(connect: .seconds(10), read: Self.amount(timeout)))
        configuration.httpVersion = .automatic
        let http = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        let result: Result<Answer, PromoteError>
        do throws(PromoteError) {
            result = .success(try await retrying(http, method, url: url, body: body, action: action))
        } catch {
            result = .failure(error)
        }
        try? await http.shutdown()
        return try result.get()
    }

    private func retrying(_ http: HTTPClient, _ method: HTTPMethod, url: String, body: Data?, action: String) async throws(PromoteError) -> Answer {
        var attempt = 0
        while true {
            attempt += 1
            let answer = try await once(http, method, url: url, body: body, action: action)
            if (200..<300).contains(answer.status) { return answer }
            guard RetryPolicy.isRetryable(status: answer.status),
                  let delay = retry.delay(afterAttempt: attempt, retryAfter: answer.headers.first(name: "Retry-After"), now: Date()) else {
                throw failure(answer, action: action, attempts: attempt)
            }
            try? await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
        }
    }

    private func once(_ http: HTTPClient, _ method: HTTPMethod, url: String, body: Data?, action: String) async throws(PromoteError) -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await http.execute(request, timeout: .seconds(Int64(timeout)))
            let buffer = try await response.body.collect(upTo: maxResponseBytes)
            return Answer(status: Int(response.status.code), headers: response.headers, body: Data(buffer.readableBytesView))
        } catch {
            throw PromoteError(.runtime, "cannot \(action): no answer from the \(endpoint.providerName) API at \(endpoint.apiURL) (\(Self.transportProblem(error, scrub: scrub)))")
        }
    }

    // MARK: Messages

    /// The one-line error for an answer that is not a success.
    func failure(_ answer: Answer, action: String, attempts: Int = 1) -> PromoteError {
        let provider = endpoint.providerName
        let said = serverMessage(answer.body).map { ": \($0)" } ?? ""
        switch answer.status {
        case 401:
            return PromoteError(.runtime, "\(provider) refused the token in \(endpoint.tokenVariable) (401\(said)); check that it is valid and not expired")
        case 403:
            return PromoteError(.runtime, "\(provider) refused to \(action) (403\(said)); the token in \(endpoint.tokenVariable) needs write access to pull requests of \(endpoint.repository)")
        case 404:
            return PromoteError(.runtime, "\(provider) at \(endpoint.apiURL) has no repository \(endpoint.repository), or the token in \(endpoint.tokenVariable) cannot see it (404\(said)); check --repository and --api-url")
        case let status where RetryPolicy.isRetryable(status: status):
            let tries = attempts == 1 ? "" : " after \(attempts) attempts"
            return PromoteError(.runtime, "cannot \(action): the \(provider) API at \(endpoint.apiURL) answered \(status)\(said)\(tries); try again later")
        default:
            return PromoteError(.runtime, "\(provider) refused to \(action) (\(answer.status)\(said))")
        }
    }

    /// What the server said: GitHub's `message` and `errors`, GitLab's `message` (text, list or fields) or
    /// `error`; escaped, shortened, without the token.
    private func serverMessage(_ body: Data) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { return nil }
        var parts: [String] = []
        if let message = object["message"] { parts.append(Self.flatten(message)) }
        if let error = object["error"] as? String { parts.append(error) }
        if let description = object["error_description"] as? String { parts.append(description) }
        if let errors = object["errors"] as? [Any] {
            parts += errors.map { item in
                guard let fields = item as? [String: Any] else { return Self.flatten(item) }
                if let message = fields["message"] as? String { return message }
                return ["resource", "field", "code"].compactMap { fields[$0] as? String }.joined(separator: " ")
            }
        }
        let text = parts.filter { !$0.isEmpty }.joined(separator: "; ")
        guard !text.isEmpty else { return nil }
        let short = text.count > 400 ? String(text.prefix(400)) + "…" : text
        return DisplayText.escaped(scrub(short))
    }

    private static func flatten(_ value: Any) -> String {
        switch value {
        case let text as String: return text
        case let list as [Any]: return list.map(flatten).joined(separator: "; ")
        case let fields as [String: Any]:
            return fields.keys.sorted().map { "\($0) \(flatten(fields[$0]!))" }.joined(separator: "; ")
        default: return "\(value)"
        }
    }

    func scrub(_ text: String) -> String {
        token.count >= 4 ? CredentialRedaction.redact(text).replacingOccurrences(of: token, with: "***") : CredentialRedaction.redact(text)
    }

    private static func transportProblem(_ error: any Error, scrub: (String) -> String) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timed out"
            case .remoteConnectionClosed: return "the connection closed before an answer"
            default: break
            }
        }
        if error is NIOTooManyBytesError { return "the answer is too large" }
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first {
            return describeSocket(first.error, scrub: scrub)
        }
        return describeSocket(error, scrub: scrub)
    }

    private static func describeSocket(_ error: any Error, scrub: (String) -> String) -> String {
        if let io = error as? IOError, io.errnoCode == ECONNREFUSED { return "connection refused" }
        return DisplayText.escaped(scrub(String(describing: error)))
    }

    private static func amount(_ seconds: TimeInterval) -> TimeAmount {
        .nanoseconds(Int64(max(0.001, seconds) * 1_000_000_000))
    }

    /// `text` percent-encoded for one path segment or query value.
    static func encoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// `?a=1&b=2`, values encoded.
    static func query(_ items: [(String, String)]) -> String {
        "?" + items.map { "\($0.0)=\(encoded($0.1))" }.joined(separator: "&")
    }

    /// Decodes `T` from a successful answer, or says the answer was not what the API sends.
    func decode<T: Decodable>(_ type: T.Type, _ answer: Answer, action: String) throws(PromoteError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: answer.body)
        } catch {
            throw PromoteError(.runtime, "cannot \(action): the \(endpoint.providerName) API at \(endpoint.apiURL) answered \(answer.status) with an unexpected body")
        }
    }
}
