import ArgumentParser
import Foundation
import Promote

/// The command-line entry point: parses, runs one command, and exits with the SPEC's exit code.
public enum KeosPromote {
    public static let version = "0.1.0"

    /// The plan's first steps, started before the arguments are parsed; set once, by `main`.
    nonisolated(unsafe) static var headStart: PlanHeadStart?

    /// Runs the command line in `CommandLine.arguments` and never returns.
    public static func main() -> Never {
        // Start-up is most of a `--version`; answer it before the parser inspects every command's type.
        if CommandLine.arguments.dropFirst() == ["--version"] {
            print(version)
            finish(0)
        }
        HeapPages.prepare()
        let arguments = Array(CommandLine.arguments.dropFirst())
        let started = StartingFlagsGuess.flags(in: arguments).flatMap { PlanHeadStart($0) }
        headStart = started
        Libgit2.warmUp(then: started.map { steps in { @Sendable in steps.run() } })
        let root = RootCommand.parser(for: arguments)
        do {
            var command = try root.parseAsRoot()
            try command.run()
            finish(0)
        } catch let code as ExitCode {
            finish(code.rawValue)
        } catch {
            if root.exitCode(for: error) == .success {
                print(root.fullMessage(for: error))
                finish(0)
            }
            let message = root.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid usage"
            if UsageFailure.wantsJSON(arguments) {
                FileHandle.standardOutput.write(Data(UsageFailure.jsonDocument(arguments: arguments, message: message).utf8))
            }
            FileHandle.standardError.write(Data("error: \(DisplayText.escaped(message)) (see keos-promote --help)\n".utf8))
            finish(ExitStatus.code(for: .badInput))
        }
    }

    /// Flushes C's output buffers and ends the process with `code`, without running exit handlers and library
    /// destructors (OpenSSL's clean-up and the like, about 0.4 ms): nothing here needs them — output is written
    /// as it is made, locks are the kernel's — and they must not run while another thread may still be using the
    /// libraries (libgit2's initialisation, the plan's head start, the YAML parsed ahead).
    static func finish(_ code: Int32) -> Never {
        fflush(nil)
        _exit(code)
    }
}

/// The SPEC's exit codes; the one place that maps error kinds to numbers.
enum ExitStatus {
    static func code(for kind: PromoteError.Kind) -> Int32 {
        switch kind {
        case .runtime: 1
        case .badInput: 2
        case .notVerified: 3
        case .conflict: 4
        case .targetMoved: 5
        }
    }

    /// `git diff --exit-code`: there are differences.
    static let differences: Int32 = 1
}

/// A command line that could not be parsed, reported as JSON when the user asked for JSON.
enum UsageFailure {
    /// Whether the arguments ask for `--output json` (either spelling), even though parsing failed.
    static func wantsJSON(_ arguments: [String]) -> Bool {
        zip(arguments, arguments.dropFirst()).contains { $0 == "--output" && $1 == "json" }
            || arguments.contains("--output=json")
    }

    /// The schema-shaped report of a usage error (exit 2), with the subcommand and branches the arguments name.
    static func jsonDocument(arguments: [String], message: String) -> String {
        func value(_ flag: String, default fallback: String) -> String {
            if let index = arguments.firstIndex(of: flag), index + 1 < arguments.count { return arguments[index + 1] }
            return arguments.first { $0.hasPrefix(flag + "=") }.map { String($0.dropFirst(flag.count + 1)) } ?? fallback
        }
        let command = arguments.lazy.compactMap(PromotionReport.Command.init(rawValue:)).first ?? .promote
        var report = PromotionReport(command: command,
                                     source: .init(branch: value("--source", default: "main"), revision: nil),
                                     target: .init(branch: value("--target", default: "production"), revision: nil),
                                     dryRun: arguments.contains("--dry-run"))
        report.error = .init(code: Int(ExitStatus.code(for: .badInput)), message: message)
        return ReportRendering.render(report, format: .json, color: false)
    }
}
