import Foundation
import Promote

/// The kubeconfig files in effect, merged the way kubectl merges them.
///
/// Files are taken in order and the first file to define a cluster, user or context name (or the
/// `current-context`) wins; later files never override it.
struct MergedKubeconfig: Sendable, Equatable {
    /// The files read, in order (for messages).
    var files: [String]
    var currentContext: String?
    var clusters: [String: KubeCluster] = [:]
    var users: [String: KubeUser] = [:]
    var contexts: [String: KubeContext] = [:]

    /// Merges `configs`, first wins per key.
    init(_ configs: [Kubeconfig]) {
        files = configs.map(\.path)
        for config in configs {
            if currentContext == nil { currentContext = config.currentContext }
            clusters.merge(config.clusters) { first, _ in first }
            users.merge(config.users) { first, _ in first }
            contexts.merge(config.contexts) { first, _ in first }
        }
    }

    /// `/a/config` or `/a/config:/b/config`, as a user would write KUBECONFIG.
    var filesText: String { files.joined(separator: ":") }
}

/// Loads kubeconfig files and resolves contexts into `ClusterEndpoint`s.
enum KubeconfigLoader {
    /// Reads and merges `paths`.
    ///
    /// - Parameter required: when true (`--kubeconfig`), a missing file is an error; otherwise (entries of
    ///   `KUBECONFIG`) it is skipped, as kubectl skips it.
    /// - Throws: `PromoteError(.badInput)` naming the file that is missing, unreadable or malformed.
    static func load(_ paths: [String], required: Bool, fileSystem: FileReading = .local) throws(PromoteError) -> MergedKubeconfig {
        var configs: [Kubeconfig] = []
        var seen: Set<String> = []
        for path in paths where !path.isEmpty && seen.insert(path).inserted {
            guard fileSystem.exists(path) else {
                if required { throw PromoteError(.badInput, "\(path): no such kubeconfig file") }
                continue
            }
            let data: Data
            do {
                data = try fileSystem.read(path)
            } catch {
                throw PromoteError(.badInput, "\(path): cannot read kubeconfig: \(error.reason)")
            }
            configs.append(try KubeconfigParser.parse(data, path: path))
        }
        return MergedKubeconfig(configs)
    }

    /// The endpoint of context `name` (the current context when nil), with warnings to show.
    ///
    /// - Throws: `PromoteError(.badInput)` for an unknown context, a context naming a missing cluster or user,
    ///   an unreadable certificate or key file, a legacy `auth-provider`, or a server that is not a URL.
    static func endpoint(_ config: MergedKubeconfig, context name: String?,
                         fileSystem: FileReading = .local) throws(PromoteError) -> (endpoint: ClusterEndpoint, warnings: [String]) {
        guard let contextName = name ?? config.currentContext else {
            throw PromoteError(.badInput, "\(config.filesText): no current-context is set; pass --context NAME (\(available(config)))")
        }
        guard let context = config.contexts[contextName] else {
            throw PromoteError(.badInput, "\(config.filesText): no context named \(DisplayText.escaped(contextName)) (\(available(config)))")
        }
        let origin = "context \(contextName) in \(context.file)"
        guard let cluster = config.clusters[context.cluster] else {
            throw PromoteError(.badInput, "\(origin): cluster \(DisplayText.escaped(context.cluster)) is not defined in \(config.filesText)")
        }
        let user: KubeUser
        if context.user.isEmpty {
            user = KubeUser(file: context.file)
        } else if let found = config.users[context.user] {
            user = found
        } else {
            throw PromoteError(.badInput, "\(origin): user \(DisplayText.escaped(context.user)) is not defined in \(config.filesText)")
        }
        /// Inline `-data`, else the content of the referenced file.
        func material(_ inline: Data?, _ path: String?, _ field: String) throws(PromoteError) -> Data? {
            if let inline { return inline }
            guard let path else { return nil }
            guard fileSystem.exists(path) else { throw PromoteError(.badInput, "\(origin): \(field) \(path): no such file") }
            do {
                return try fileSystem.read(path)
            } catch {
                throw PromoteError(.badInput, "\(origin): \(field) \(path): \(error.reason)")
            }
        }

        let server = try serverURL(cluster.server, origin: origin)
        var warnings: [String] = []
        let trust: ClusterEndpoint.ServerTrust
        let authority = try material(cluster.certificateAuthorityData, cluster.certificateAuthority, "certificate-authority")
        if cluster.insecureSkipTLSVerify {
            if authority != nil {
                throw PromoteError(.badInput, "\(origin): cluster \(context.cluster) sets both insecure-skip-tls-verify and a certificate-authority; choose one")
            }
            trust = .insecure
            if server.hasPrefix("https:") {
                warnings.append("\(contextName): insecure-skip-tls-verify is set in \(cluster.file): the API server's certificate is not verified")
            }
        } else {
            trust = authority.map { .certificates(pem: $0) } ?? .system
        }

        if cluster.proxyURL != nil {
            warnings.append("\(contextName): proxy-url in \(cluster.file) is not supported; connecting to \(server) directly")
        }
        if let name = cluster.tlsServerName {
            warnings.append("\(contextName): tls-server-name \(DisplayText.escaped(name)) in \(cluster.file) is not supported; the certificate must name the server's host")
        }
        if user.impersonate != nil {
            warnings.append("\(contextName): impersonation (as) in \(user.file) is not supported; reading as the user itself")
        }
        let certificate = try material(user.clientCertificateData, user.clientCertificate, "client-certificate")
        let key = try material(user.clientKeyData, user.clientKey, "client-key")
        var clientCertificate: ClusterEndpoint.ClientCertificate?
        switch (certificate, key) {
        case (let certificate?, let key?):
            clientCertificate = .init(certificatePEM: certificate, keyPEM: key)
        case (.some, nil):
            throw PromoteError(.badInput, "\(origin): user \(context.user) has a client certificate but no client-key")
        case (nil, .some):
            throw PromoteError(.badInput, "\(origin): user \(context.user) has a client-key but no client certificate")
        case (nil, nil):
            clientCertificate = nil
        }

        let credential: ClusterEndpoint.Credential
        if let provider = user.authProvider {
            throw PromoteError(.badInput, "\(origin): user \(context.user) uses auth-provider \(DisplayText.escaped(provider)), which kubectl removed; configure its exec credential plugin instead (e.g. kubelogin, gke-gcloud-auth-plugin)")
        } else if let exec = user.exec {
            credential = .exec(exec, cacheKey: "\(user.file)#\(context.user)")
        } else if let tokenFile = user.tokenFile {
            guard fileSystem.exists(tokenFile) else { throw PromoteError(.badInput, "\(origin): tokenFile \(tokenFile): no such file") }
            credential = .tokenFile(tokenFile)
        } else if let token = user.token {
            credential = .token(token)
        } else if let username = user.username, let password = user.password {
            credential = .basic(username: username, password: password)
        } else {
            credential = .none
        }
        let endpoint = ClusterEndpoint(name: contextName, server: server, trust: trust, clientCertificate: clientCertificate,
                                       credential: credential, origin: origin)
        return (endpoint, warnings)
    }

    /// `contexts: a, b (current: a)` for messages.
    private static func available(_ config: MergedKubeconfig) -> String {
        let names = config.contexts.keys.sorted().map(DisplayText.escaped)
        return names.isEmpty ? "it defines no contexts" : "contexts: \(names.joined(separator: ", "))"
    }

    /// The server URL without a trailing slash; only `https://` and `http://` with a host.
    static func serverURL(_ text: String, origin: String) throws(PromoteError) -> String {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["https", "http"].contains(scheme),
              let host = url.host, !host.isEmpty else {
            throw PromoteError(.badInput, "\(origin): server \(DisplayText.escaped(CredentialRedaction.redact(text))) is not an https:// URL")
        }
        guard url.user == nil, url.password == nil else {
            throw PromoteError(.badInput, "\(origin): server URL \(CredentialRedaction.redact(text)) carries credentials; put them in the user entry")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }
}

/// The few file-system reads kubeconfig loading needs; injectable so tests need no real home folder.
struct FileReading: Sendable {
    struct Failure: Error {
        var reason: String
    }

    var exists: @Sendable (String) -> Bool
    var read: @Sendable (String) throws(Failure) -> Data

    static let local = FileReading(
        exists: { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        },
        read: { path throws(Failure) in
            do {
                return try Data(contentsOf: URL(fileURLWithPath: path))
            } catch let error as CocoaError where error.code == .fileReadNoPermission {
                throw Failure(reason: "permission denied")
            } catch {
                throw Failure(reason: "cannot be read")
            }
        })
}
