import Foundation

/// When `verify --wait` checks staging again: soon at first, then less often, never past the deadline.
///
/// Delays start at `initialDelay` and grow by half each poll up to `maximumDelay`; the last delay is cut to
/// end exactly at the deadline, so the final check happens when the time is up. Pure: the caller sleeps.
public struct StagingWait: Sendable, Equatable {
    public var deadline: Date
    public var initialDelay: TimeInterval
    public var maximumDelay: TimeInterval
    /// Polls done so far.
    public private(set) var polls = 0

    public init(timeout: TimeInterval, start: Date, initialDelay: TimeInterval = 1, maximumDelay: TimeInterval = 15) {
        deadline = start.addingTimeInterval(timeout)
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
    }

    /// The delay before the next check, or `nil` when the time is up.
    public mutating func nextDelay(now: Date) -> TimeInterval? {
        let remaining = deadline.timeIntervalSince(now)
        guard remaining > 0 else { return nil }
        let delay = min(initialDelay * pow(1.5, Double(polls)), maximumDelay)
        polls += 1
        return min(delay, remaining)
    }

    /// `waiting for staging (2m10s left, next check in 4s): staging-1 flux-system/apps: …` — one line.
    public func progressLine(now: Date, delay: TimeInterval, reason: String) -> String {
        let left = TimeText.duration(max(0, deadline.timeIntervalSince(now)))
        let next = TimeText.duration(delay.rounded(.up))
        return "waiting for staging (\(left) left, next check in \(next)): \(reason)"
    }
}
