import ArgumentParser
import Promote
import Testing
@testable import PromoteCLI

/// `StartingFlagsGuess` reads the flags that decide where a plan starts as swift-argument-parser does.
@Suite("Starting flags guess")
struct StartingFlagsGuessTests {
    @Test("the flags the parser gives", arguments: [
        ["diff", "-C", "/repo", "--no-fetch", "--skip-verify", "--output", "json"],
        ["-C", "/repo", "--dry-run"],
        ["promote", "--source=trunk", "--target", "release", "--remote", "upstream", "--config", "conf.yaml",
         "--components-dir", "apps", "--revision", "abc123", "--ff-only"],
        ["status", "-C", "one", "-C", "two", "--output=markdown"],
        ["diff", "--url", "https://git.example.com/platform/gitops.git", "--revision=HEAD~1"],
        ["promote", "--staging-status", "s1=status.json", "--source", "main", "--yes"],
        ["diff", "--exit-code", "--verbose", "--min-soak", "30m", "--target", "prod"],
        ["status", "--production-status", "prod.json", "--kubeconfig", "kube.yaml", "--context", "staging"],
        ["promote", "--propose", "--repository", "team/gitops", "--body-file", "body.md", "--source", "main"],
    ])
    func agreesWithTheParser(arguments: [String]) throws {
        let command = try RootCommand.parser(for: arguments).parseAsRoot(arguments)
        var expected: StartingFlags
        switch command {
        case let promote as PromoteCommand:
            expected = promote.common.startingFlags
            expected.revision = promote.revision
        case let diff as DiffCommand:
            expected = diff.common.startingFlags
            expected.revision = diff.revision
        case let status as StatusCommand:
            expected = status.common.startingFlags
        default:
            Issue.record("\(arguments) parsed as \(type(of: command))")
            return
        }
        #expect(StartingFlagsGuess.flags(in: arguments) == expected)
    }

    @Test("nothing is guessed for commands that do not plan", arguments: [
        ["verify", "-C", "/repo"],
        ["generate-manual", "--date", "2026-11-27"],
        ["diff", "-C", "/repo", "--help"],
        ["--version"],
        ["help", "diff"],
        ["-h"],
        ["diff", "--generate-completion-script", "bash"],
    ])
    func notPlanning(arguments: [String]) {
        #expect(StartingFlagsGuess.flags(in: arguments) == nil)
    }
}
