import Foundation
import Testing
import Promote
@testable import PromoteKube

/// Backoff and `Retry-After` decisions, without a server.
@Suite struct RetryPolicyTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)

    @Test func delaysDoubleUpToTheMaximumAndStopAfterTheLastAttempt() {
        let policy = RetryPolicy(attempts: 6, initialDelay: 0.25, maximumDelay: 1)
        let delays = (1...6).map { policy.delay(afterAttempt: $0, retryAfter: nil, now: now) }
        #expect(delays == [0.25, 0.5, 1, 1, 1, nil])
    }

    @Test func retryAfterInSecondsReplacesTheBackoff() {
        let policy = RetryPolicy(attempts: 3, maximumRetryAfter: 30)
        #expect(policy.delay(afterAttempt: 1, retryAfter: "2", now: now) == 2)
        #expect(policy.delay(afterAttempt: 1, retryAfter: "120", now: now) == 30)
        #expect(policy.delay(afterAttempt: 3, retryAfter: "2", now: now) == nil)
    }

    @Test func retryAfterAsAnHTTPDateCountsFromNow() {
        let policy = RetryPolicy()
        let date = Date(timeIntervalSince1970: 1_780_000_005)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        #expect(policy.delay(afterAttempt: 1, retryAfter: formatter.string(from: date), now: now) == 5)
        #expect(policy.delay(afterAttempt: 1, retryAfter: "soon", now: now) == 0.25)
    }

    @Test(arguments: [429, 500, 502, 503, 504])
    func overloadAndServerErrorsAreRetried(status: Int) {
        #expect(RetryPolicy.isRetryable(status: status))
    }

    @Test(arguments: [400, 401, 403, 404, 410, 422, 501])
    func clientErrorsAreNotRetried(status: Int) {
        #expect(!RetryPolicy.isRetryable(status: status))
    }
}
