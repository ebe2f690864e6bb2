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
}
