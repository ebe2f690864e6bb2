import Foundation
import Promote
import Yams

/// Reads one kubeconfig file (YAML or JSON) into a `Kubeconfig`.
///
/// Strict where a wrong value would make the tool talk to the wrong place or with the wrong identity (a
/// missing `server`, undecodable `-data`, an unknown exec API version); tolerant of everything kubectl
/// ignores too (unknown fields, `preferences`, `extensions`). Messages name the file and the place in it,
/// never a value: a kubeconfig holds secrets.
enum KubeconfigParser {
    /// Parses `data`, the content of `path`; relative file references resolve against `path`'s folder.
    ///
    /// - Throws: `PromoteError(.badInput, "<path>: malformed kubeconfig: <place>: <problem>")`.
    static func parse(_ data: Data, path: String) throws(PromoteError) -> Kubeconfig {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard let text = String(data: data, encoding: .utf8) else {
            throw malformed(path, "not UTF-8 text")
        }
        if text.allSatisfy({ $0.isWhitespace }) { return Kubeconfig(path: path) }
        let wire: WireConfig
        do {
            wire = try YAMLDecoder().decode(WireConfig.self, from: text)
        } catch let error as YamlError {
            throw malformed(path, describe(error))
        } catch DecodingError.dataCorrupted(let context) where context.underlyingError is YamlError {
            throw malformed(path, describe(context.underlyingError as! YamlError))
        } catch let error as DecodingError {
            throw malformed(path, describe(error))
        } catch {
            throw malformed(path, "cannot be read as YAML")
        }
        return try convert(wire, path: path, folder: folder)
    }

    private static func malformed(_ path: String, _ problem: String) -> PromoteError {
        PromoteError(.badInput, "\(path): malformed kubeconfig: \(DisplayText.escaped(problem))")
    }

    private static func convert(_ wire: WireConfig, path: String, folder: String) throws(PromoteError) -> Kubeconfig {
        var config = Kubeconfig(path: path, currentContext: nonEmpty(wire.currentContext))
        func resolve(_ file: String?) -> String? {
            guard let file = nonEmpty(file) else { return nil }
            return file.hasPrefix("/") ? file : URL(fileURLWithPath: folder).appendingPathComponent(file).standardizedFileURL.path
        }
        for (index, entry) in (wire.clusters ?? []).enumerated() {
            let place = "clusters[\(index)]"
            guard let name = nonEmpty(entry.name) else { throw malformed(path, "\(place): missing \"name\"") }
            guard let cluster = entry.cluster else { throw malformed(path, "\(place): missing \"cluster\"") }
            guard let server = nonEmpty(cluster.server) else { throw malformed(path, "\(place).cluster: missing \"server\"") }
            if config.clusters[name] != nil { continue }
            config.clusters[name] = KubeCluster(
                server: server, certificateAuthority: resolve(cluster.certificateAuthority),
                certificateAuthorityData: try base64(cluster.certificateAuthorityData, "\(place).cluster.certificate-authority-data", path),
                insecureSkipTLSVerify: cluster.insecureSkipTLSVerify ?? false, tlsServerName: nonEmpty(cluster.tlsServerName),
                proxyURL: nonEmpty(cluster.proxyURL), file: path)
        }
        for (index, entry) in (wire.users ?? []).enumerated() {
            let place = "users[\(index)]"
            guard let name = nonEmpty(entry.name) else { throw malformed(path, "\(place): missing \"name\"") }
            if config.users[name] != nil { continue }
            let user = entry.user ?? WireUser()
            var exec: ExecConfig?
            if let wireExec = user.exec {
                exec = try execConfig(wireExec, place: "\(place).user.exec", path: path, resolve: resolve)
            }
            config.users[name] = KubeUser(
                token: nonEmpty(user.token), tokenFile: resolve(user.tokenFile),
                clientCertificate: resolve(user.clientCertificate),
                clientCertificateData: try base64(user.clientCertificateData, "\(place).user.client-certificate-data", path),
                clientKey: resolve(user.clientKey),
                clientKeyData: try base64(user.clientKeyData, "\(place).user.client-key-data", path),
                username: nonEmpty(user.username), password: nonEmpty(user.password), exec: exec,
                authProvider: nonEmpty(user.authProvider?.name), impersonate: nonEmpty(user.impersonate), file: path)
        }
        for (index, entry) in (wire.contexts ?? []).enumerated() {
            let place = "contexts[\(index)]"
            guard let name = nonEmpty(entry.name) else { throw malformed(path, "\(place): missing \"name\"") }
            guard let context = entry.context else { throw malformed(path, "\(place): missing \"context\"") }
            if config.contexts[name] != nil { continue }
            config.contexts[name] = KubeContext(cluster: context.cluster ?? "", user: context.user ?? "",
                                                namespace: nonEmpty(context.namespace), file: path)
        }
        return config
    }

    private static func execConfig(_ wire: WireExec, place: String, path: String,
                                   resolve: (String?) -> String?) throws(PromoteError) -> ExecConfig {
        guard let command = nonEmpty(wire.command) else { throw malformed(path, "\(place): missing \"command\"") }
        guard let apiVersion = nonEmpty(wire.apiVersion) else { throw malformed(path, "\(place): missing \"apiVersion\"") }
        guard ExecConfig.supportedVersions.contains(apiVersion) else {
            throw malformed(path, "\(place).apiVersion: \(apiVersion) is not supported (use \(ExecConfig.supportedVersions.joined(separator: " or ")))")
        }
        let mode: ExecConfig.InteractiveMode
        if let text = nonEmpty(wire.interactiveMode) {
            guard let parsed = ExecConfig.InteractiveMode(rawValue: text) else {
                throw malformed(path, "\(place).interactiveMode: \(text) is not Never, IfAvailable or Always")
            }
            mode = parsed
        } else if apiVersion.hasSuffix("/v1") {
            throw malformed(path, "\(place): missing \"interactiveMode\" (required by \(apiVersion))")
        } else {
            mode = .ifAvailable
        }
        var env: [(name: String, value: String)] = []
        for (index, variable) in (wire.env ?? []).enumerated() {
            guard let name = nonEmpty(variable.name) else { throw malformed(path, "\(place).env[\(index)]: missing \"name\"") }
            env.append((name, variable.value ?? ""))
        }
        // kubectl resolves the command against the kubeconfig's folder only when it names a path.
        let resolvedCommand = command.contains("/") ? (resolve(command) ?? command) : command
        return ExecConfig(apiVersion: apiVersion, command: resolvedCommand, args: wire.args ?? [], env: env,
                          interactiveMode: mode, provideClusterInfo: wire.provideClusterInfo ?? false,
                          installHint: nonEmpty(wire.installHint))
    }

    private static func base64(_ text: String?, _ place: String, _ path: String) throws(PromoteError) -> Data? {
        guard let text = nonEmpty(text) else { return nil }
        let compact = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else {
            throw malformed(path, "\(place): not valid base64")
        }
        return data
    }

    // MARK: Messages

    /// Where the YAML breaks, without quoting the document (it may hold a token).
    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return "invalid YAML at line \(mark.line), column \(mark.column): \(problem)"
        case .reader(let problem, _, _, _):
            return "invalid YAML: \(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "duplicate keys \(duplicates.joined(separator: ", ")) at line \(context.mark.line)"
        default:
            return "invalid YAML"
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "\(place(context.codingPath)): missing \"\(key.stringValue)\""
        case .typeMismatch(let type, let context):
            let expected = type == String.self ? "a string" : type == Bool.self ? "a boolean" : "another type"
            return context.codingPath.isEmpty ? "not a kubeconfig (expected a mapping with clusters, users and contexts)"
                : "\(place(context.codingPath)): expected \(expected)"
        case .valueNotFound(_, let context):
            return "\(place(context.codingPath)): null where a value is required"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not YAML" : "\(place(context.codingPath)): unreadable value"
        @unknown default:
            return "unreadable"
        }
    }

    /// `users[0].user.exec.args[1]` for a coding path.
    private static func place(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "document" : text
    }
}

private func nonEmpty(_ text: String?) -> String? {
    guard let text, !text.isEmpty else { return nil }
    return text
}

// MARK: - Wire shapes (the kubeconfig v1 field names)

private struct WireConfig: Decodable {
    var currentContext: String?
    var clusters: [WireNamedCluster]?
    var users: [WireNamedUser]?
    var contexts: [WireNamedContext]?

    enum CodingKeys: String, CodingKey {
        case currentContext = "current-context", clusters, users, contexts
    }
}

private struct WireNamedCluster: Decodable {
    var name: String?
    var cluster: WireCluster?
}

private struct WireNamedUser: Decodable {
    var name: String?
    var user: WireUser?
}

private struct WireNamedContext: Decodable {
    var name: String?
    var context: WireContext?
}

private struct WireCluster: Decodable {
    var server: String?
    var certificateAuthority: String?
    var certificateAuthorityData: String?
    var insecureSkipTLSVerify: Bool?
    var tlsServerName: String?
    var proxyURL: String?

    enum CodingKeys: String, CodingKey {
        case server
        case certificateAuthority = "certificate-authority"
        case certificateAuthorityData = "certificate-authority-data"
        case insecureSkipTLSVerify = "insecure-skip-tls-verify"
        case tlsServerName = "tls-server-name"
        case proxyURL = "proxy-url"
    }
}

private struct WireUser: Decodable {
    struct AuthProvider: Decodable {
        var name: String?
    }

    var token: String?
    var tokenFile: String?
    var clientCertificate: String?
    var clientCertificateData: String?
    var clientKey: String?
    var clientKeyData: String?
    var username: String?
    var password: String?
    var authProvider: AuthProvider?
    var exec: WireExec?
    var impersonate: String?

    enum CodingKeys: String, CodingKey {
        case token, tokenFile, username, password, exec
        case impersonate = "as"
        case clientCertificate = "client-certificate"
        case clientCertificateData = "client-certificate-data"
        case clientKey = "client-key"
        case clientKeyData = "client-key-data"
        case authProvider = "auth-provider"
    }
}

private struct WireExec: Decodable {
    struct Variable: Decodable {
        var name: String?
        var value: String?
    }

    var apiVersion: String?
    var command: String?
    var args: [String]?
    var env: [Variable]?
    var interactiveMode: String?
    var provideClusterInfo: Bool?
    var installHint: String?
}

private struct WireContext: Decodable {
    var cluster: String?
    var user: String?
    var namespace: String?
}
