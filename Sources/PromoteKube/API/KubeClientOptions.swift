import Foundation
import Promote

/// Timeouts, retries and limits of the Kubernetes API client; the defaults suit a CLI, tests shorten them.
public struct KubeClientOptions: Sendable {
    /// Establishing the TCP and TLS connection.
    public var connectTimeout: TimeInterval = 10
    /// One request, until its response head arrives; also the longest pause while the body streams in.
    public var requestTimeout: TimeInterval = 30
    /// When to retry 429 and 5xx answers, and how long to wait in between.
    public var retry = RetryPolicy()
    /// The largest response body accepted (one page of a list).
    public var maxResponseBytes = 64 << 20
    /// Objects per page when listing (`limit`); the server hands out `continue` tokens for the rest.
    public var pageSize = 250
    /// How long a credential plugin may run.
    public var execTimeout: TimeInterval = 120
    /// Waits between retries; injectable so tests do not sleep.
    public var sleep: @Sendable (TimeInterval) async throws -> Void = { seconds in
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
    }

    public init() {}
}
