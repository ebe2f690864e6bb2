import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Promote

/// A small client for one cluster's Kubernetes API: GET and paginated LIST of JSON resources.
///
/// Authenticates as the endpoint says (bearer token, token file, basic, client certificate, exec plugin;
/// an exec credential is renewed once when the server answers 401), retries 429 and 5xx answers with
/// backoff honouring `Retry-After`, bounds every response body, and turns failures into one-line messages
/// that never hold a secret.
struct KubeAPIClient: Sendable {
    let endpoint: ClusterEndpoint
    let http: HTTPClient
    let credentials: CredentialStore
    let options: KubeClientOptions
    let scrubber: SecretScrubber
    /// The TLS configuration for kubeconfig credentials, built once (`nil` for plain `http://`).
    private let tls: TLSConfiguration?

    init(endpoint: ClusterEndpoint, http: HTTPClient, credentials: CredentialStore, options: KubeClientOptions,
         scrubber: SecretScrubber) throws(PromoteError) {
        self.endpoint = endpoint
        self.http = http
        self.credentials = credentials
        self.options = options
        self.scrubber = scrubber
        tls = endpoint.server.lowercased().hasPrefix("https:") ? try TLSSetup.configuration(for: endpoint) : nil
        scrubber.add(endpoint.secrets)
    }

    /// One page of a list, and the token for the next one.
    struct Page: Sendable {
        var body: Data
        var continueToken: String?
    }

    /// Every page of the cluster-wide collection `resource`, following `continue` tokens.
    ///
    /// A `continue` token that expires mid-way (410 Gone) restarts the list once from the beginning.
    func list(_ resource: APIResource) async throws(KubeAPIFailure) -> [Data] {
        var restarted = false
        while true {
            do {
                return try await listPages(resource)
            } catch let failure where failure.reason == .gone && !restarted {
                restarted = true
            }
        }
    }

    private func listPages(_ resource: APIResource) async throws(KubeAPIFailure) -> [Data] {
        var pages: [Data] = []
        var token: String?
        repeat {
            var query = [("limit", String(options.pageSize))]
            if let token { query.append(("continue", token)) }
            let body = try await get(resource.collectionPath, query: query, verb: "list", resource: resource)
            let meta: ListMeta
            do {
                meta = try JSONDecoder().decode(ListMeta.self, from: body)
            } catch {
                throw KubeAPIFailure(.failed, .runtime, "list \(resource): the API server's answer is not a JSON list (\(Self.jsonProblem(body)))")
            }
            pages.append(body)
            token = meta.metadata?.continue.flatMap { $0.isEmpty ? nil : $0 }
            if pages.count > 10_000 {
                throw KubeAPIFailure(.failed, .runtime, "list \(resource): more than 10000 pages; the server keeps handing out continue tokens")
            }
        } while token != nil
        return pages
    }

    /// The body of a successful GET of `path`.
    func get(_ path: String, query: [(String, String)] = [], verb: String = "get",
             resource: APIResource) async throws(KubeAPIFailure) -> Data {
        let url = endpoint.server + path + Self.queryString(query)
        var attempt = 0
        var renewed = false
        var renewNow = false
        while true {
            attempt += 1
            let credential: RequestCredential
            do {
                credential = try await credentials.credential(for: endpoint, renew: renewNow)
                renewNow = false
            } catch {
                throw KubeAPIFailure(.failed, error.kind, stripClusterPrefix(error.message))
            }
            let answer = try await send(url, credential: credential, verb: verb, resource: resource)
            switch answer.status {
            case 200..<300:
                return answer.body
            case 401 where isExec && !renewed:
                // client-go runs the plugin again once when the server rejects its credential.
                renewed = true
                renewNow = true
                continue
            case 404:
                throw KubeAPIFailure(.notFound, .runtime, failureMessage(answer, verb: verb, resource: resource))
            case 410:
                throw KubeAPIFailure(.gone, .runtime, failureMessage(answer, verb: verb, resource: resource))
            case let status where RetryPolicy.isRetryable(status: status):
                guard let delay = options.retry.delay(afterAttempt: attempt, retryAfter: answer.retryAfter, now: Date()) else {
                    let tries = attempt == 1 ? "" : " (after \(attempt) attempts)"
                    throw KubeAPIFailure(.failed, .runtime, failureMessage(answer, verb: verb, resource: resource) + tries)
                }
                do {
                    try await options.sleep(delay)
                } catch {
                    throw KubeAPIFailure(.failed, .runtime, "\(verb) \(resource): cancelled while waiting to retry")
                }
            default:
                throw KubeAPIFailure(.failed, .runtime, failureMessage(answer, verb: verb, resource: resource))
            }
        }
    }

    private var isExec: Bool {
        if case .exec = endpoint.credential { return true }
        return false
    }

    // MARK: Transport

    private struct Answer {
        var status: Int
        var body: Data
        var retryAfter: String?
    }

    private func send(_ url: String, credential: RequestCredential, verb: String,
                      resource: APIResource) async throws(KubeAPIFailure) -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "keos-promote")
        if let authorization = credential.authorization {
            request.headers.add(name: "Authorization", value: authorization)
        }
        if let tls {
            if let certificate = credential.clientCertificate {
                do {
                    request.tlsConfiguration = try TLSSetup.configuration(for: endpoint, execCertificate: certificate)
                } catch {
                    throw KubeAPIFailure(error)
                }
            } else {
                request.tlsConfiguration = tls
            }
        }
        let deadline = NIODeadline.now() + .nanoseconds(Int64(options.requestTimeout * 1_000_000_000))
        do {
            let response = try await http.execute(request, deadline: deadline)
            let buffer = try await response.body.collect(upTo: options.maxResponseBytes)
            return Answer(status: Int(response.status.code), body: Data(buffer.readableBytesView),
                          retryAfter: response.headers.first(name: "Retry-After"))
        } catch is NIOTooManyBytesError {
            throw KubeAPIFailure(.failed, .runtime, "\(verb) \(resource): the answer is larger than \(options.maxResponseBytes / (1 << 20)) MiB; refusing to read it")
        } catch {
            if TransportErrorText.isCertificateVerifyFailure(error),
               let reason = await TLSDiagnosis.reason(server: endpoint.server, trust: endpoint.trust, timeout: options.requestTimeout) {
                throw KubeAPIFailure(.failed, .runtime, "TLS handshake with \(endpoint.server) failed: \(reason)")
            }
            throw KubeAPIFailure(.failed, .runtime, TransportErrorText.describe(error, server: endpoint.server, options: options, scrub: scrubber.scrub))
        }
    }

    private func failureMessage(_ answer: Answer, verb: String, resource: APIResource) -> String {
        KubeAPIMessages.httpFailure(status: answer.status, body: answer.body, verb: verb, resource: resource,
                                    server: endpoint.server, scrub: scrubber.scrub)
    }

    /// Plugin and token-file errors start with the cluster name already; the caller adds it again.
    private func stripClusterPrefix(_ message: String) -> String {
        let prefix = "\(endpoint.name): "
        return message.hasPrefix(prefix) ? String(message.dropFirst(prefix.count)) : message
    }

    static func queryString(_ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return "" }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return "?" + query.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
    }

    /// Where a body stops being JSON, in a few words.
    static func jsonProblem(_ body: Data) -> String {
        if body.isEmpty { return "empty body" }
        do {
            _ = try JSONSerialization.jsonObject(with: body)
            return "unexpected shape"
        } catch {
            let text = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "not valid JSON"
            return "not valid JSON: " + DisplayText.escaped(text.split(whereSeparator: \.isNewline).joined(separator: " "))
        }
    }

    private struct ListMeta: Decodable {
        struct Metadata: Decodable {
            var `continue`: String?
            var resourceVersion: String?
        }

        var metadata: Metadata?
        var items: [Item]?

        /// Only checks that `items` is a list of objects; the Flux decoder reads them.
        struct Item: Decodable {}
    }
}
