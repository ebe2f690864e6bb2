import Foundation

/// One kubeconfig file: clusters, users and contexts by name, and the current context.
///
/// Relative file references (`certificate-authority`, `client-certificate`, `client-key`, `tokenFile`, and an
/// exec `command` that contains a `/`) are already resolved against the file's folder, as kubectl does.
struct Kubeconfig: Sendable, Equatable {
    /// The file this came from (for messages).
    var path: String
    var currentContext: String?
    var clusters: [String: KubeCluster] = [:]
    var users: [String: KubeUser] = [:]
    var contexts: [String: KubeContext] = [:]
}

/// `clusters[].cluster`.
struct KubeCluster: Sendable, Equatable {
    var server: String
    var certificateAuthority: String?
    var certificateAuthorityData: Data?
    var insecureSkipTLSVerify = false
    var tlsServerName: String?
    var proxyURL: String?
    /// The kubeconfig file that defined it.
    var file: String
}

/// `users[].user`: how to authenticate.
struct KubeUser: Sendable, Equatable {
    var token: String?
    var tokenFile: String?
    var clientCertificate: String?
    var clientCertificateData: Data?
    var clientKey: String?
    var clientKeyData: Data?
    var username: String?
    var password: String?
    var exec: ExecConfig?
    /// `auth-provider.name`; the legacy in-tree providers are not supported.
    var authProvider: String?
    /// `as`: a user to impersonate (not supported; reported as a warning).
    var impersonate: String?
    var file: String
}

/// `contexts[].context`.
struct KubeContext: Sendable, Equatable {
    var cluster: String
    var user: String
    var namespace: String?
    var file: String
}

/// `users[].user.exec`: a `client.authentication.k8s.io` credential plugin.
public struct ExecConfig: Sendable, Equatable {
    public enum InteractiveMode: String, Sendable {
        case never = "Never"
        case ifAvailable = "IfAvailable"
        case always = "Always"
    }

    /// `client.authentication.k8s.io/v1` or `…/v1beta1`.
    public var apiVersion: String
    public var command: String
    public var args: [String]
    /// Added to this process's environment, in order.
    public var env: [(name: String, value: String)]
    public var interactiveMode: InteractiveMode
    public var provideClusterInfo: Bool
    public var installHint: String?

    public init(apiVersion: String, command: String, args: [String] = [], env: [(name: String, value: String)] = [],
                interactiveMode: InteractiveMode = .ifAvailable, provideClusterInfo: Bool = false, installHint: String? = nil) {
        self.apiVersion = apiVersion
        self.command = command
        self.args = args
        self.env = env
        self.interactiveMode = interactiveMode
        self.provideClusterInfo = provideClusterInfo
        self.installHint = installHint
    }

    public static func == (lhs: ExecConfig, rhs: ExecConfig) -> Bool {
        lhs.apiVersion == rhs.apiVersion && lhs.command == rhs.command && lhs.args == rhs.args
            && lhs.env.map(\.name) == rhs.env.map(\.name) && lhs.env.map(\.value) == rhs.env.map(\.value)
            && lhs.interactiveMode == rhs.interactiveMode && lhs.provideClusterInfo == rhs.provideClusterInfo
            && lhs.installHint == rhs.installHint
    }

    /// The ExecCredential API versions this tool speaks.
    public static let supportedVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]
}
