import Foundation
import Testing
import TestSupport

/// A kubeconfig nobody named (KUBECONFIG, ~/.kube/config) informs `diff` and `status` but cannot break them;
/// `promote` and `verify` still refuse without verification.
@Suite("implicit kubeconfig") struct ImplicitClusterTests {
    /// A kubeconfig whose current context points at a closed port on 127.0.0.1.
    static func unreachableKubeconfig(in world: SampleWorld) throws -> URL {
        let port = try GitDaemon.freePort()
        let file = world.directory.url.appendingPathComponent("kubeconfig")
        try Data("""
        apiVersion: v1
        kind: Config
        current-context: laptop
        clusters:
        - name: laptop
          cluster:
            server: https://127.0.0.1:\(port)
            insecure-skip-tls-verify: true
        contexts:
        - name: laptop
          context: {cluster: laptop, user: me}
        users:
        - name: me
          user: {token: not-a-real-token}
        """.utf8).write(to: file)
        return file
    }

    @Test("diff and status answer with a warning", arguments: ["diff", "status"])
    func diffAndStatusWarn(command: String) throws {
        let world = try SampleWorld()
        let kubeconfig = try Self.unreachableKubeconfig(in: world)
        let result = try world.keos([command, "--request-timeout", "2s"], environment: ["KUBECONFIG": kubeconfig.path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("staging not checked"), "\(result)")
        #expect(result.stdout.contains("observability"), "\(result)")
        #expect(!result.stderr.contains("not-a-real-token") && !result.stdout.contains("not-a-real-token"))
    }

    @Test("verify fails instead")
    func verifyFails() throws {
        let world = try SampleWorld()
        let kubeconfig = try Self.unreachableKubeconfig(in: world)
        let result = try world.keos(["verify", "--request-timeout", "2s"], environment: ["KUBECONFIG": kubeconfig.path])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.hasPrefix("error:"), "\(result)")
    }
}
