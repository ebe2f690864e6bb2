import CGit2
import Crypto
import Foundation

/// The bare mirror that `--url` works in: `<cache>/keos-promote/<name>.git`, one per remote URL.
///
/// Created on first use; the service fetches into it on every run. A lock file beside it keeps two runs
/// that share the cache from working in it at once: the second waits, then gives up with a clear message.
public final class MirrorCache {
    /// The opened mirror, with remote `remote` pointing at the URL (without credentials).
    public let repository: Repository
    /// The mirror's folder.
    public let path: String
    private let lock: FileLock
    /// When the previous run in this mirror started, if it was killed before it released the lock.
    public var interruptedRunStart: Date? { lock.interruptedRunStart }

    /// Opens (creating when missing) the mirror of `url`, holding its lock until this object is released.
    ///
    /// - Parameters:
    ///   - remote: the remote name inside the mirror.
    ///   - wait: how long to wait for another run holding the lock.
    ///   - log: told when this run waits for another.
    public init(url: String, remote: String, environment: [String: String], wait: TimeInterval = 300,
                log: (String) -> Void = { _ in }) throws {
        guard let address = RemoteAddress(url), address.scheme != "file" else {
            throw PromoteError(.badInput, "--url \(CredentialRedaction.redact(url)): not a remote URL (ssh://, scp-like host:path, https://, http:// or git://); use -C for a local clone")
        }
        let folder = Self.cacheFolder(environment: environment)
        let name = Self.mirrorName(address)
        path = folder + "/" + name + ".git"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw PromoteError(.runtime, "cannot create the cache folder \(folder): \(error.localizedDescription)")
        }
        lock = try FileLock(folder + "/" + name + ".lock", guarding: "the mirror", wait: wait, log: log)
        do {
            let cleanURL = Self.withoutCredentials(url)
            if FileManager.default.fileExists(atPath: path + "/HEAD") {
                repository = try Repository.open(at: path)
                log("using the mirror \(path)")
            } else {
                log("creating the mirror \(path)")
                repository = try Repository.createBare(at: path)
            }
            try repository.ensureRemote(remote, url: cleanURL)
            if cleanURL != url { repository.transport.instanceURLs[remote] = url }
        } catch {
            if let error = error as? GitError { throw PromoteError(.runtime, CredentialRedaction.redact(error.description)) }
            throw error
        }
    }

    /// `$XDG_CACHE_HOME/keos-promote`, else `~/.cache/keos-promote`.
    public static func cacheFolder(environment: [String: String]) -> String {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/keos-promote" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.cache/keos-promote"
    }

    /// `host[-port]-path` made file-name safe, plus a hash of the URL without user or password, so that two
    /// URLs share a mirror exactly when they name the same repository on the same host and port.
    static func mirrorName(_ address: RemoteAddress) -> String {
        let identity = "\(address.scheme ?? "")://\(address.host.lowercased()):\(address.effectivePort ?? 0)/\(address.path)"
        let hash = SHA256.hash(data: Data(identity.utf8)).prefix(5).map { String(format: "%02x", $0) }.joined()
        var path = address.path
        if path.hasSuffix(".git") { path.removeLast(4) }
        let readable = "\(address.host)\(address.port.map { "-\($0)" } ?? "")-\(path)"
        let safe = String(readable.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" ? $0 : "-" }
            .split(separator: "-", omittingEmptySubsequences: true).joined(separator: "-").prefix(80))
        return "\(safe)-\(hash)"
    }

    /// The URL with any `user:password@` reduced to `user@` (a password or token never reaches the disk).
    static func withoutCredentials(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
        let userInfo = rest[..<at]
        let user = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        // A lone token (`https://TOKEN@host`) is a secret too; so is anything beside a password.
        let keep = userInfo.contains(":") ? String(user) + "@" : ""
        return String(url[..<schemeEnd.upperBound]) + keep + String(rest[rest.index(after: at)...])
    }
}

extension Repository {
    /// Makes remote `name` exist with `url`.
    func ensureRemote(_ name: String, url: String) throws {
        var remote: OpaquePointer?
        let found = git_remote_lookup(&remote, pointer, name)
        if found == 0 {
            let current = git_remote_url(remote).map { String(cString: $0) }
            git_remote_free(remote)
            if current != url { try check(git_remote_set_url(pointer, name, url), "set the mirror's remote URL") }
            return
        }
        try check(git_remote_create(&remote, pointer, name, url), "add remote \(name) to the mirror")
        git_remote_free(remote)
    }
}
