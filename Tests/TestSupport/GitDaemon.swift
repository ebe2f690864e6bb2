import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A `git daemon` serving a folder over `git://127.0.0.1:<port>/`, with pushes enabled.
///
/// Unlike a push to a local path, a push over `git://` runs the served repository's hooks and
/// honours `receive.*` settings, so server policy can be tested. The daemon listens on 127.0.0.1
/// only, on a free port, and is stopped (SIGTERM, then SIGKILL, and reaped) by `stop()` or `deinit`.
public final class GitDaemon: @unchecked Sendable {
    /// The folder whose repositories are served (`--base-path`).
    public let basePath: URL
    /// The port the daemon listens on.
    public let port: UInt16
    /// The daemon's log (`--verbose`), useful when a test fails.
    public let logFile: URL

    private let server: ServerProcess
    private let logDirectory: TemporaryDirectory

    /// Starts a daemon serving `basePath` and waits until it accepts connections. Retries with
    /// another port when the chosen one was taken meanwhile.
    public init(serving basePath: URL, environment: GitEnvironment = .standard, timeout: TimeInterval = 10) throws {
        self.basePath = basePath
        logDirectory = try TemporaryDirectory(prefix: "keos-promote-daemon")
        let execPath = try Shell.git("--exec-path", in: basePath, environment: environment)
        let daemonExecutable = URL(fileURLWithPath: execPath).appendingPathComponent("git-daemon")
        guard FileManager.default.isExecutableFile(atPath: daemonExecutable.path) else {
            throw TestSupportError("\(daemonExecutable.path) is missing: install git's daemon (scripts/lib/prerequisites.sh)")
        }
        var lastError = ""
        for attempt in 1...5 {
            let port = try Self.freePort()
            let log = logDirectory.url("git-daemon-\(attempt).log")
            // The daemon itself, not the `git` wrapper, so that signals reach it.
            let server = try ServerProcess(daemonExecutable.path, [
                "--reuseaddr", "--export-all", "--enable=receive-pack", "--informative-errors", "--verbose",
                "--listen=127.0.0.1", "--port=\(port)", "--base-path=\(basePath.path)",
            ], environment: environment.variables, logFile: log, directory: basePath)
            // "Ready to rumble" is logged once the listening sockets are bound, so a port taken by
            // someone else in the meantime is not mistaken for ours.
            if server.wait(timeout: timeout, until: { server.log.contains("Ready to rumble") && Self.accepts(port: port) }) {
                self.port = port
                self.server = server
                self.logFile = log
                return
            }
            server.stop()
            lastError = server.log
        }
        throw TestSupportError("git daemon did not start on 127.0.0.1:\n\(lastError)")
    }

    /// The URL of `repository` (a path relative to the base path), e.g. `url("origin.git")`.
    public func url(_ repository: String) -> String {
        "git://127.0.0.1:\(port)/\(repository)"
    }

    /// True until the daemon was stopped or died.
    public var isRunning: Bool { server.process.isRunning }

    /// The daemon's log so far.
    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Stops the daemon and waits for it; safe to call more than once.
    public func stop() { server.stop() }

    deinit { stop() }

    // MARK: Server-side settings

    /// Installs an executable hook (`pre-receive`, `update`, …) with `script` in a bare repository.
    public static func installHook(_ name: String, script: String, in repository: URL) throws {
        let hooks = repository.appendingPathComponent("hooks")
        try FileManager.default.createDirectory(at: hooks, withIntermediateDirectories: true)
        let hook = hooks.appendingPathComponent(name)
        try Data(script.utf8).write(to: hook)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
    }

    /// Sets `key` to `value` in the config of `repository` (e.g. `receive.denyNonFastForwards`).
    public static func setConfig(_ key: String, _ value: String, in repository: URL) throws {
        try Shell.git("config", "--file", repository.appendingPathComponent("config").path, key, value, in: repository)
    }

    // MARK: Ports

    /// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
    public static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Loopback.streamType, 0)
        guard fd >= 0 else { throw TestSupportError("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = Loopback.address(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw TestSupportError("bind() failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw TestSupportError("getsockname() failed: errno \(errno)") }
        return UInt16(bigEndian: address.sin_port)
    }

    /// True when something accepts TCP connections on 127.0.0.1:`port`.
    public static func accepts(port: UInt16) -> Bool {
        let fd = Loopback.connect(port: port)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }
}
