import Foundation
import Testing
import TestSupport
@testable import Promote
@testable import PromoteKube

/// Issue 6.4 for kubeconfigs: generated mutations of a valid kubeconfig (every kind of user) go through the
/// real loader and context resolution — each loads or is refused with `badInput` naming the file; a sample of
/// the refused ones through the built binary exits 2 with one line naming the file, and no secret of the file.
@Suite("Safety: hostile kubeconfig files") struct KubeconfigFuzzTests {
    static let token = "kubeconfig-token-5f3a9c"
    static let password = "kubeconfig-password-7d2e"
    static let keyData = Data("-----BEGIN EC PRIVATE KEY-----\nkubeconfig-key-91b4\n-----END EC PRIVATE KEY-----\n".utf8)

    /// Servers are 127.0.0.1 on a closed port: nothing is ever sent elsewhere.
    static let valid = """
        apiVersion: v1
        kind: Config
        current-context: staging-1
        clusters:
        - name: staging-1
          cluster:
            server: https://127.0.0.1:1
            certificate-authority-data: \(Data("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".utf8).base64EncodedString())
            tls-server-name: staging-1.example.com
        - name: staging-2
          cluster:
            server: https://127.0.0.1:2/prefix
            insecure-skip-tls-verify: true
        users:
        - name: ci
          user:
            token: \(token)
        - name: cert
          user:
            client-certificate-data: \(Data("-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n".utf8).base64EncodedString())
            client-key-data: \(keyData.base64EncodedString())
        - name: basic
          user:
            username: admin
            password: \(password)
        - name: oidc
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: /bin/false
              args: [get-token, --secret=exec-arg-secret]
              env:
              - name: EXEC_SECRET
                value: exec-env-secret
              interactiveMode: Never
              provideClusterInfo: true
        contexts:
        - name: staging-1
          context: {cluster: staging-1, user: ci, namespace: flux-system}
        - name: staging-2
          context: {cluster: staging-2, user: cert}
        - name: staging-3
          context: {cluster: staging-1, user: basic}
        - name: staging-4
          context: {cluster: staging-2, user: oidc}

        """

    static let secrets = [token, password, "kubeconfig-key-91b4", keyData.base64EncodedString(), "exec-arg-secret", "exec-env-secret"]

    /// Loads the file and resolves every context; throws the first refusal.
    static func loadEverything(_ path: String) throws(PromoteError) {
        let config = try KubeconfigLoader.load([path], required: true)
        _ = try KubeconfigLoader.endpoint(config, context: nil)
        for name in config.contexts.keys.sorted() {
            _ = try KubeconfigLoader.endpoint(config, context: name)
        }
    }

    @Test("every mutation loads or is refused naming the file; a sample through the binary exits 2")
    func mutations() throws {
        let folder = try TemporaryDirectory(prefix: "keos-fuzz-kubeconfig")
        let file = folder.url("kubeconfig")
        try Self.loadEverything({ try Data(Self.valid.utf8).write(to: file); return file.path }())
        var mutator = FileMutator(valid: Data(Self.valid.utf8), seed: 66)
        var refused: [FileMutator.Mutation] = []
        let count = 2_500
        for mutation in mutator.mutations(count) {
            try mutation.data.write(to: file)
            do throws(PromoteError) {
                try Self.loadEverything(file.path)
            } catch {
                refused.append(mutation)
                #expect(error.kind == .badInput, "\(mutation): \(error)")
                #expect(error.message.contains(file.path), "\(mutation): does not name the file: \(error.message)")
                #expect(!error.message.contains("\n") && !error.message.contains("\u{1B}"), "\(mutation): \(error.message.debugDescription)")
                for secret in Self.secrets { #expect(!error.message.contains(secret), "\(mutation): prints a secret: \(error.message)") }
            }
        }
        #expect(refused.count > count / 4 && refused.count < count, "\(refused.count) of \(count) refused")

        // The binary, on a sample of the refused files: exit 2, one line naming the file, nothing on stdout.
        let fixture = try GitFixture()
        let binary = try KeosBinary.locate()
        for mutation in refused.enumerated().filter({ $0.offset % (refused.count / 25 + 1) == 0 }).map(\.element) {
            try mutation.data.write(to: file)
            let result = try binary.run(["verify", "--no-fetch", "--kubeconfig", file.path], cwd: fixture.clone,
                                        home: fixture.environment.home, timeout: 60)
            #expect(result.status == 2 && !result.signaled, "\(mutation)\n\(result)")
            #expect(result.stdout.isEmpty, "\(mutation)\n\(result)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines.first?.hasPrefix("error: ") == true && result.stderr.contains(file.path),
                    "\(mutation)\n\(result)")
            for secret in Self.secrets { #expect(!result.stderr.contains(secret), "\(mutation): prints a secret\n\(result)") }
        }
    }
}
