import Foundation

/// A throw-away GnuPG home (`GNUPGHOME`) with keys made for one test; its gpg-agent is stopped when it goes.
public final class GnuPGHome: @unchecked Sendable {
    public let directory: TemporaryDirectory
    private let lock = NSLock()
    private var stopped = false

    /// An empty home (mode 0700, as gpg wants); throws when gpg is missing (scripts/lib/prerequisites.sh installs gnupg).
    public init() throws {
        // Short: gpg-agent's socket lives in it, and socket paths are limited to about 100 bytes.
        directory = try TemporaryDirectory(prefix: "keos-gpg")
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
    }

    /// `GNUPGHOME` for the tool and for git.
    public var environment: [String: String] { ["GNUPGHOME": directory.path] }

    /// Makes an ed25519 signing key for `userID` (`Name <email>`), protected by `passphrase` when given, and
    /// returns its fingerprint. The agent is stopped afterwards, so a passphrase is not cached.
    @discardableResult
    public func makeKey(userID: String, passphrase: String = "") throws -> String {
        let made = try gpg(["--batch", "--pinentry-mode", "loopback", "--passphrase", passphrase,
                            "--quick-gen-key", userID, "ed25519", "sign", "never"])
        guard made.succeeded else { throw TestSupportError("gpg --quick-gen-key failed: \(made.stderr)") }
        _ = try Shell.run("gpgconf", ["--kill", "gpg-agent"], environment: variables)
        let listed = try gpg(["--batch", "--with-colons", "--list-secret-keys", userID])
        let fingerprints = listed.stdout.split(separator: "\n").filter { $0.hasPrefix("fpr:") }
            .compactMap { $0.split(separator: ":", omittingEmptySubsequences: false).dropFirst(9).first.map(String.init) }
        guard let fingerprint = fingerprints.last else { throw TestSupportError("no key listed for \(userID): \(listed)") }
        return fingerprint
    }

    /// Runs gpg with this home.
    public func gpg(_ arguments: [String]) throws -> ProcessResult {
        try Shell.run("gpg", arguments, environment: variables)
    }

    private var variables: [String: String] {
        [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory.path,
            "GNUPGHOME": directory.path,
        ]
    }

    /// Stops the home's gpg-agent (started by gpg on first use) and removes the folder; safe to call twice.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        if stopped { return }
        stopped = true
        _ = try? Shell.run("gpgconf", ["--kill", "all"], environment: variables, timeout: 10)
        directory.remove()
    }

    deinit { stop() }
}
