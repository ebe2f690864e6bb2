import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A server process started by a test, logging to a file, stopped (SIGTERM, then SIGKILL) and reaped once.
final class ServerProcess: @unchecked Sendable {
    let process: Process
    let logFile: URL
    private let lock = NSLock()
    private var stopped = false

    /// Starts `executable` with `arguments` (in `directory` when given); stdout and stderr go to `logFile`.
    init(_ executable: String, _ arguments: [String], environment: [String: String], logFile: URL,
         directory: URL? = nil) throws {
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        if let directory { process.currentDirectoryURL = directory }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try Shell.startWithDefaultSignals(process)
        try? handle.close()
        self.process = process
        self.logFile = logFile
    }

    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Waits until `ready()` holds while the process runs; false when it died or the time ran out.
    func wait(timeout: TimeInterval = 10, until ready: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard process.isRunning else { return false }
            if ready() { return true }
            usleep(20_000)
        }
        return false
    }

    func stop() {
        lock.lock()
        defer { lock.unlock() }
        if stopped { return }
        stopped = true
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(3)
            while process.isRunning && Date() < deadline { usleep(5_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// A python3 script run as a test server that writes the port it listens on to a file once it is ready.
enum PythonServer {
    /// Writes `script` into `directory`, starts it with `arguments` (the port file's path last), and waits until
    /// the port it wrote accepts connections; throws with the server's log when it does not start.
    static func start(_ script: String, named name: String, arguments: [String], environment: [String: String],
                      in directory: TemporaryDirectory) throws -> (server: ServerProcess, port: UInt16) {
        let file = directory.url("\(name).py")
        try Data(script.utf8).write(to: file)
        let portFile = directory.url("port")
        let python = try Shell.resolve("python3", path: environment["PATH"])
        let server = try ServerProcess(python.path, ["-u", file.path] + arguments + [portFile.path], environment: environment,
                                       logFile: directory.url("\(name).log"))
        var port: UInt16 = 0
        let ready = server.wait {
            guard let text = try? String(contentsOf: portFile, encoding: .utf8), let value = UInt16(text) else { return false }
            port = value
            return GitDaemon.accepts(port: value)
        }
        guard ready else {
            let log = server.log
            server.stop()
            throw TestSupportError("\(name) did not start:\n\(log)")
        }
        return (server, port)
    }
}

/// Throw-away SSH keys made with `ssh-keygen`.
public enum SSHKeys {
    /// Makes a key pair without passphrase at `path` (and `path.pub`); `type` is `ed25519`, `ecdsa` or `rsa`.
    @discardableResult
    public static func make(at path: URL, type: String = "ed25519", comment: String = "keos-promote-test") throws -> String {
        try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        var arguments = ["-q", "-t", type, "-N", "", "-C", comment, "-f", path.path]
        if type == "rsa" { arguments += ["-b", "3072"] }
        let result = try Shell.run("ssh-keygen", arguments)
        guard result.succeeded else { throw TestSupportError("ssh-keygen failed: \(result.stderr)") }
        return try String(contentsOf: path.appendingPathExtension("pub"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `SHA256:…` of the public key file, as `ssh-keygen -l` prints it.
    public static func fingerprint(ofPublicKey path: URL) throws -> String {
        let result = try Shell.run("ssh-keygen", ["-l", "-E", "sha256", "-f", path.path])
        guard result.succeeded, let field = result.stdout.split(separator: " ").dropFirst().first else {
            throw TestSupportError("ssh-keygen -l failed: \(result.stderr)")
        }
        return String(field)
    }
}
