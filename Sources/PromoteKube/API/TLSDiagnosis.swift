import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Says why a server certificate failed verification (expired, not yet valid, or from another CA).
///
/// BoringSSL only reports "certificate verify failed"; this opens one more connection that records the
/// certificate the server presents (and sends nothing), then reads its validity dates.
enum TLSDiagnosis {
    /// A reason such as `it expired on 2026-11-26T09:26:59Z`; `nil` when the certificate cannot be fetched.
    static func reason(server: String, trust: ClusterEndpoint.ServerTrust, timeout: TimeInterval, now: Date = Date()) async -> String? {
        guard let url = URL(string: server), let host = url.host else { return nil }
        let port = url.port ?? 443
        guard let leaf = await presentedCertificate(host: host, port: port, timeout: timeout) else { return nil }
        let notAfter = Date(timeIntervalSince1970: TimeInterval(leaf.notValidAfter))
        let notBefore = Date(timeIntervalSince1970: TimeInterval(leaf.notValidBefore))
        let format = Date.ISO8601FormatStyle()
        if notAfter < now { return "the server's certificate expired on \(notAfter.formatted(format))" }
        if notBefore > now { return "the server's certificate is not valid before \(notBefore.formatted(format)) (check this machine's clock)" }
        switch trust {
        case .system: return "the server's certificate is not signed by a CA this machine trusts; set certificate-authority(-data) in the kubeconfig"
        default: return "the server's certificate is not signed by the kubeconfig's certificate-authority (wrong CA for this cluster?)"
        }
    }

    private static func presentedCertificate(host: String, port: Int, timeout: TimeInterval) async -> NIOSSLCertificate? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        configuration.shutdownTimeout = .milliseconds(250)
        guard let context = try? NIOSSLContext(configuration: configuration) else { return nil }
        let captured = Captured()
        let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.nanoseconds(Int64(max(0.1, timeout) * 1_000_000_000)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : host,
                                                          customVerificationCallback: { chain, promise in
                                                              captured.set(chain.first)
                                                              promise.succeed(.failed)
                                                              channel.close(promise: nil)
                                                          })
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        guard let channel = try? await bootstrap.connect(host: host, port: port).get() else { return nil }
        // The handshake fails right after the callback; the channel closes then (or at the deadline).
        let deadline = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(max(0.1, timeout) * 1_000_000_000))) {
            channel.close(promise: nil)
        }
        try? await channel.closeFuture.get()
        deadline.cancel()
        return captured.value
    }

    /// The certificate seen in the verification callback (on the event loop), read after the channel closed.
    private final class Captured: @unchecked Sendable {
        private let lock = NSLock()
        private var certificate: NIOSSLCertificate?

        func set(_ value: NIOSSLCertificate?) {
            lock.lock()
            certificate = value
            lock.unlock()
        }

        var value: NIOSSLCertificate? {
            lock.lock()
            defer { lock.unlock() }
            return certificate
        }
    }
}
