import Foundation
import TestSupport

/// Certificates for the test API server, made with the `openssl` CLI when first used (EC P-256, fast).
///
/// - `ca`: the cluster CA; `server` is signed by it for `127.0.0.1` and `localhost`;
/// - `wrongHost`: signed by `ca`, but only for `api.elsewhere.example`;
/// - `expired`: signed by `ca` for the right names, expired a day ago;
/// - `otherCA`: an unrelated CA (a kubeconfig trusting it must refuse `server`);
/// - `client`: a client certificate signed by `ca` (user `keos-ci`); `strangerClient` is signed by `otherCA`.
public struct TestCertificates: Sendable {
    /// A PEM certificate and its PEM private key, and where both are on disk.
    public struct Pair: Sendable {
        public var certificateFile: URL
        public var keyFile: URL
        public var certificatePEM: Data { (try? Data(contentsOf: certificateFile)) ?? Data() }
        public var keyPEM: Data { (try? Data(contentsOf: keyFile)) ?? Data() }
    }

    public let folder: URL
    public let ca: Pair
    public let otherCA: Pair
    public let server: Pair
    public let wrongHost: Pair
    public let expired: Pair
    public let client: Pair
    public let strangerClient: Pair

    /// The user name the API server gives `client`.
    public static let clientUser = "keos-ci"

    /// One set per test process: generating keys costs a few tens of milliseconds each.
    public static func shared() throws -> TestCertificates {
        try cache.value()
    }

    private static let cache = Once { try TestCertificates.generate() }
    private static let folderKeeper = Once { try TemporaryDirectory(prefix: "keos-kube-certs") }

    private init(folder: URL) {
        self.folder = folder
        func pair(_ name: String) -> Pair {
            Pair(certificateFile: folder.appendingPathComponent("\(name).crt"), keyFile: folder.appendingPathComponent("\(name).key"))
        }
        ca = pair("ca")
        otherCA = pair("other-ca")
        server = pair("server")
        wrongHost = pair("wrong-host")
        expired = pair("expired")
        client = pair("client")
        strangerClient = pair("stranger-client")
    }

    private static func generate() throws -> TestCertificates {
        let folder = try folderKeeper.value().url
        let certificates = TestCertificates(folder: folder)
        func openssl(_ arguments: [String]) throws {
            let result = try Shell.run("openssl", arguments, cwd: folder)
            guard result.succeeded else {
                throw TestSupportError("openssl \(arguments.joined(separator: " ")) failed: \(result.stderr)")
            }
        }
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        func makeCA(_ pair: Pair, _ name: String) throws {
            try openssl(["req", "-x509"] + curve + ["-keyout", pair.keyFile.path, "-out", pair.certificateFile.path,
                                                    "-subj", "/CN=\(name)", "-days", "30",
                                                    "-addext", "basicConstraints=critical,CA:TRUE",
                                                    "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        }
        func sign(_ pair: Pair, subject: String, by issuer: Pair, extensions: String, days: Int) throws {
            let request = folder.appendingPathComponent(pair.certificateFile.lastPathComponent + ".csr")
            let extFile = folder.appendingPathComponent(pair.certificateFile.lastPathComponent + ".ext")
            try Data(extensions.utf8).write(to: extFile)
            try openssl(["req"] + curve + ["-keyout", pair.keyFile.path, "-out", request.path, "-subj", subject])
            try openssl(["x509", "-req", "-in", request.path, "-CA", issuer.certificateFile.path, "-CAkey", issuer.keyFile.path,
                         "-CAcreateserial", "-out", pair.certificateFile.path, "-days", String(days), "-extfile", extFile.path])
        }
        let serverNames = "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
        try makeCA(certificates.ca, "keos-test-cluster-ca")
        try makeCA(certificates.otherCA, "some-other-ca")
        try sign(certificates.server, subject: "/CN=kube-apiserver", by: certificates.ca, extensions: serverNames, days: 30)
        try sign(certificates.wrongHost, subject: "/CN=api.elsewhere.example", by: certificates.ca,
                 extensions: "subjectAltName=DNS:api.elsewhere.example\nextendedKeyUsage=serverAuth\n", days: 30)
        // A negative validity puts notAfter before now: expired.
        try sign(certificates.expired, subject: "/CN=kube-apiserver", by: certificates.ca, extensions: serverNames, days: -1)
        let clientUse = "extendedKeyUsage=clientAuth\n"
        try sign(certificates.client, subject: "/O=keos:promoters/CN=\(clientUser)", by: certificates.ca, extensions: clientUse, days: 30)
        try sign(certificates.strangerClient, subject: "/CN=stranger", by: certificates.otherCA, extensions: clientUse, days: 30)
        return certificates
    }
}
