import Foundation

/// A hermetic environment for running git (and the tool under test) in tests.
///
/// Nothing of the machine's or the user's git configuration leaks in: `GIT_CONFIG_NOSYSTEM=1`,
/// `HOME` is a private folder (or a path that does not exist), and the settings tests rely on
/// (`init.defaultBranch=main`, an identity, no signing, no CRLF conversion, no auto gc) are given
/// through `GIT_CONFIG_COUNT` (without a home) or `~/.gitconfig` (with one). Author and
/// committer identity and date are fixed, so object ids are stable from run to run.
public struct GitEnvironment: Sendable {
    /// The folder used as `HOME`, when there is one.
    public let home: URL?
    /// The full environment handed to child processes.
    public var variables: [String: String]

    /// Fixed identity of commits made by the fixtures.
    public static let authorName = "Fixture Author"
    public static let authorEmail = "author@example.com"
    public static let committerName = "Fixture Committer"
    public static let committerEmail = "committer@example.com"
    /// 2024-01-01T00:00:00Z: the date of commits made without an explicit date.
    public static let baseDate = Date(timeIntervalSince1970: 1_704_067_200)

    /// The settings every fixture repository is made with.
    public static let settings: [(String, String)] = [
        ("init.defaultBranch", "main"),
        ("user.name", "Fixture User"),
        ("user.email", "fixture@example.com"),
        ("commit.gpgSign", "false"),
        ("tag.gpgSign", "false"),
        ("core.autocrlf", "false"),
        ("core.fsmonitor", "false"),
        ("gc.auto", "0"),
        ("maintenance.auto", "false"),
        ("advice.detachedHead", "false"),
        ("protocol.file.allow", "always"),
    ]

    /// An environment without a home: enough for git alone.
    public static let standard = GitEnvironment(homeless: ())

    private init(homeless: Void) {
        home = nil
        variables = Self.baseVariables(home: "/nonexistent/keos-promote-test-home")
        variables["GIT_CONFIG_GLOBAL"] = "/dev/null"
        // Command-line scope: these override repository config too, which is why the variant
        // with a home writes them to `~/.gitconfig` instead.
        variables["GIT_CONFIG_COUNT"] = String(Self.settings.count)
        for (index, (key, value)) in Self.settings.enumerated() {
            variables["GIT_CONFIG_KEY_\(index)"] = key
            variables["GIT_CONFIG_VALUE_\(index)"] = value
        }
    }

    /// An environment whose `HOME` is `home` (created if needed), with a `.gitconfig` holding
    /// `settings`, so that libgit2 (which ignores `GIT_CONFIG_COUNT`) sees the same identity.
    public init(home: URL) throws {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        var config = ""
        var lastSection = ""
        for (key, value) in Self.settings.sorted(by: { $0.0 < $1.0 }) {
            // "section.name" → [section] name; "section.sub.name" → [section "sub"] name.
            var parts = key.split(separator: ".").map(String.init)
            let name = parts.removeLast()
            let section = parts.count == 1 ? parts[0] : "\(parts[0]) \"\(parts.dropFirst().joined(separator: "."))\""
            if section != lastSection {
                config += "[\(section)]\n"
                lastSection = section
            }
            config += "\t\(name) = \(value)\n"
        }
        try Data(config.utf8).write(to: home.appendingPathComponent(".gitconfig"))
        self.home = home
        variables = Self.baseVariables(home: home.path)
    }

    private static func baseVariables(home: String) -> [String: String] {
        var variables: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": home,
            "XDG_CONFIG_HOME": home + "/.config",
            "XDG_CACHE_HOME": home + "/.cache",
            "LANG": "C",
            "LC_ALL": "C",
            "TZ": "UTC",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_AUTHOR_NAME": authorName,
            "GIT_AUTHOR_EMAIL": authorEmail,
            "GIT_COMMITTER_NAME": committerName,
            "GIT_COMMITTER_EMAIL": committerEmail,
            "GIT_AUTHOR_DATE": gitDate(baseDate),
            "GIT_COMMITTER_DATE": gitDate(baseDate),
        ]
        if let tmp = ProcessInfo.processInfo.environment["TMPDIR"] { variables["TMPDIR"] = tmp }
        return variables
    }

    /// A copy in which author and committer dates are `date`.
    public func dated(_ date: Date) -> GitEnvironment {
        var copy = self
        copy.variables["GIT_AUTHOR_DATE"] = Self.gitDate(date)
        copy.variables["GIT_COMMITTER_DATE"] = Self.gitDate(date)
        return copy
    }

    /// A copy with `extra` variables added (or replaced).
    public func adding(_ extra: [String: String]) -> GitEnvironment {
        var copy = self
        copy.variables.merge(extra) { _, new in new }
        return copy
    }

    /// `date` in git's internal date format (`@<seconds> +0000`).
    public static func gitDate(_ date: Date) -> String {
        "@\(Int(date.timeIntervalSince1970)) +0000"
    }

    /// Runs git in `directory`; see `Shell.git`.
    @discardableResult
    public func git(_ arguments: String..., in directory: URL, stdin: Data? = nil) throws -> String {
        try Shell.git(arguments, in: directory, environment: self, stdin: stdin)
    }

    /// Runs git in `directory` and returns the result whatever the exit status.
    public func gitResult(_ arguments: [String], in directory: URL, stdin: Data? = nil) throws -> ProcessResult {
        try Shell.run("git", arguments, cwd: directory, environment: variables, stdin: stdin)
    }
}
