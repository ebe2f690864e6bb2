import Crypto
import Foundation
import Testing
@testable import Promote

@Suite struct KnownHostsTests {
    /// A made-up ed25519 host key blob: the type string, then 32 key bytes.
    static func key(_ seed: UInt8, type: String = "ssh-ed25519") -> Data {
        var data = Data()
        for value in [UInt32(type.utf8.count)] { withUnsafeBytes(of: value.bigEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: Array(type.utf8))
        withUnsafeBytes(of: UInt32(32).bigEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: [UInt8](repeating: seed, count: 32))
        return data
    }

    static func line(_ hosts: String, _ key: Data, marker: String? = nil) -> String {
        (marker.map { $0 + " " } ?? "") + "\(hosts) \(KnownHosts.keyType(of: key)) \(key.base64EncodedString())"
    }

    /// `|1|salt|hash` as `ssh-keygen -H` writes it.
    static func hashed(_ name: String, salt: [UInt8] = Array(repeating: 7, count: 20)) -> String {
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: Data(name.utf8), using: SymmetricKey(data: Data(salt)))
        return "|1|\(Data(salt).base64EncodedString())|\(Data(code).base64EncodedString())"
    }

    @Test func plainHostOnDefaultPort() {
        let file = KnownHosts(text: "# comment\n\n" + Self.line("git.example.com,10.0.0.1", Self.key(1)))
        #expect(file.verdict(host: "git.example.com", port: 22, key: Self.key(1)) == .trusted)
        #expect(file.verdict(host: "GIT.example.com", port: nil, key: Self.key(1)) == .trusted)
        #expect(file.verdict(host: "10.0.0.1", port: 22, key: Self.key(1)) == .trusted)
        #expect(file.verdict(host: "git.example.com", port: 2222, key: Self.key(1)) == .unknown, "another port is another entry")
        #expect(file.verdict(host: "other.example.com", port: 22, key: Self.key(1)) == .unknown)
    }

    @Test func bracketedPort() {
        let file = KnownHosts(text: Self.line("[127.0.0.1]:2222", Self.key(2)))
        #expect(file.verdict(host: "127.0.0.1", port: 2222, key: Self.key(2)) == .trusted)
        #expect(file.verdict(host: "127.0.0.1", port: 22, key: Self.key(2)) == .unknown)
        #expect(KnownHosts.lookupName(host: "h", port: 22) == "h")
        #expect(KnownHosts.lookupName(host: "h", port: 2222) == "[h]:2222")
    }

    @Test func hashedEntries() {
        let file = KnownHosts(text: Self.line(Self.hashed("[127.0.0.1]:2222"), Self.key(3)) + "\n"
            + Self.line(Self.hashed("git.example.com", salt: Array(0..<20)), Self.key(4)))
        #expect(file.verdict(host: "127.0.0.1", port: 2222, key: Self.key(3)) == .trusted)
        #expect(file.verdict(host: "git.example.com", port: 22, key: Self.key(4)) == .trusted)
        #expect(file.verdict(host: "127.0.0.1", port: 2223, key: Self.key(3)) == .unknown)
    }

    @Test func changedRevokedAndOtherTypes() {
        let ecdsa = Self.key(9, type: "ecdsa-sha2-nistp256")
        let file = KnownHosts(text: [
            Self.line("git.example.com", Self.key(5)),
            Self.line("git.example.com", ecdsa, marker: "@revoked"),
            Self.line("ca.example.com", Self.key(6), marker: "@cert-authority"),
        ].joined(separator: "\n"))
        #expect(file.verdict(host: "git.example.com", port: 22, key: Self.key(6)) == .changed)
        #expect(file.verdict(host: "git.example.com", port: 22, key: ecdsa) == .revoked)
        #expect(file.verdict(host: "git.example.com", port: 22, key: Self.key(7, type: "ssh-rsa")) == .unknown,
                "a key of another type is unknown, not changed (ssh asks then)")
        #expect(file.verdict(host: "ca.example.com", port: 22, key: Self.key(6)) == .unknown, "@cert-authority keys are not host keys")
    }

    @Test func wildcardsAndNegation() {
        let file = KnownHosts(text: Self.line("*.example.com,!evil.example.com,git?.corp", Self.key(8)))
        #expect(file.verdict(host: "git.example.com", port: 22, key: Self.key(8)) == .trusted)
        #expect(file.verdict(host: "evil.example.com", port: 22, key: Self.key(8)) == .unknown)
        #expect(file.verdict(host: "git1.corp", port: 22, key: Self.key(8)) == .trusted)
        #expect(file.verdict(host: "git12.corp", port: 22, key: Self.key(8)) == .unknown)
    }

    @Test func fingerprintAsSSHKeygenPrintsIt() {
        let key = Self.key(1)
        let expected = "SHA256:" + Data(SHA256.hash(data: key)).base64EncodedString().replacingOccurrences(of: "=", with: "")
        #expect(KnownHosts.fingerprint(of: key) == expected)
        #expect(!KnownHosts.fingerprint(of: key).hasSuffix("="))
        #expect(KnownHosts.keyType(of: key) == "ssh-ed25519")
        #expect(KnownHosts.keyType(of: Data([0, 0])) == "unknown")
    }
}

@Suite struct RemoteAddressTests {
    @Test func forms() throws {
        let ssh = try #require(RemoteAddress("ssh://git@git.example.com:2222/org/repo.git"))
        #expect(ssh.isSSH && ssh.user == "git" && ssh.host == "git.example.com" && ssh.port == 2222 && ssh.path == "/org/repo.git")
        let scp = try #require(RemoteAddress("git@github.com:org/repo.git"))
        #expect(scp.isSSH && scp.user == "git" && scp.host == "github.com" && scp.effectivePort == 22 && scp.path == "org/repo.git")
        let https = try #require(RemoteAddress("https://x-access-token:secret@github.com/org/repo"))
        #expect(https.isHTTP && https.user == "x-access-token" && https.hasPassword && https.effectivePort == 443)
        let v6 = try #require(RemoteAddress("ssh://[::1]:2200/repo"))
        #expect(v6.host == "::1" && v6.port == 2200)
        #expect(RemoteAddress("git://127.0.0.1:9000/origin.git")?.effectivePort == 9000)
        #expect(RemoteAddress("/srv/git/repo.git") == nil)
        #expect(RemoteAddress("./a:b") == nil)
        #expect(RemoteAddress("C:/repo") == nil, "a one-letter host is a drive, as git treats it")
    }

    @Test func credentialSelection() {
        var settings = TransportSettings(environment: ["HOME": "/home/u", "SSH_AUTH_SOCK": "/tmp/agent"])
        #expect(settings.agentSocket == "/tmp/agent")
        #expect(settings.sshIdentities(agent: .holding(1)) { _ in true } == [.agent, .file("/home/u/.ssh/id_ed25519"), .file("/home/u/.ssh/id_ecdsa")])
        #expect(settings.sshIdentities(agent: .holding(2)) { $0.hasSuffix("ecdsa") } == [.agent, .file("/home/u/.ssh/id_ecdsa")])
        #expect(settings.sshIdentities(agent: .empty) { _ in true } == [.file("/home/u/.ssh/id_ed25519"), .file("/home/u/.ssh/id_ecdsa")],
                "an empty agent is not offered")
        #expect(settings.sshIdentities(agent: .unreachable) { _ in false } == [], "nor one that does not answer")
        settings.environment["KEOS_PROMOTE_SSH_KEY"] = "/k/env"
        #expect(settings.sshIdentities(agent: .holding(1)) { _ in true } == [.file("/k/env")])
        settings.sshKey = "/k/flag"
        #expect(settings.sshIdentities(agent: .holding(1)) { _ in true } == [.file("/k/flag")], "the flag wins, and is the only key tried")
        #expect(settings.httpToken == nil)
        settings.environment["GITHUB_TOKEN"] = "b"
        #expect(settings.httpToken?.variable == "GITHUB_TOKEN")
        settings.environment["GIT_TOKEN"] = "a"
        #expect(settings.httpToken?.variable == "GIT_TOKEN")
        #expect(settings.knownHostsPath == "/home/u/.ssh/known_hosts")
        settings.knownHosts = "/etc/kh"
        #expect(settings.knownHostsPath == "/etc/kh")
    }

    @Test func messagesNeverCarryCredentials() {
        let message = TransportFailure.sshRefused(CredentialRedaction.redact("ssh://u:pw@h/r"), tried: [.file("/k/id_rsa")], rsaKeys: ["/k/id_rsa"])
        #expect(!message.contains("pw"))
        #expect(message.contains("/k/id_rsa is an RSA key") && message.contains("ed25519"))
    }

    @Test("an empty or silent agent is named as such; an agent that holds keys may hold only RSA ones")
    func agentMessages() {
        #expect(TransportFailure.sshRefused("ssh://h/r", tried: [], rsaKeys: [], agent: .empty)
            == "authentication failed for ssh://h/r: the ssh-agent (SSH_AUTH_SOCK) holds no keys — add yours with ssh-add, or pass --ssh-key FILE")
        #expect(TransportFailure.sshRefused("ssh://h/r", tried: [.file("/h/.ssh/id_ed25519")], rsaKeys: [], agent: .unreachable)
            == "authentication failed for ssh://h/r: the server refused key /h/.ssh/id_ed25519; no ssh-agent answers at SSH_AUTH_SOCK (a stale variable?) — start one and ssh-add your key, or pass --ssh-key FILE")
        #expect(TransportFailure.sshRefused("ssh://h/r", tried: [], rsaKeys: [], agent: .absent).contains("no SSH key to offer"))
        let refused = TransportFailure.sshRefused("ssh://h/r", tried: [.agent], rsaKeys: [], agent: .holding(2))
        #expect(refused.hasPrefix("authentication failed for ssh://h/r: the server refused the ssh-agent (if the agent holds only RSA keys: "))
    }
}
