import Foundation
import Testing
import TestSupport
@testable import Promote

@Suite struct MirrorCacheTests {
    @Test func namesWithoutCredentials() throws {
        let plain = try #require(RemoteAddress("https://git.example.com/org/repo.git"))
        let withToken = try #require(RemoteAddress("https://x-access-token:s3cret@git.example.com/org/repo.git"))
        #expect(MirrorCache.mirrorName(plain) == MirrorCache.mirrorName(withToken))
        #expect(!MirrorCache.mirrorName(withToken).contains("s3cret"))
        #expect(MirrorCache.mirrorName(plain).hasPrefix("git.example.com-org-repo-"))
        let otherPort = try #require(RemoteAddress("https://git.example.com:8443/org/repo.git"))
        #expect(MirrorCache.mirrorName(plain) != MirrorCache.mirrorName(otherPort))
        #expect(MirrorCache.withoutCredentials("https://u:p@h/r") == "https://u@h/r")
        #expect(MirrorCache.withoutCredentials("https://tok@h/r") == "https://h/r")
        #expect(MirrorCache.withoutCredentials("ssh://git@h:22/r") == "ssh://h:22/r")
        #expect(MirrorCache.withoutCredentials("git@h:r") == "git@h:r")
    }

    @Test func cacheFolder() {
        #expect(MirrorCache.cacheFolder(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/h"]) == "/x/keos-promote")
        #expect(MirrorCache.cacheFolder(environment: ["HOME": "/h"]) == "/h/.cache/keos-promote")
    }

    @Test("created once, reopened, and locked while in use")
    func createReopenLock() throws {
        let cache = try TemporaryDirectory(prefix: "keos-cache")
        let environment = ["XDG_CACHE_HOME": cache.path]
        let url = "https://deploy:t0ken@git.example.invalid/org/services.git"
        var first: MirrorCache? = try MirrorCache(url: url, remote: "origin", environment: environment)
        let path = try #require(first?.path)
        #expect(first?.repository.isBare == true)
        #expect(first?.repository.remoteURL("origin") == "https://deploy@git.example.invalid/org/services.git")
        let config = try String(contentsOfFile: path + "/config", encoding: .utf8)
        #expect(!config.contains("t0ken"), "no credential on disk")

        #expect {
            _ = try MirrorCache(url: url, remote: "origin", environment: environment, wait: 0.2)
        } throws: { error in
            "\(error)".contains("another keos-promote run")
        }
        first = nil
        let second = try MirrorCache(url: url, remote: "origin", environment: environment, wait: 0.2)
        #expect(second.path == path)
        #expect(second.repository.transport.instanceURLs["origin"] == url)
        #expect(throws: PromoteError.self) { _ = try MirrorCache(url: "/local/path", remote: "origin", environment: environment) }
    }
}
