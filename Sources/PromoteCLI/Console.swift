import Foundation
import Promote

/// The process's terminal facts and output streams, read once.
struct Console: Sendable {
    let stdoutIsTerminal: Bool
    let stderrIsTerminal: Bool
    let stdinIsTerminal: Bool
    let environment: [String: String]

    static func current() -> Console {
        Console(stdoutIsTerminal: isatty(STDOUT_FILENO) == 1, stderrIsTerminal: isatty(STDERR_FILENO) == 1,
                stdinIsTerminal: isatty(STDIN_FILENO) == 1, environment: ProcessInfo.processInfo.environment)
    }

    /// Colour on stdout: only on a terminal, never with `NO_COLOR` or `TERM=dumb`.
    var colorOnStdout: Bool { stdoutIsTerminal && allowsColor }

    /// Colour on stderr, by the same rules.
    var colorOnStderr: Bool { stderrIsTerminal && allowsColor }

    private var allowsColor: Bool {
        (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    /// A person can answer a question: both stdin and stderr are terminals.
    var isInteractive: Bool { stdinIsTerminal && stderrIsTerminal }

    func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    func err(_ line: String) {
        StderrStream.shared.line(line)
    }

    /// Reads one line from stdin; `nil` at end of input.
    func readAnswer() -> String? {
        readLine(strippingNewline: true)
    }
}
