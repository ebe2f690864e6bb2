import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An OpenSSH `sshd` on 127.0.0.1 and a free port, with its own host key, serving git over SSH.
///
/// Logs in the current user with the ed25519 key `clientKey` (or any key added with `authorize`), with
/// `git-upload-pack`/`git-receive-pack` run by the user's shell (no `ForceCommand`), so repositories are
/// addressed by absolute path: `url(for:)`. `knownHosts` lists the host key as `[127.0.0.1]:port`.
public final class SSHServer: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let port: UInt16
    /// The host's public key file.
    public let hostPublicKey: URL
    /// An authorized ed25519 private key (`clientKey.pub` beside it).
    public let clientKey: URL
    /// A known_hosts file that trusts this server.
    public let knownHosts: URL
    /// The user that logs in.
    public let user: String
    private let pid: Int32
    private let logFile: URL
    private let lock = NSLock()
    private var stopped = false

    /// Starts sshd; throws when `/usr/sbin/sshd` is missing (install openssh-server: scripts/lib/prerequisites.sh).
    public init() throws {
        let sshd = "/usr/sbin/sshd"
        guard FileManager.default.isExecutableFile(atPath: sshd) else {
            throw TestSupportError("\(sshd) is missing: install openssh-server (scripts/lib/prerequisites.sh)")
        }
        if getuid() == 0 {
            // Privilege separation needs this folder when sshd runs as root.
            try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        }
        directory = try TemporaryDirectory(prefix: "keos-sshd")
        user = String(cString: getpwuid(getuid()).pointee.pw_name)
        let hostKey = directory.url("host_ed25519")
        hostPublicKey = hostKey.appendingPathExtension("pub")
        let hostLine = try SSHKeys.make(at: hostKey, comment: "host")
        clientKey = directory.url("client/id_ed25519")
        try SSHKeys.make(at: clientKey, comment: "client")
        try Data().write(to: directory.url("authorized_keys"))

        var lastLog = ""
        for attempt in 1...5 {
            let port = try GitDaemon.freePort()
            let config = directory.url("sshd_config-\(attempt)")
            try Data("""
                Port \(port)
                ListenAddress 127.0.0.1
                HostKey \(hostKey.path)
                PidFile \(directory.url("sshd.pid").path)
                AuthorizedKeysFile \(directory.url("authorized_keys").path)
                StrictModes no
                UsePAM no
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PubkeyAuthentication yes
                PermitRootLogin prohibit-password
                PermitUserEnvironment yes
                AllowUsers \(user)
                LogLevel VERBOSE
                MaxStartups 100

                """.utf8).write(to: config)
            let log = directory.url("sshd-\(attempt).log")
            let pidFile = directory.url("sshd.pid")
            try? FileManager.default.removeItem(at: pidFile)
            // sshd daemonizes: it closes every inherited descriptor, which Foundation's Process would take
            // for the child's exit (and then block in waitpid), so it must not stay a Process child.
            let started = try Shell.run(sshd, ["-f", config.path, "-E", log.path], environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"])
            var pid: Int32 = 0
            let deadline = Date().addingTimeInterval(10)
            while started.succeeded && Date() < deadline {
                if let text = try? String(contentsOf: pidFile, encoding: .utf8),
                   let value = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), GitDaemon.accepts(port: port) {
                    pid = value
                    break
                }
                usleep(20_000)
            }
            if pid > 0 {
                self.port = port
                self.pid = pid
                self.logFile = log
                knownHosts = directory.url("known_hosts")
                let fields = hostLine.split(separator: " ")
                try Data("[127.0.0.1]:\(port) \(fields[0]) \(fields[1])\n".utf8).write(to: knownHosts)
                try authorize(publicKeyOf: clientKey)
                return
            }
            lastLog = started.stderr + ((try? String(contentsOf: log, encoding: .utf8)) ?? "")
            if let text = try? String(contentsOf: pidFile, encoding: .utf8), let value = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                kill(value, SIGTERM)
            }
        }
        throw TestSupportError("sshd did not start on 127.0.0.1:\n\(lastLog)")
    }

    /// `ssh://user@127.0.0.1:port/<absolute path>`.
    public func url(for repository: URL) -> String {
        "ssh://\(user)@127.0.0.1:\(port)\(repository.path)"
    }

    /// Lets the key whose private half is `key` log in; git on the server gets a fixed identity.
    public func authorize(publicKeyOf key: URL) throws {
        let line = try String(contentsOf: key.appendingPathExtension("pub"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let options = [
            "GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=Server", "GIT_AUTHOR_EMAIL=server@example.com",
            "GIT_COMMITTER_NAME=Server", "GIT_COMMITTER_EMAIL=server@example.com",
        ].map { "environment=\"\($0)\"" }.joined(separator: ",")
        let file = directory.url("authorized_keys")
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data("\(options) \(line)\n".utf8))
    }

    /// sshd's log so far (authentication decisions appear here).
    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Stops the daemon (SIGTERM; it is not our child, so there is nothing to reap); safe to call twice.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        if stopped { return }
        stopped = true
        kill(pid, SIGTERM)
    }

    deinit { stop() }
}
