import Foundation

/// Retries with exponential backoff for answers that say "try again": 429 Too Many Requests and 5xx.
///
/// A `Retry-After` header (seconds or an HTTP date) replaces the computed delay, up to `maximumRetryAfter`.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    public var attempts = 5
    /// The delay before the first retry; each further retry doubles it.
    public var initialDelay: TimeInterval = 0.25
    public var maximumDelay: TimeInterval = 8
    /// The longest `Retry-After` honoured; a longer one is shortened to this.
    public var maximumRetryAfter: TimeInterval = 30

    public init(attempts: Int = 5, initialDelay: TimeInterval = 0.25, maximumDelay: TimeInterval = 8,
                maximumRetryAfter: TimeInterval = 30) {
        self.attempts = attempts
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// Whether an answer with this HTTP status may succeed when asked again.
    public static func isRetryable(status: Int) -> Bool {
        status == 429 || status == 500 || status == 502 || status == 503 || status == 504
    }

    /// The delay before the next attempt after attempt `attempt` (1-based) failed retryably, or `nil` when
    /// the attempts are used up.
    public func delay(afterAttempt attempt: Int, retryAfter: String?, now: Date) -> TimeInterval? {
        guard attempt < attempts else { return nil }
        if let retryAfter, let seconds = Self.seconds(retryAfter: retryAfter, now: now) {
            return min(seconds, maximumRetryAfter)
        }
        let exponent = Double(max(0, attempt - 1))
        return min(initialDelay * pow(2, exponent), maximumDelay)
    }

    /// `Retry-After` in seconds: delta-seconds, or an HTTP date (past dates mean now).
    public static func seconds(retryAfter text: String, now: Date) -> TimeInterval? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0 { return TimeInterval(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
