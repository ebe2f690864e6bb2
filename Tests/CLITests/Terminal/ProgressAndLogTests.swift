import Foundation
import Logging
import Testing
@testable import Promote
@testable import PromoteCLI

/// The progress line and the log lines, as bytes on stderr.
@Suite("Progress line and log handler")
struct ProgressAndLogTests {
    /// Collects what is written to a stream.
    final class Sink: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        func write(_ piece: String) { lock.withLock { text += piece } }
        var written: String { lock.withLock { text } }
    }

    final class Clock: @unchecked Sendable {
        var now: UInt64 = 0
    }

    private func event(_ phase: TransferProgress.Phase, _ current: Int, _ total: Int, bytes: Int = 0,
                       _ operation: TransferProgress.Operation = .fetch) -> TransferProgress {
        TransferProgress(operation: operation, remote: "origin", phase: phase, current: current, total: total, bytes: bytes)
    }

    @Test("redrawn in place at most every 100 ms, always for a new phase and at 100 %, then ended by the done line")
    func progressLine() {
        let sink = Sink()
        let clock = Clock()
        let reporter = ProgressReporter(stream: StderrStream(write: sink.write), clock: { [clock] in clock.now })
        reporter.handle(event(.receiving, 1, 4, bytes: 100))
        clock.now = 50_000_000
        reporter.handle(event(.receiving, 2, 4, bytes: 2048))   // too soon: skipped
        clock.now = 150_000_000
        reporter.handle(event(.receiving, 3, 4, bytes: 3072))
        reporter.handle(event(.receiving, 4, 4, bytes: 4096))   // 100 %: always drawn
        reporter.handle(event(.resolving, 1, 2, bytes: 4096))   // new phase: always drawn
        reporter.handle(event(.done, 4, 4, bytes: 4096))
        #expect(sink.written == "\rfetching from origin: receiving objects  25% (1/4), 100 B\u{1B}[K"
                + "\rfetching from origin: receiving objects  75% (3/4), 3.0 KiB\u{1B}[K"
                + "\rfetching from origin: receiving objects 100% (4/4), 4.0 KiB\u{1B}[K"
                + "\rfetching from origin: resolving deltas  50% (1/2), 4.0 KiB\u{1B}[K"
                + "\rfetched from origin: 4 objects, 4.0 KiB\u{1B}[K\n")
    }

    @Test("nothing transferred: no line at all; a push that sent objects without a drawn line still says so")
    func doneWithoutProgress() {
        let sink = Sink()
        let reporter = ProgressReporter(stream: StderrStream(write: sink.write), clock: { 0 })
        reporter.handle(event(.done, 0, 0))
        #expect(sink.written.isEmpty)
        reporter.handle(event(.done, 5, 5, bytes: 900, .push))
        #expect(sink.written == "pushed to origin: 5 objects\n")
    }

    @Test("a log line ends a progress line first, so they never share a line")
    func logAfterProgress() {
        let sink = Sink()
        let stream = StderrStream(write: sink.write)
        stream.progress("fetching from origin: receiving objects  50% (1/2)")
        var logger = Logger(label: "test") { _ in ConsoleLogHandler(level: .debug, color: false, stream: stream) }
        logger.logLevel = .debug
        logger.warning("careful\u{1B}[2J", metadata: ["cluster": "staging-1"])
        #expect(sink.written == "\rfetching from origin: receiving objects  50% (1/2)\u{1B}[K\nwarning: careful\\u{1B}[2J cluster=staging-1\n")
    }

    @Test("levels: --verbose shows debug, the default notices, --quiet warnings; colour only when asked")
    func levels() {
        #expect(ConsoleLogHandler.format(.info, "fetching", metadata: [:], color: false) == "info: fetching")
        #expect(ConsoleLogHandler.format(.error, "bad", metadata: [:], color: true) == "\u{1B}[31merror:\u{1B}[0m bad")
        #expect(ConsoleLogHandler.format(.debug, "x", metadata: [:], color: true) == "\u{1B}[2mdebug:\u{1B}[0m x")
        #expect(Logger.console(verbose: true, quiet: false, color: false).logLevel == .debug)
        #expect(Logger.console(verbose: false, quiet: false, color: false).logLevel == .notice)
        #expect(Logger.console(verbose: false, quiet: true, color: false).logLevel == .warning)
    }
}
