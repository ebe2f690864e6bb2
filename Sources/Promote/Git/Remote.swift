import CGit2
import Foundation

/// Per-operation state that libgit2's C callbacks reach through their payload pointer.
final class TransferContext {
    /// References the remote refused, with the server's reason.
    var rejections: [(reference: String, reason: String)] = []
    /// How often libgit2 asked for credentials during this operation.
    var credentialAttempts = 0
    /// What the server said on its progress channel (`remote: …` lines: hook output, rejections).
    var serverMessages = ""
    /// Progress reporting (see `TransferProgress.swift`): the handler, and what the events name.
    var progress: TransferProgressHandler?
    var operation = TransferProgress.Operation.fetch
    var remoteName = ""
    var lastObjects = 0
    var lastBytes = 0
    /// Credentials, host keys and the diagnosis of a refused connection (see `TransportCallbacks`).
    var authentication: AuthenticationState?
    /// For each reference a push updates: what it pointed at on the remote when the push began (nil: absent).
    var remoteTargetsBeforePush: [String: ObjectID?] = [:]
}

/// libgit2 callbacks as capture-free C function pointers; context arrives through the payload.
enum RemoteCallbacks {
    static let pushUpdateReference: git_push_update_reference_cb = { reference, status, payload in
        guard let payload, let status else { return 0 }
        let context = Unmanaged<TransferContext>.fromOpaque(payload).takeUnretainedValue()
        let name = reference.map { GitPath.decode($0) } ?? "?"
        context.rejections.append((name, GitPath.decode(status)))
        return 0
    }

    /// Records, before the pack is sent, what each reference to update points at on the remote.
    static let pushNegotiation: git_push_negotiation = { updates, count, payload in
        guard let payload, let updates else { return 0 }
        let context = Unmanaged<TransferContext>.fromOpaque(payload).takeUnretainedValue()
        for index in 0..<count {
            guard let update = updates[index]?.pointee, let name = update.dst_refname else { continue }
            var old = update.src
            context.remoteTargetsBeforePush[GitPath.decode(name)] = git_oid_is_zero(&old) == 1 ? nil : ObjectID(old)
        }
        return 0
    }

    /// Keeps what the server prints (hooks' output arrives here), capped so a chatty server cannot fill memory.
    static let serverMessage: git_transport_message_cb = { text, length, payload in
        guard let payload, let text, length > 0 else { return 0 }
        let context = Unmanaged<TransferContext>.fromOpaque(payload).takeUnretainedValue()
        guard context.serverMessages.utf8.count < 16_384 else { return 0 }
        let bytes = UnsafeRawBufferPointer(start: text, count: Int(length))
        context.serverMessages += String(decoding: bytes, as: UTF8.self)
        return 0
    }
}

extension Repository {
    /// The URL of remote `name` exactly as written in the repository's config (before `insteadOf` rules).
    public func remoteURL(_ name: String) -> String? {
        configString("remote.\(name).url")
    }

    /// Whether remote `name` is configured.
    public func hasRemote(_ name: String) -> Bool {
        var remote: OpaquePointer?
        guard git_remote_lookup(&remote, pointer, name) == 0 else { return false }
        git_remote_free(remote)
        return true
    }

    private func lookupRemote(_ name: String) throws -> Owned {
        var remote: OpaquePointer?
        let result = git_remote_lookup(&remote, pointer, name)
        if result == GIT_ENOTFOUND.rawValue || result == GIT_EINVALIDSPEC.rawValue {
            throw PromoteError(.badInput, "no remote named '\(DisplayText.escaped(name))' in this repository (use --remote)")
        }
        try check(result, "look up remote \(name)")
        if let url = transport.instanceURLs[name] {
            try check(git_remote_set_instance_url(remote, url), "use the remote URL")
            try check(git_remote_set_instance_pushurl(remote, url), "use the remote URL")
        }
        let owned = Owned(remote!, owner: self, free: { git_remote_free($0) })
        // An http:// URL may redirect to https://.
        let urls = [git_remote_url(owned.pointer), git_remote_pushurl(owned.pointer)].compactMap { $0.map { String(cString: $0).lowercased() } }
        if urls.contains(where: { $0.hasPrefix("http://") || $0.hasPrefix("https://") }) {
            try Libgit2.trustReady()
        }
        return owned
    }

    /// Fetches with the given refspecs (e.g. `+refs/heads/main:refs/remotes/origin/main`), without tags;
    /// reports progress to `progress` when given, and returns the names of the references the remote
    /// advertised (so a caller can tell a deleted branch).
    @discardableResult
    public func fetch(remote name: String, refspecs: [String], progress: TransferProgressHandler? = nil) throws -> Set<String> {
        let remote = try lookupRemote(name)
        let context = TransferContext()
        context.progress = progress
        context.remoteName = name
        var options = git_fetch_options()
        try check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "prepare fetch")
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
        options.prune = GIT_FETCH_NO_PRUNE
        options.callbacks.credentials = TransportCallbacks.credentials
        options.callbacks.certificate_check = TransportCallbacks.certificateCheck
        context.authentication = authentication(for: remote.pointer, push: false)
        if progress != nil { options.callbacks.transfer_progress = RemoteCallbacks.transferProgress }
        _ = try withExtendedLifetime(context) {
            options.callbacks.payload = Unmanaged.passUnretained(context).toOpaque()
            try StringArray.with(refspecs) { array in
                try diagnosed(context) {
                    try check(git_remote_fetch(remote.pointer, &array, &options, "keos-promote: fetch"),
                              "fetch from \(name)")
                }
            }
        }
        context.reportDone()
        return try advertisedReferences(remote.pointer)
    }

    /// The reference names a remote advertised on its last connection (available after disconnecting).
    private func advertisedReferences(_ remote: OpaquePointer) throws -> Set<String> {
        var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
        var count = 0
        try check(git_remote_ls(&heads, &count, remote), "list the remote references")
        var names = Set<String>()
        for index in 0..<count {
            if let name = heads?[index]?.pointee.name { names.insert(String(cString: name)) }
        }
        return names
    }

    /// Pushes the refspecs (never forced unless a refspec says `+`, which this tool never does).
    ///
    /// A reference the server refuses is a failure even though libgit2 reports success:
    /// throws `PushRejected` listing every refused reference with the server's reason — also when libgit2
    /// itself refuses a push that is not a fast-forward of what the remote advertised. Reports progress to
    /// `progress` when given. Returns what each updated reference pointed at on the remote when the push began
    /// (nil: it did not exist), so that a caller can tell a push that changed nothing — the remote already had
    /// the commit — from one that moved the branch.
    @discardableResult
    public func push(remote name: String, refspecs: [String], progress: TransferProgressHandler? = nil) throws -> [String: ObjectID?] {
        let remote = try lookupRemote(name)
        let context = TransferContext()
        context.progress = progress
        context.operation = .push
        context.remoteName = name
        var options = git_push_options()
        try check(git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION)), "prepare push")
        options.callbacks.push_update_reference = RemoteCallbacks.pushUpdateReference
        options.callbacks.push_negotiation = RemoteCallbacks.pushNegotiation
        options.callbacks.sideband_progress = RemoteCallbacks.serverMessage
        options.callbacks.credentials = TransportCallbacks.credentials
        options.callbacks.certificate_check = TransportCallbacks.certificateCheck
        context.authentication = authentication(for: remote.pointer, push: true)
        if progress != nil {
            options.callbacks.pack_progress = RemoteCallbacks.packProgress
            options.callbacks.push_transfer_progress = RemoteCallbacks.pushTransferProgress
        }
        _ = try withExtendedLifetime(context) {
            options.callbacks.payload = Unmanaged.passUnretained(context).toOpaque()
            do {
                try StringArray.with(refspecs) { array in
                    try diagnosed(context) {
                        try check(git_remote_push(remote.pointer, &array, &options), "push to \(name)")
                    }
                }
            } catch let error as GitError where error.code == GIT_ENONFASTFORWARD.rawValue {
                // Refused before the server was asked (the remote's branch has commits the push would drop).
                let destinations = refspecs.map { String($0.split(separator: ":").last ?? Substring($0)) }
                throw PushRejected(rejections: destinations.map { .init(reference: $0, reason: error.message) })
            }
        }
        if !context.rejections.isEmpty {
            throw PushRejected(rejections: context.rejections.map { .init(reference: $0.reference, reason: $0.reason) },
                               serverMessage: context.serverMessages)
        }
        context.reportDone()
        return context.remoteTargetsBeforePush
    }
}

/// The server refused one or more references of a push.
public struct PushRejected: Error, Equatable, Sendable, CustomStringConvertible {
    public struct Rejection: Equatable, Sendable {
        public var reference: String
        public var reason: String
    }

    public var rejections: [Rejection]
    /// The server's own words (a hook's output), one line each, without progress noise.
    public var serverLines: [String]

    public init(rejections: [Rejection], serverMessage: String = "") {
        self.rejections = rejections
        self.serverLines = serverMessage
            .split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    public var description: String {
        let refused = rejections.map { "\($0.reference) rejected: \($0.reason)" }.joined(separator: "; ")
        return serverLines.isEmpty ? refused : refused + " — remote: " + serverLines.joined(separator: " / ")
    }
}

/// Lends a `git_strarray` view of Swift strings for the duration of one call.
enum StringArray {
    @discardableResult
    static func with<T>(_ strings: [String], _ body: (inout git_strarray) throws -> T) throws -> T {
        let duplicates = strings.map { strdup($0) }
        defer { duplicates.forEach { free($0) } }
        var pointers = duplicates
        return try pointers.withUnsafeMutableBufferPointer { buffer in
            var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            return try body(&array)
        }
    }
}
