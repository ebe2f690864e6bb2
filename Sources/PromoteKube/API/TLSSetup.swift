import Foundation
import NIOSSL
import Promote

/// Turns an endpoint's trust and client certificate into a TLS configuration.
enum TLSSetup {
    /// The client TLS configuration for `endpoint`, presenting `execCertificate` when a plugin returned one.
    ///
    /// - Throws: `PromoteError(.badInput)` when the CA, certificate or key is not PEM (naming the field, never
    ///   its content).
    static func configuration(for endpoint: ClusterEndpoint,
                              execCertificate: ClusterEndpoint.ClientCertificate? = nil) throws(PromoteError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        // Closing never needs the peer's close_notify; a hung server would otherwise hold every close for 5s.
        tls.shutdownTimeout = .milliseconds(250)
        switch endpoint.trust {
        case .system:
            tls.trustRoots = .default
        case .insecure:
            tls.certificateVerification = .none
        case .certificates(let pem):
            let certificates = try parseCertificates(pem, field: "certificate-authority", endpoint: endpoint)
            tls.trustRoots = .certificates(certificates)
        }
        if let client = execCertificate ?? endpoint.clientCertificate {
            let field = execCertificate == nil ? "client-certificate" : "the exec plugin's clientCertificateData"
            let chain = try parseCertificates(client.certificatePEM, field: field, endpoint: endpoint)
            tls.certificateChain = chain.map { .certificate($0) }
            do {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: [UInt8](client.keyPEM), format: .pem))
            } catch {
                let keyField = execCertificate == nil ? "client-key" : "the exec plugin's clientKeyData"
                throw PromoteError(.badInput, "\(endpoint.name): \(keyField) is not a PEM private key (\(endpoint.origin))")
            }
        }
        return tls
    }

    private static func parseCertificates(_ pem: Data, field: String, endpoint: ClusterEndpoint) throws(PromoteError) -> [NIOSSLCertificate] {
        let certificates = (try? NIOSSLCertificate.fromPEMBytes([UInt8](pem))) ?? []
        guard !certificates.isEmpty else {
            throw PromoteError(.badInput, "\(endpoint.name): \(field) holds no PEM certificate (\(endpoint.origin))")
        }
        return certificates
    }
}
