import ArgumentParser
import Testing
@testable import PromoteCLI

/// `RootCommand.parser(for:)`: a named subcommand is parsed by a root without the default subcommand, and
/// nothing a user sees changes.
@Suite("Root parser")
struct RootParserTests {
    @Test("a named subcommand is parsed without the default; everything else with it")
    func choice() {
        for name in ["promote", "verify", "diff", "status", "generate-manual"] {
            #expect(RootCommand.parser(for: [name, "--output", "json"]) is NamedSubcommandRoot.Type, "\(name)")
        }
        for arguments in [[], ["--dry-run"], ["help", "diff"], ["-C", "diff"], ["--help"], ["dif"], ["--version"]] {
            #expect(RootCommand.parser(for: arguments) is RootCommand.Type, "\(arguments)")
        }
    }

    /// Every subcommand with good, bad and help arguments: the same command, values, message and exit code.
    @Test("both roots parse, fail and help alike", arguments: [
        ["diff", "-C", "/repo", "--output", "json", "--no-fetch"],
        ["promote", "--dry-run", "--ff-only", "--source", "trunk"],
        ["verify", "--staging-status", "status.json"],
        ["status", "--output", "markdown"],
        ["generate-manual", "--date", "2026-11-27"],
        ["diff", "--bogus"],
        ["diff", "extra"],
        ["promote", "--ff", "--no-ff"],
        ["verify", "--output"],
        ["status", "--version"],
        ["diff", "--generate-completion-script", "bash"],
    ])
    func sameBehaviour(arguments: [String]) {
        #expect(outcome(RootCommand.self, arguments) == outcome(NamedSubcommandRoot.self, arguments))
    }

    @Test("each subcommand's help is the same from both roots")
    func sameHelp() throws {
        for subcommand in RootCommand.subcommands {
            #expect(RootCommand.helpMessage(for: subcommand) == NamedSubcommandRoot.helpMessage(for: subcommand))
            let help = try NamedSubcommandRoot.parseAsRoot([subcommand._commandName, "--help"])
            #expect("\(type(of: help))" == "HelpCommand")
        }
    }

    /// What parsing `arguments` with `root` gives: the command's type and dumped values, or the error's
    /// full message and exit code.
    private func outcome(_ root: ParsableCommand.Type, _ arguments: [String]) -> String {
        do {
            let command = try root.parseAsRoot(arguments)
            var dump = ""
            Swift.dump(command, to: &dump)
            return "parsed \(type(of: command)): \(dump)"
        } catch {
            return "failed \(root.exitCode(for: error).rawValue): \(root.fullMessage(for: error))"
        }
    }
}
