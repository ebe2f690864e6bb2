import Foundation

/// Signs commit objects the way git does: OpenPGP through `gpg --status-fd=2 -bsau KEY`, SSH through
/// `ssh-keygen -Y sign -n git -f KEY`.
public struct CommitSigner: Sendable, Equatable {
    public var format: SigningSettings.Format
    /// The signing program as configured: a name looked up on `PATH`, or a path.
    public var program: String
    /// OpenPGP: a key id, fingerprint or user id. SSH: a key file, or a literal public key (the agent signs).
    public var key: String
    /// Whether a person can answer a passphrase prompt; without one, gpg is told never to ask.
    public var interactive: Bool

    public init(format: SigningSettings.Format, program: String, key: String, interactive: Bool) {
        self.format = format
        self.program = program
        self.key = key
        self.interactive = interactive
    }

    /// The signer for `settings` (from `--sign`, `--signing-key` and the config file), falling back to git's
    /// configuration the way git does: format `gpg.format`, key `user.signingkey` (OpenPGP: else the committer's
    /// `Name <email>`), program `gpg.<format>.program` (OpenPGP also `gpg.program`), else `gpg` / `ssh-keygen`.
    ///
    /// - Throws: `PromoteError(.badInput)` when SSH signing has no key, or git's `gpg.format` is one this
    ///   tool cannot sign with.
    public static func resolve(_ settings: SigningSettings, gitConfig: (String) -> String?, committer: Identity,
                               interactive: Bool) throws(PromoteError) -> CommitSigner {
        let format: SigningSettings.Format
        if let chosen = settings.format {
            format = chosen
        } else if let configured = gitConfig("gpg.format")?.lowercased(), !configured.isEmpty {
            guard let known = SigningSettings.Format(rawValue: configured) else {
                throw PromoteError(.badInput, "git's gpg.format is '\(DisplayText.escaped(configured))'; keos-promote signs with openpgp or ssh (set signing.format in the config file)")
            }
            format = known
        } else {
            format = .openpgp
        }
        let configuredKey = settings.key ?? gitConfig("user.signingkey").flatMap { $0.isEmpty ? nil : $0 }
        switch format {
        case .openpgp:
            let program = gitConfig("gpg.openpgp.program") ?? gitConfig("gpg.program") ?? "gpg"
            return CommitSigner(format: format, program: program, key: configuredKey ?? "\(committer.name) <\(committer.email)>",
                                interactive: interactive)
        case .ssh:
            guard let key = configuredKey else {
                throw PromoteError(.badInput, "SSH signing needs a key: pass --signing-key FILE, or set signing.key in the config file or git's user.signingkey")
            }
            return CommitSigner(format: format, program: gitConfig("gpg.ssh.program") ?? "ssh-keygen", key: key,
                                interactive: interactive)
        }
    }

    /// `OpenPGP key 'ABCD'` or `SSH key '/path/id_ed25519'`, for messages.
    public var keyDescription: String {
        let shown = key.count > 60 ? String(key.prefix(60)) + "…" : key
        return "\(format == .openpgp ? "OpenPGP" : "SSH") key '\(DisplayText.escaped(shown))'"
    }

    /// The detached, armored signature of `content` (a commit object's text).
    ///
    /// `environment` is the program's (`PATH`, `HOME`, `GNUPGHOME`, `SSH_AUTH_SOCK`, …).
    /// - Throws: `PromoteError(.runtime)` naming the key and the program's own reason when the program is
    ///   missing, fails, or answers without a signature.
    public func sign(_ content: String, environment: [String: String]) throws(PromoteError) -> String {
        let name = URL(fileURLWithPath: program).lastPathComponent
        guard let executable = ChildProcess.locate(program, environment: environment) else {
            let hint = format == .openpgp ? "install GnuPG or set git's gpg.program" : "install OpenSSH's ssh-keygen or set git's gpg.ssh.program"
            throw failure("'\(DisplayText.escaped(program))' not found (\(hint))")
        }
        switch format {
        case .openpgp: return try signOpenPGP(content, executable: executable, name: name, environment: environment)
        case .ssh: return try signSSH(content, executable: executable, name: name, environment: environment)
        }
    }

    private func signOpenPGP(_ content: String, executable: String, name: String,
                             environment: [String: String]) throws(PromoteError) -> String {
        var arguments = ["--status-fd=2", "-bsau", key]
        if !interactive {
            // No one can type a passphrase: fail at once instead of waiting for a pinentry nobody sees.
            arguments = ["--batch", "--no-tty", "--pinentry-mode", "error"] + arguments
        }
        let output = try run(executable, arguments, name: name, input: .data(Data(content.utf8)), environment: environment)
        let status = String(decoding: output.stderr, as: UTF8.self)
        let created = status.split(whereSeparator: \.isNewline).contains { $0.hasPrefix("[GNUPG:] SIG_CREATED ") }
        let signature = String(decoding: output.stdout, as: UTF8.self)
        guard output.status == 0, created, signature.contains("-----BEGIN PGP SIGNATURE-----") else {
            let reason = Self.reason(output, program: name)
            let hint = !interactive && reason.contains("No pinentry")
                ? " (the key needs its passphrase and there is no terminal to ask on: preset it in gpg-agent, or sign from a terminal)" : ""
            throw failure("\(name) \(reason)\(hint)")
        }
        return signature
    }

    private func signSSH(_ content: String, executable: String, name: String,
                         environment: [String: String]) throws(PromoteError) -> String {
        let folder: URL
        do {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("keos-promote-sign-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw failure("cannot make a temporary folder: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let buffer = folder.appendingPathComponent("commit")
        var arguments = ["-Y", "sign", "-n", "git", "-f"]
        do {
            try Data(content.utf8).write(to: buffer)
            if let literal = Self.literalSSHKey(key) {
                // A public key itself: ssh-keygen finds its private half in the agent (-U).
                let file = folder.appendingPathComponent("key.pub")
                try Data((literal + "\n").utf8).write(to: file)
                arguments += [file.path, "-U"]
            } else {
                arguments.append(Self.expandHome(key, environment: environment))
            }
        } catch {
            throw failure("cannot write a temporary file: \(error.localizedDescription)")
        }
        let output = try run(executable, arguments + [buffer.path], name: name, input: .none, environment: environment)
        let signature = (try? String(contentsOf: buffer.appendingPathExtension("sig"), encoding: .utf8)) ?? ""
        guard output.status == 0, signature.contains("-----BEGIN SSH SIGNATURE-----") else {
            let reason = String(decoding: output.stderr, as: UTF8.self).contains("usage:")
                ? "does not know -Y sign (OpenSSH 8.2 or later is needed)" : Self.reason(output, program: name)
            throw failure("\(name) \(reason)")
        }
        return signature
    }

    private func run(_ executable: String, _ arguments: [String], name: String, input: ChildProcess.Input,
                     environment: [String: String]) throws(PromoteError) -> ProcessOutput {
        let timeout: TimeInterval = interactive ? 600 : 60
        let output: ProcessOutput
        do {
            output = try ChildProcess.run(executable, arguments, environment: environment, input: input, timeout: timeout)
        } catch {
            throw failure("\(name) could not be started: \(error.localizedDescription)")
        }
        if output.timedOut { throw failure("\(name) did not finish within \(Int(timeout))s") }
        return output
    }

    private func failure(_ reason: String) -> PromoteError {
        PromoteError(.runtime, "cannot sign the merge commit with \(keyDescription): \(reason); nothing was pushed")
    }

    /// `failed: <the program's last message>` (gpg's status lines and its `gpg: ` prefix left out).
    static func reason(_ output: ProcessOutput, program: String) -> String {
        let lines = String(decoding: output.stderr, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("[GNUPG:]") && !$0.allSatisfy { $0 == "@" } }
        let status = output.status == 0 ? "answered without a signature" : "failed (exit status \(output.status))"
        guard var last = lines.last else { return status }
        if last.hasPrefix("\(program): ") { last.removeFirst(program.count + 2) }
        return "\(status): \(ProcessOutput.shortened(last) ?? "")"
    }

    /// The public key in `key` when it is one (`ssh-ed25519 AAAA…`, or `key::` before it, as git accepts).
    static func literalSSHKey(_ key: String) -> String? {
        let text = key.hasPrefix("key::") ? String(key.dropFirst(5)) : key
        guard key.hasPrefix("key::") || SigningSettings.isLiteralSSHKey(text) else { return nil }
        return text
    }

    private static func expandHome(_ path: String, environment: [String: String]) -> String {
        guard path.hasPrefix("~/"), let home = environment["HOME"] else { return path }
        return home + path.dropFirst(1)
    }
}
