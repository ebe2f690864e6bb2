import CDeferredTrust
import CGit2
import Foundation
import Testing
import TestSupport
@testable import Promote

/// libgit2's CA bundle is remembered at start-up and loaded for HTTP(S) transfers; TLS verification is not
/// weakened, and outside start-up every certificate file goes to mbedTLS.
@Suite struct DeferredTrustTests {
    @Test func startUpRemembersTheBundleAndTransfersLoadIt() throws {
        let fixture = try GitFixture()
        _ = try Repository.open(at: fixture.origin.path)
        let bundle = try #require(keos_deferred_ca_bundle().map { String(cString: $0) })
        #expect(FileManager.default.fileExists(atPath: bundle))
        try Libgit2.trustReady()
    }

    @Test func certificateFilesReachMbedTLSOutsideStartUp() throws {
        let fixture = try GitFixture()
        _ = try Repository.open(at: fixture.origin.path)
        let bundle = try #require(keos_deferred_ca_bundle().map { String(cString: $0) })
        #expect(keos_git_set_ssl_cert_locations(bundle, nil) == 0)
        let garbage = fixture.root.appendingPathComponent("not-a-certificate.pem")
        try Data("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n".utf8).write(to: garbage)
        #expect(keos_git_set_ssl_cert_locations(garbage.path, nil) < 0)
        #expect(keos_git_set_ssl_cert_locations(bundle, nil) == 0)
    }
}
