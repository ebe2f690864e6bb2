import Foundation
import Testing
import TestSupport

/// Colour only on a terminal: with stdout a pipe there is no escape byte, even without `NO_COLOR`.
@Suite("Colour") struct ColourTests {
    @Test("no ESC byte on a pipe, NO_COLOR unset", arguments: [
        ["--dry-run"], ["status"], ["verify"], ["diff"], ["--dry-run", "--output", "markdown"],
    ])
    func noEscapeOnAPipe(_ command: [String]) throws {
        let world = try SampleWorld()
        for environment in [[:], ["TERM": "xterm-256color", "COLORTERM": "truecolor"]] {
            let result = try world.keos(command + ["--staging-status", world.stagingStatus.path], environment: environment)
            #expect(result.status == 0, "\(result)")
            #expect(!result.stdout.isEmpty)
            #expect(!containsEscape(result.stdoutData), "ESC on stdout with \(environment)\n\(result.stdout.debugDescription)")
            #expect(!containsEscape(result.stderrData), "ESC on stderr with \(environment)\n\(result.stderr.debugDescription)")
        }
    }

    @Test("no ESC byte in a failure report either")
    func noEscapeOnFailure() throws {
        let world = try SampleWorld()
        try world.makeConflict()
        let result = try world.keos("--yes", "--staging-status", world.stagingStatus.path)
        #expect(result.status == 4, "\(result)")
        #expect(!containsEscape(result.stdoutData), "\(result.stdout.debugDescription)")
        #expect(!containsEscape(result.stderrData), "\(result.stderr.debugDescription)")
    }

    @Test("escape sequences in file names and commit messages are shown escaped, never sent to the terminal")
    func hostileRepositoryContent() throws {
        let world = try FixtureWorld()
        try world.commit(["components/app/base/\u{1B}[31mred\u{1B}[0m.yaml": "x: 1\n"], on: "main",
                         message: "evil \u{1B}]0;pwned\u{07} title")
        for command in [["diff"], ["status"], ["--dry-run"], ["diff", "--output", "markdown"]] {
            let result = try world.keos(command + ["--skip-verify"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("red"), "the file is listed\n\(result)")
            #expect(!containsEscape(result.stdoutData), "\(command): \(result.stdout.debugDescription)")
            #expect(!containsEscape(result.stderrData), "\(command): \(result.stderr.debugDescription)")
            #expect(!result.stdoutData.contains(0x07), "BEL from the commit message\n\(result.stdout.debugDescription)")
        }
    }
}
