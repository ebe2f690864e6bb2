import Foundation

/// A program running in a real terminal: a private tmux server with one window of a fixed size.
///
/// Drive it the way a person would: `waitFor` text on the screen, `type` an answer, read the screen with
/// `screen()` (with `escapes: true`, the colours and attributes as escape sequences), and `waitForExit` for
/// the exit status. The program runs under `sh`, which prints its exit status on a line of its own when it
/// ends (tmux 3.3 does not always record the status of a pane that ends quickly); `screen()` leaves that line
/// out. The pane stays after the program ends, so its last screen can still be read. The server is killed
/// (by its own socket) when the session is stopped or goes away.
public final class TmuxSession: @unchecked Sendable {
    private let folder: TemporaryDirectory
    private let socket: URL
    private let environment: [String: String]
    private let lock = NSLock()
    private var stopped = false

    /// Starts `executable arguments` in `cwd` in a `width`×`height` terminal with exactly `environment`
    /// (plus tmux's own `TERM`).
    public init(_ executable: String, _ arguments: [String], cwd: URL, environment: [String: String],
                width: Int = 160, height: Int = 60) throws {
        folder = try TemporaryDirectory(prefix: "keos-promote-tmux")
        socket = folder.url("socket")
        self.environment = environment
        let config = folder.url("tmux.conf")
        try "set -g remain-on-exit on\nset -g history-limit 5000\nset -g status off\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let program = ([executable] + arguments).map(Self.shellQuoted).joined(separator: " ")
        let command = "sh -c " + Self.shellQuoted(program + "; printf '\\n\(Self.sentinel)%s\\n' \"$?\"")
        let start = (["tmux", "-S", socket.path, "-f", config.path, "new-session", "-d", "-s", "test", "-x", String(width),
                      "-y", String(height), "-c", cwd.path, command]).map(Self.shellQuoted).joined(separator: " ")
        // The server tmux forks keeps the descriptors it was started with. It must get none of ours: not the
        // output pipes, and not the socket through which Foundation learns that a child ended, or this very
        // command would count as running until the server ends. So every descriptor above 2 is closed first.
        let closeInherited = #"for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null; done; "#
        let result = try Shell.run("bash", ["-c", closeInherited + "exec " + start + " </dev/null >/dev/null 2>"
                                                + Self.shellQuoted(folder.url("start.log").path)], environment: environment)
        guard result.succeeded else {
            let log = (try? String(contentsOf: folder.url("start.log"), encoding: .utf8)) ?? ""
            throw TestSupportError("tmux new-session failed (exit \(result.status)): \(log)")
        }
    }

    /// Whether tmux is installed (`scripts/lib/prerequisites.sh` installs it).
    public static var isAvailable: Bool {
        (try? Shell.run("tmux", ["-V"]))?.succeeded == true
    }

    /// Runs a tmux command against this session's server.
    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        let result = try Shell.run("tmux", ["-S", socket.path] + arguments, environment: environment)
        guard result.succeeded else { throw TestSupportError("tmux \(arguments.joined(separator: " ")) failed: \(result)") }
        return result.stdout
    }

    /// Marks the line with the exit status.
    static let sentinel = "__keos_promote_test_exit_status="

    /// The visible screen and the scrollback without the exit status line, trailing blank lines removed; with
    /// `escapes`, attributes and colours as escape sequences (as tmux renders them).
    public func screen(escapes: Bool = false) throws -> String {
        var text = try rawScreen(escapes: escapes)
        if let marker = text.range(of: "\n" + Self.sentinel) {
            text = String(text[..<marker.lowerBound]) + "\n"
        }
        while text.hasSuffix("\n\n") { text.removeLast() }
        return text
    }

    private func rawScreen(escapes: Bool = false) throws -> String {
        var arguments = ["capture-pane", "-p", "-t", "test", "-S", "-"]
        if escapes { arguments.append("-e") }
        return try tmux(arguments)
    }

    /// Types `text` literally, then Enter when `enter` is set.
    public func type(_ text: String, enter: Bool = true) throws {
        try tmux(["send-keys", "-t", "test", "-l", text])
        if enter { try tmux(["send-keys", "-t", "test", "Enter"]) }
    }

    /// Waits until the screen contains `text`; returns the screen. Throws with the screen after `timeout`.
    @discardableResult
    public func waitFor(_ text: String, timeout: TimeInterval = 30) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestSupportError("\"\(text)\" did not appear within \(Int(timeout))s; the screen shows:\n\(last)")
    }

    /// Waits until the program exits and returns its exit status.
    public func waitForExit(timeout: TimeInterval = 30) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let text = try rawScreen()
            if let marker = text.range(of: Self.sentinel) {
                let digits = text[marker.upperBound...].prefix { $0.isNumber }
                if let status = Int32(digits), text[marker.upperBound...].dropFirst(digits.count).first == "\n" { return status }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestSupportError("the program did not exit within \(Int(timeout))s; the screen shows:\n\((try? screen()) ?? "")")
    }

    /// Kills this session's tmux server; safe to call more than once.
    public func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        _ = try? Shell.run("tmux", ["-S", socket.path, "kill-server"], environment: environment)
    }

    deinit { stop() }

    /// `text` in single quotes for `sh`.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
