import Foundation

/// Everything written to stderr goes through here, so that a progress line being redrawn in place is ended
/// before any other line appears.
final class StderrStream: @unchecked Sendable {
    /// The process's stderr.
    static let shared = StderrStream(write: { FileHandle.standardError.write(Data($0.utf8)) })

    private let lock = NSLock()
    private let sink: @Sendable (String) -> Void
    private var progressShown = false

    init(write: @escaping @Sendable (String) -> Void) {
        self.sink = write
    }

    /// Writes `line` and a newline, after ending a progress line.
    func line(_ line: String) {
        lock.withLock {
            endProgressLocked()
            sink(line.hasSuffix("\n") ? line : line + "\n")
        }
    }

    /// Writes `text` as is (a question that waits on the same line), after ending a progress line.
    func write(_ text: String) {
        lock.withLock {
            endProgressLocked()
            sink(text)
        }
    }

    /// Redraws the progress line in place (terminals only: carriage return, text, erase to end of line).
    func progress(_ text: String) {
        lock.withLock {
            sink("\r" + text + "\u{1B}[K")
            progressShown = true
        }
    }

    /// Replaces the progress line with `final` and ends it; without a shown line, writes `final` only when
    /// `always` is set.
    func finishProgress(_ final: String, always: Bool = false) {
        lock.withLock {
            if progressShown {
                sink("\r" + final + "\u{1B}[K\n")
                progressShown = false
            } else if always {
                sink(final + "\n")
            }
        }
    }

    private func endProgressLocked() {
        guard progressShown else { return }
        sink("\n")
        progressShown = false
    }
}
