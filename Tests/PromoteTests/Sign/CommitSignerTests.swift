import Foundation
import Testing
import TestSupport
@testable import Promote

@Suite("Commit signing: settings and the signed object")
struct CommitSignerTests {
    private let committer = Identity(name: "Release Bot", email: "release@example.com")

    private func resolve(_ settings: SigningSettings, _ git: [String: String] = [:]) throws -> CommitSigner {
        try CommitSigner.resolve(settings, gitConfig: { git[$0] }, committer: committer, interactive: false)
    }

    @Test("with nothing configured: OpenPGP through gpg with the committer's identity, as git does")
    func defaults() throws {
        let signer = try resolve(SigningSettings(enabled: true))
        #expect(signer == CommitSigner(format: .openpgp, program: "gpg", key: "Release Bot <release@example.com>", interactive: false))
    }

    @Test("git's configuration fills what flags and the config file leave open")
    func gitConfiguration() throws {
        let git = ["gpg.format": "ssh", "user.signingkey": "/keys/id_ed25519", "gpg.ssh.program": "/opt/ssh-keygen",
                   "gpg.program": "gpg2"]
        #expect(try resolve(SigningSettings(enabled: true), git)
            == CommitSigner(format: .ssh, program: "/opt/ssh-keygen", key: "/keys/id_ed25519", interactive: false))
        // The config file's format and key win over git's; gpg.openpgp.program over gpg.program.
        #expect(try resolve(SigningSettings(enabled: true, format: .openpgp, key: "ABCD1234"), git)
            == CommitSigner(format: .openpgp, program: "gpg2", key: "ABCD1234", interactive: false))
        #expect(try resolve(SigningSettings(enabled: true), ["gpg.program": "gpg2", "gpg.openpgp.program": "/usr/bin/gpg"]).program
            == "/usr/bin/gpg")
        #expect(try resolve(SigningSettings(enabled: true), ["gpg.format": "OpenPGP"]).format == .openpgp)
    }

    @Test("SSH without a key, or a format this tool cannot sign with, is bad input naming what to set")
    func badSettings() {
        #expect(throws: PromoteError(.badInput, "SSH signing needs a key: pass --signing-key FILE, or set signing.key in the config file or git's user.signingkey")) {
            try resolve(SigningSettings(enabled: true, format: .ssh))
        }
        #expect(throws: PromoteError(.badInput, "git's gpg.format is 'x509'; keos-promote signs with openpgp or ssh (set signing.format in the config file)")) {
            try resolve(SigningSettings(enabled: true), ["gpg.format": "x509"])
        }
    }

    @Test("literal SSH public keys are told from key files, as git tells them")
    func literalKeys() {
        #expect(CommitSigner.literalSSHKey("ssh-ed25519 AAAAC3Nza/x+y== me") == "ssh-ed25519 AAAAC3Nza/x+y== me")
        #expect(CommitSigner.literalSSHKey("key::ecdsa-sha2-nistp256 AAAA") == "ecdsa-sha2-nistp256 AAAA")
        #expect(CommitSigner.literalSSHKey("~/.ssh/id_ed25519") == nil)
        #expect(CommitSigner.literalSSHKey("ssh-keys/id_ed25519") == nil)
        #expect(SigningSettings.isKeyFile("keys/id", format: .ssh))
        #expect(!SigningSettings.isKeyFile("ssh-ed25519 AAAA/x", format: .ssh))
        #expect(!SigningSettings.isKeyFile("keys/id", format: .openpgp))
        #expect(SigningSettings.isKeyFile("./keys/id", format: nil))
        #expect(!SigningSettings.isKeyFile("Release Bot <release@example.com>", format: nil))
    }

    @Test("the config file resolves SSH key files against its folder and leaves key ids and literal keys alone")
    func configPaths() throws {
        let parser = ConfigParser(fileName: "repo/.keos-promote.yaml", baseDirectory: "/srv/repo", homeDirectory: "/home/ci")
        #expect(try parser.parse("signing: {format: ssh, key: keys/id}\n").signing?.key == "/srv/repo/keys/id")
        #expect(try parser.parse("signing: {key: ~/keys/id}\n").signing?.key == "/home/ci/keys/id")
        #expect(try parser.parse("signing: {format: ssh, key: 'ssh-ed25519 AAAA/b me'}\n").signing?.key == "ssh-ed25519 AAAA/b me")
        #expect(try parser.parse("signing: {key: 0123ABCD}\n").signing == SigningSettings(enabled: false, format: nil, key: "0123ABCD"))
    }

    @Test("the program's reason is its last message, without gpg's status lines and its own prefix")
    func reasons() {
        let gpg = ProcessOutput(status: 2, timedOut: false, stdout: Data(), stderr: Data("""
            gpg: skipped "DEAD": No secret key
            [GNUPG:] INV_SGNR 9 DEAD
            [GNUPG:] FAILURE sign 17
            gpg: signing failed: No secret key

            """.utf8))
        #expect(CommitSigner.reason(gpg, program: "gpg") == "failed (exit status 2): signing failed: No secret key")
        let silent = ProcessOutput(status: 0, timedOut: false, stdout: Data(), stderr: Data())
        #expect(CommitSigner.reason(silent, program: "gpg") == "answered without a signature")
    }

    @Test("the signature goes into a gpgsig header of exactly the text that was signed, as git verifies it")
    func signedObjectLayout() throws {
        let fixture = try GitFixture(files: ["a.txt": "a\n"])
        let repository = try Repository.open(at: fixture.origin.path)
        let tip = try #require(ObjectID(hex: try fixture.revParse("refs/heads/main", in: fixture.origin)))
        let tree = try repository.treeID(ofCommit: tip)
        let identity = Identity(name: "Signer", email: "signer@example.com")
        let signature = "-----BEGIN TEST SIGNATURE-----\n\nbGluZQ==\n-----END TEST SIGNATURE-----\n"
        var signed: String?
        let commit = try repository.createCommit(tree: tree, parents: [tip], message: "signed\n", author: identity,
                                                 committer: identity, sign: { content in
            signed = content
            return signature
        })
        let object = try fixture.git("cat-file", "commit", commit.hex, in: fixture.origin) + "\n"
        let lines = object.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.hasPrefix("gpgsig ") })
        let end = lines[(start + 1)...].firstIndex { !$0.hasPrefix(" ") } ?? lines.endIndex
        let header = ([String(lines[start].dropFirst("gpgsig ".count))] + lines[(start + 1)..<end].map { String($0.dropFirst()) })
        #expect(header.joined(separator: "\n") + "\n" == signature, "the header holds the signature, line by line")
        let unsigned = (Array(lines[..<start]) + Array(lines[end...])).joined(separator: "\n")
        #expect(unsigned == signed, "the signed text is the object without its gpgsig header")
        #expect(try fixture.git("rev-parse", "\(commit.hex)^", in: fixture.origin) == tip.hex)
    }
}
