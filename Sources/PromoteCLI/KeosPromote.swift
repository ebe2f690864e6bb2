import ArgumentParser
import Foundation
import Promote

/// The command-line entry point: parses, runs one command, and exits with the SPEC's exit code.
public enum KeosPromote {
    public static let version = "0.1.0"

    /// Runs the command line in `CommandLine.arguments` and never returns.
    public static func main() -> Never {
        // Start-up is most of a `--version`; answer it before the parser inspects every command's type.
        if CommandLine.arguments.dropFirst() == ["--version"] {
            print(version)
            exit(0)
        }
        do {
            var command = try RootCommand.parseAsRoot()
            try command.run()
            exit(0)
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            if RootCommand.exitCode(for: error) == .success {
                print(RootCommand.fullMessage(for: error))
                exit(0)
            }
            let message = RootCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid usage"
            FileHandle.standardError.write(Data("error: \(DisplayText.escaped(message)) (see keos-promote --help)\n".utf8))
            exit(ExitStatus.code(for: .badInput))
        }
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
