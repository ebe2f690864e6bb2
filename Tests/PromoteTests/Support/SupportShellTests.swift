import Foundation
import Testing
import TestSupport

@Suite struct SupportShellTests {
    @Test func drainsLargeStdoutAndStderrTogether() throws {
        // Far beyond a pipe buffer on both streams at once: a sequential reader would deadlock.
        let result = try Shell.run("sh", ["-c", "head -c 3000000 /dev/zero; head -c 2000000 /dev/zero >&2; exit 3"])
        #expect(result.status == 3)
        #expect(result.stdoutData.count == 3_000_000)
        #expect(result.stderrData.count == 2_000_000)
    }

    @Test func passesStdinCwdAndEnvironment() throws {
        let folder = try TemporaryDirectory()
        let result = try Shell.run(
            "sh", ["-c", "cat; pwd; echo \"$GREETING\""], cwd: folder.url,
            environment: ["PATH": "/usr/bin:/bin", "GREETING": "hello"], stdin: Data("from stdin\n".utf8))
        #expect(result.succeeded)
        #expect(result.stdout == "from stdin\n\(folder.path)\nhello\n")
    }

    #if os(Linux)
    @Test func childrenStartWithNoSignalBlocked() throws {
        // Children inherit the spawning thread's mask; test threads block almost everything.
        let result = try Shell.run("sh", ["-c", "grep -E '^Sig(Blk|Ign)' /proc/self/status"])
        var masks: [String: UInt64] = [:]
        for line in result.stdout.split(separator: "\n") {
            let parts = line.split(separator: "\t")
            masks[String(parts[0])] = UInt64(parts[1], radix: 16)
        }
        #expect(masks["SigBlk:"] == 0)
        // SIGHUP, SIGINT and SIGTERM keep their default action (bit n-1 for signal n). SIGPIPE is left out: a
        // test in this process may ignore it (the schema validator's pipe does), and an ignored signal is
        // inherited by every child whatever the spawn does; the tool under test copes with EPIPE either way.
        let watched: UInt64 = 1 << 0 | 1 << 1 | 1 << 14
        #expect(masks["SigIgn:"].map { $0 & watched } == 0)
    }
    #endif

    @Test func survivesAChildThatIgnoresStdin() throws {
        let result = try Shell.run("true", stdin: Data(count: 1_000_000))
        #expect(result.succeeded)
    }

    @Test func gitFailureCarriesStderr() throws {
        let folder = try TemporaryDirectory()
        let error = #expect(throws: TestSupportError.self) {
            try Shell.git("rev-parse", "--verify", "no-such-branch", in: folder.url)
        }
        #expect(error?.message.contains("not a git repository") == true)
    }

    @Test func temporaryDirectoryIsUniqueAndRemoved() throws {
        var first: TemporaryDirectory? = try TemporaryDirectory()
        let second = try TemporaryDirectory()
        let path = first!.path
        #expect(path != second.path)
        #expect(FileManager.default.fileExists(atPath: path))
        try first!.makeDirectory("a/b")
        first = nil
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func hermeticGitIgnoresUserConfiguration() throws {
        let folder = try TemporaryDirectory()
        let environment = try GitEnvironment(home: folder.url("home"))
        try environment.git("init", "--quiet", "repo", in: folder.url)
        let repo = folder.url("repo")
        #expect(try environment.git("symbolic-ref", "HEAD", in: repo) == "refs/heads/main")
        #expect(try environment.git("config", "user.name", in: repo) == "Fixture User")
        // /etc/gitconfig on developer machines rewrites github.com; none of it may leak in.
        let urls = try environment.gitResult(["config", "--get-regexp", "^url\\."], in: repo)
        #expect(urls.stdout.isEmpty)
        #expect(environment.variables["HOME"] == folder.url("home").path)
    }
}
