import Foundation

/// A private `ssh-agent` listening on a socket of its own, holding only the keys a test adds.
///
/// It runs in the foreground (`-D`) as a `ServerProcess` with its output in a log file, so it never holds a
/// pipe of the test process open, and it is stopped (and reaped) by its process id.
public final class SSHAgent: @unchecked Sendable {
    public let directory: TemporaryDirectory
    /// The agent's socket: `SSH_AUTH_SOCK`.
    public let socket: URL
    private let server: ServerProcess

    /// Starts an empty agent; throws when ssh-agent is missing (install openssh-client: scripts/lib/prerequisites.sh).
    public init() throws {
        guard let agent = ["/usr/bin/ssh-agent", "/usr/local/bin/ssh-agent"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw TestSupportError("ssh-agent is missing: install openssh-client (scripts/lib/prerequisites.sh)")
        }
        // Short: a socket path is limited to about 100 bytes.
        directory = try TemporaryDirectory(prefix: "keos-agent")
        socket = directory.url("agent.sock")
        server = try ServerProcess(agent, ["-D", "-a", socket.path], environment: ["PATH": "/usr/bin:/bin"],
                                   logFile: directory.url("agent.log"))
        guard server.wait(until: { FileManager.default.fileExists(atPath: socket.path) }) else {
            server.stop()
            throw TestSupportError("ssh-agent did not start: \(server.log)")
        }
    }

    /// `SSH_AUTH_SOCK` for the tool.
    public var environment: [String: String] { ["SSH_AUTH_SOCK": socket.path] }

    /// Loads the private key `key` (without passphrase) into the agent.
    public func add(_ key: URL) throws {
        let result = try Shell.run("ssh-add", ["-q", key.path], environment: ["PATH": "/usr/bin:/bin", "SSH_AUTH_SOCK": socket.path])
        guard result.succeeded else { throw TestSupportError("ssh-add \(key.path) failed: \(result.stderr)") }
    }

    /// The fingerprints of the keys it holds (`ssh-add -l`); empty when it holds none.
    public func keys() throws -> [String] {
        let result = try Shell.run("ssh-add", ["-l"], environment: ["PATH": "/usr/bin:/bin", "SSH_AUTH_SOCK": socket.path])
        return result.status == 0 ? result.stdout.split(separator: "\n").map(String.init) : []
    }

    /// Stops the agent; safe to call twice.
    public func stop() { server.stop() }

    deinit { stop() }
}
