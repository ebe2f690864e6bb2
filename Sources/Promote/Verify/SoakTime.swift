import Foundation

/// How long a Kustomization has run the revision, from its `status.history` (`--min-soak`).
///
/// The revision has run since the earliest `firstReconciled` among successful history entries
/// (`ReconciliationSucceeded`) whose revision counts as R under the descendant rule. Flux merges entries
/// with the same manifest digest and keeps the first time, so content that was identical earlier counts
/// from when it was first applied successfully.
enum SoakTime: Equatable {
    /// The revision has run since `since`, at least the minimum.
    case met(since: Date)
    /// The revision has run since `since`, less than the minimum; it is met at `metAt`.
    case notYet(since: Date, metAt: Date)
    /// The object records no history (Flux before 2.7): soak time cannot be known.
    case noHistory
    /// The history has no successful entry for the revision yet.
    case noEntry

    /// The soak standing for `history`, where `countsAsRevision` tells whether an entry's revision counts as R.
    static func assess(history: [ReconciliationRecord]?, minimum: TimeInterval, now: Date,
                       countsAsRevision: (String) throws -> Bool) rethrows -> SoakTime {
        guard let history, !history.isEmpty else { return .noHistory }
        var since: Date?
        for record in history where record.succeeded {
            guard let revision = record.revision, try countsAsRevision(revision) else { continue }
            since = min(since ?? record.firstReconciled, record.firstReconciled)
        }
        guard let since else { return .noEntry }
        let metAt = since.addingTimeInterval(minimum)
        return metAt <= now ? .met(since: since) : .notYet(since: since, metAt: metAt)
    }
}

/// Durations and times as messages write them.
enum TimeText {
    /// `1h30m`, `12m5s`, `45s` (whole seconds, rounded down).
    static func duration(_ interval: TimeInterval) -> String {
        let total = max(0, Int(interval.rounded(.down)))
        let (hours, minutes, seconds) = (total / 3600, total % 3600 / 60, total % 60)
        var text = ""
        if hours > 0 { text += "\(hours)h" }
        if minutes > 0 { text += "\(minutes)m" }
        if seconds > 0 || text.isEmpty { text += "\(seconds)s" }
        return text
    }

    /// `2025-08-15T10:11:00Z`.
    static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}
