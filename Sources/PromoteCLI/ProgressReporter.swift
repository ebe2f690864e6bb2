import Foundation
import Promote

/// Shows fetch and push progress as one line on stderr, redrawn in place, as git does on a terminal.
///
/// `fetching from origin: receiving objects  50% (1/2), 1.2 KiB`, ending as
/// `fetched from origin: 2 objects, 2.3 KiB`; nothing when nothing was transferred. Redraws at most every 100 ms, and always for a new phase or 100 %.
final class ProgressReporter: @unchecked Sendable {
    private let stream: StderrStream
    private let clock: @Sendable () -> UInt64
    private let lock = NSLock()
    private var lastDraw: UInt64 = 0
    private var lastPhase: TransferProgress.Phase?

    /// `clock` returns nanoseconds; injected for tests.
    init(stream: StderrStream = .shared,
         clock: @escaping @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }) {
        self.stream = stream
        self.clock = clock
    }

    /// The handler to give the service.
    var handler: TransferProgressHandler { { [self] event in handle(event) } }

    func handle(_ event: TransferProgress) {
        let remote = DisplayText.escaped(event.remote)
        let (doing, done) = event.operation == .fetch ? ("fetching from", "fetched from") : ("pushing to", "pushed to")
        if event.phase == .done {
            // Below 1 KiB the count says enough (and local transports report no real size).
            let line = "\(done) \(remote): " + Self.count(event.total) + (event.bytes >= 1024 ? ", \(Self.size(event.bytes))" : "")
            stream.finishProgress(line, always: event.total > 0)
            lock.withLock { lastPhase = nil }
            return
        }
        let now = clock()
        let draw = lock.withLock { () -> Bool in
            let due = event.phase != lastPhase || event.current >= event.total || now &- lastDraw >= 100_000_000
            if due {
                lastDraw = now
                lastPhase = event.phase
            }
            return due
        }
        guard draw else { return }
        stream.progress("\(doing) \(remote): " + Self.describe(event))
    }

    /// `receiving objects  50% (1/2), 1.2 KiB`.
    static func describe(_ event: TransferProgress) -> String {
        let percent = event.total > 0 ? min(100, event.current * 100 / event.total) : 100
        var text = "\(event.phase.rawValue) " + String(repeating: " ", count: 3 - String(percent).count)
            + "\(percent)% (\(event.current)/\(event.total))"
        if event.bytes > 0 { text += ", \(size(event.bytes))" }
        return text
    }

    static func count(_ objects: Int) -> String {
        objects == 1 ? "1 object" : "\(objects) objects"
    }

    /// `900 B`, `1.2 KiB`, `3.4 MiB`.
    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes) / 1024
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return String(format: "%.1f", value) + " " + units[unit]
    }
}
