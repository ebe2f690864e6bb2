import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Promote

/// One-line descriptions of connection, TLS and timeout failures, saying what to check.
enum TransportErrorText {
    static func describe(_ error: any Error, server: String, options: KubeClientOptions, scrub: (String) -> String) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout:
                return "no answer from \(server) within \(seconds(options.requestTimeout)) (--request-timeout)"
            case .connectTimeout:
                return "cannot connect to \(server): timed out after \(seconds(options.connectTimeout))"
            case .remoteConnectionClosed:
                return "\(server) closed the connection before answering"
            case .cancelled:
                return "the request to \(server) was cancelled"
            default:
                break
            }
        }
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            return "TLS: the certificate of \(server) is not valid for host \(host(of: server)) (it names other hosts); check the kubeconfig's server address"
        }
        if let error = error as? NIOSSLError {
            switch error {
            case .handshakeFailed(let inner):
                return "TLS handshake with \(server) failed: \(handshakeReason(inner))"
            default:
                return "TLS with \(server) failed: \(error)"
            }
        }
        if let error = error as? NIOConnectionError {
            let reasons = error.connectionErrors.map { describeSocket($0.error) }
            return "cannot connect to \(server): \(reasons.first ?? "connection failed")"
        }
        if let error = error as? IOError {
            return "cannot connect to \(server): \(describeSocket(error))"
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return "cannot connect to \(server): timed out after \(seconds(options.connectTimeout))"
        }
        return "request to \(server) failed: \(DisplayText.escaped(scrub(String(describing: error))))"
    }

    /// Whether the TLS handshake failed because the server's certificate did not verify.
    static func isCertificateVerifyFailure(_ error: any Error) -> Bool {
        guard let error = error as? NIOSSLError, case .handshakeFailed(let inner) = error else { return false }
        return String(describing: inner).contains("CERTIFICATE_VERIFY_FAILED")
    }

    private static func handshakeReason(_ error: BoringSSLError) -> String {
        let text = String(describing: error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "the server's certificate is not trusted: not signed by the cluster's certificate-authority, or expired or not yet valid (certificate verify failed)"
        }
        if text.contains("TLSV1_ALERT_UNKNOWN_CA") || text.contains("CERTIFICATE_REQUIRED") || text.contains("ALERT_BAD_CERTIFICATE") {
            return "the server refused the client certificate (\(alertName(text)))"
        }
        return DisplayText.escaped(text)
    }

    private static func alertName(_ text: String) -> String {
        for name in ["TLSV1_ALERT_UNKNOWN_CA", "TLSV13_ALERT_CERTIFICATE_REQUIRED", "SSLV3_ALERT_BAD_CERTIFICATE", "CERTIFICATE_REQUIRED"] where text.contains(name) {
            return name
        }
        return "TLS alert"
    }

    private static func describeSocket(_ error: any Error) -> String {
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return "connection refused (is the API server running, and the address right?)"
            case EHOSTUNREACH, ENETUNREACH: return "host unreachable"
            case ETIMEDOUT: return "timed out"
            default: return DisplayText.escaped(io.description)
            }
        }
        return DisplayText.escaped(String(describing: error))
    }

    private static func seconds(_ interval: TimeInterval) -> String {
        interval == interval.rounded() ? "\(Int(interval))s" : String(format: "%.1fs", interval)
    }

    private static func host(of server: String) -> String {
        URL(string: server)?.host ?? server
    }
}
