import Foundation
import Testing
import TestSupport

/// The sample's `--dry-run` output, byte for byte, in every format.
///
/// Re-record with `KEOS_RECORD_GOLDEN=1 swift test --filter CLITests.GoldenTests`, then review the diff.
@Suite("Golden output") struct GoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static var recording: Bool { ProcessInfo.processInfo.environment["KEOS_RECORD_GOLDEN"] == "1" }

    @Test("sample --dry-run", arguments: [("text", "sample-dry-run.txt"), ("markdown", "sample-dry-run.md"), ("json", "sample-dry-run.json")])
    func sampleDryRun(_ format: String, _ fileName: String) throws {
        let world = try SampleWorld()
        let result = try world.keos(["--dry-run", "--output", format, "--staging-status", world.stagingStatus.path], noColor: true)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")

        // Nothing of this run's temporary folder may leak into the output: it would not be reproducible.
        #expect(!result.stdout.contains(world.directory.url.path), "temporary path in the output")
        #expect(!result.stdout.contains(NSTemporaryDirectory()), "temporary path in the output")

        // A second run prints the same bytes (nothing depends on the clock); the golden file, recorded in another
        // process from another freshly made sample, checks the rest.
        let again = try world.keos(["--dry-run", "--output", format, "--staging-status", world.stagingStatus.path], noColor: true)
        #expect(again.stdoutData == result.stdoutData, "the output differs between two runs:\n\(result.stdout)\n---\n\(again.stdout)")

        let golden = Self.folder.appendingPathComponent(fileName)
        if Self.recording {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try result.stdoutData.write(to: golden)
            return
        }
        let expected = try #require(FileManager.default.contents(atPath: golden.path),
                                    "missing \(golden.path); record it with KEOS_RECORD_GOLDEN=1")
        #expect(result.stdoutData == expected, """
            \(fileName) differs from the golden file (re-record with KEOS_RECORD_GOLDEN=1 if intended)
            --- expected
            \(String(decoding: expected, as: UTF8.self))
            --- actual
            \(result.stdout)
            """)
    }
}
