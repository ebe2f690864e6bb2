import CGit2
import Foundation

/// What the credential and host-key callbacks of one fetch or push know and remember.
final class AuthenticationState {
    let settings: TransportSettings
    /// The remote URL, redacted: safe for messages.
    let displayURL: String
    let address: RemoteAddress?
    /// Every call of the credential callback, to cap them.
    var attempts = 0
    var sshTried: [SSHIdentity] = []
    var rsaKeys: [String] = []
    var httpAttempts = 0
    /// The diagnosis of a refused connection, shown instead of libgit2's generic message.
    var failure: String?
    /// What `SSH_AUTH_SOCK` leads to, asked once, when an SSH server first asks for a key.
    lazy var agent = SSHAgentState.query(socket: settings.explicitKey == nil ? settings.agentSocket : nil)

    /// At most this many credential requests per operation; libgit2 asks again after each refusal.
    static let maximumAttempts = 6

    init(settings: TransportSettings, url: String) {
        self.settings = settings
        displayURL = CredentialRedaction.redact(url)
        address = RemoteAddress(url)
    }
}

/// The credential and certificate-check callbacks: capture-free, their state arrives through the payload.
enum TransportCallbacks {
    /// Offers, in turn, the explicit key (alone), or the agent and the default key files over SSH, and the
    /// token over HTTPS; after the last one (or `maximumAttempts` requests) fails with a diagnosis.
    static let credentials: git_credential_acquire_cb = { out, _, usernameFromURL, allowedTypes, payload in
        guard let payload, let out else { return GIT_PASSTHROUGH.rawValue }
        let context = Unmanaged<TransferContext>.fromOpaque(payload).takeUnretainedValue()
        context.credentialAttempts += 1
        guard let state = context.authentication else { return GIT_PASSTHROUGH.rawValue }
        let username = usernameFromURL.map { String(cString: $0) } ?? state.address?.user
        return acquire(out, username: username, allowed: allowedTypes, state: state)
    }

    static func acquire(_ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, username: String?,
                        allowed: UInt32, state: AuthenticationState) -> Int32 {
        state.attempts += 1
        func fail(_ message: String) -> Int32 {
            state.failure = state.failure ?? message
            git_error_set_str(Int32(GIT_ERROR_NET.rawValue), message)
            return GIT_EAUTH.rawValue
        }
        if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
            let user = username ?? "git"
            let identities = state.settings.sshIdentities(agent: state.agent) { FileManager.default.fileExists(atPath: $0) }
            guard state.attempts <= AuthenticationState.maximumAttempts, state.sshTried.count < identities.count else {
                return fail(TransportFailure.sshRefused(state.displayURL, tried: state.sshTried, rsaKeys: state.rsaKeys,
                                                        agent: state.agent))
            }
            let identity = identities[state.sshTried.count]
            state.sshTried.append(identity)
            switch identity {
            case .agent:
                return git_credential_ssh_key_from_agent(out, user)
            case .file(let path):
                guard FileManager.default.isReadableFile(atPath: path) else {
                    return fail("cannot read SSH key \(path) (--ssh-key / KEOS_PROMOTE_SSH_KEY)")
                }
                if SSHKeyKind.of(privateKey: path) == .rsa { state.rsaKeys.append(path) }
                let publicKey = FileManager.default.fileExists(atPath: path + ".pub") ? path + ".pub" : nil
                return git_credential_ssh_key_new(out, user, publicKey, path, nil)
            }
        }
        if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 {
            guard state.attempts <= AuthenticationState.maximumAttempts else { return fail(TransportFailure.unsupported(state.displayURL)) }
            return git_credential_username_new(out, username ?? "git")
        }
        if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 {
            state.httpAttempts += 1
            let token = state.settings.httpToken
            guard state.httpAttempts == 1, let token else {
                if state.httpAttempts > 1 { return fail(TransportFailure.httpRefused(state.displayURL, token: token?.variable)) }
                if state.address?.hasPassword == true { return fail(TransportFailure.httpRefused(state.displayURL, token: nil)) }
                return fail(TransportFailure.httpNoCredentials(state.displayURL))
            }
            let user = (state.address?.hasPassword == false ? state.address?.user : nil) ?? "x-access-token"
            return git_credential_userpass_plaintext_new(out, user, token.value)
        }
        return fail(TransportFailure.unsupported(state.displayURL))
    }

    /// SSH host keys must be listed in known_hosts; TLS certificates are left to libgit2's own verification.
    static let certificateCheck: git_transport_certificate_check_cb = { cert, _, host, payload in
        guard let cert, let payload else { return GIT_PASSTHROUGH.rawValue }
        let context = Unmanaged<TransferContext>.fromOpaque(payload).takeUnretainedValue()
        guard cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2, let state = context.authentication else {
            return GIT_PASSTHROUGH.rawValue
        }
        let hostName = host.map { String(cString: $0) } ?? state.address?.host ?? "?"
        let hostkey = UnsafeRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self).pointee
        let result = checkHostKey(hostkey, host: hostName, state: state)
        if let message = result {
            state.failure = message
            git_error_set_str(Int32(GIT_ERROR_SSH.rawValue), message)
            return GIT_ECERTIFICATE.rawValue
        }
        return 0
    }

    /// `nil` when the key is trusted, else why not.
    static func checkHostKey(_ hostkey: git_cert_hostkey, host: String, state: AuthenticationState) -> String? {
        let port = state.address?.effectivePort
        let name = KnownHosts.lookupName(host: host, port: port)
        guard hostkey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostkey.hostkey, hostkey.hostkey_len > 0 else {
            return TransportFailure.noHostKey(name)
        }
        let key = Data(bytes: raw, count: hostkey.hostkey_len)
        let keyType = KnownHosts.keyType(of: key)
        let fingerprint = KnownHosts.fingerprint(of: key)
        let path = state.settings.knownHostsPath
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return TransportFailure.missingKnownHosts(name, keyType: keyType, fingerprint: fingerprint, knownHosts: path)
        }
        switch KnownHosts(text: text).verdict(host: host, port: port, key: key) {
        case .trusted: return nil
        case .revoked: return TransportFailure.revokedHost(name, fingerprint: fingerprint, knownHosts: path)
        case .changed: return TransportFailure.changedHost(name, keyType: keyType, fingerprint: fingerprint, knownHosts: path)
        case .unknown: return TransportFailure.unknownHost(name, host: host, port: port, keyType: keyType, fingerprint: fingerprint, knownHosts: path)
        }
    }
}
