import Foundation
import Testing
import TestSupport

/// `.keos-promote.yaml` as a user meets it: defaults from the file, flags winning, errors with positions.
@Suite("Config file on the command line")
struct CLIConfigTests {
    let folder: TemporaryDirectory
    let sample: SampleRepository
    let binary: KeosBinary

    init() throws {
        folder = try TemporaryDirectory(prefix: "keos-promote-cli-config")
        sample = try SampleRepository.copy(in: folder.url)
        binary = try KeosBinary.locate()
    }

    private func writeConfig(_ text: String, to name: String = ".keos-promote.yaml") throws {
        try text.write(to: sample.clone.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    private func run(_ arguments: [String]) throws -> ProcessResult {
        try binary.run(arguments + ["-C", sample.clone.path], cwd: sample.clone, noColor: true)
    }

    @Test("a wrong type in the file: exit 2, naming file, line and column on stderr and in the JSON")
    func typeErrorNamesThePosition() throws {
        try writeConfig("# defaults\nmerge:\n  retries: many\n")
        let path = sample.clone.appendingPathComponent(".keos-promote.yaml").path
        let message = "\(path):3:12: merge.retries: expected an integer, got the string \"many\""
        let text = try run(["--dry-run", "--staging-status", sample.stagingStatus.path])
        #expect(text.status == 2, "\(text)")
        #expect(text.stdout.isEmpty)
        #expect(text.stderr == "error: \(message)\n")
        let json = try run(["--dry-run", "--output", "json"])
        #expect(json.status == 2)
        let document = try #require(try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])
        let error = try #require(document["error"] as? [String: Any])
        #expect(error["code"] as? Int == 2)
        #expect(error["message"] as? String == message)
    }

    @Test("an unknown key: exit 2 with its position and the key it probably meant")
    func unknownKey() throws {
        try writeConfig("staging:\n  statusFile: [a.json]\n")
        let result = try run(["diff"])
        #expect(result.status == 2)
        #expect(result.stderr.contains(".keos-promote.yaml:2:3: unknown key \"statusFile\" in staging (did you mean \"statusFiles\"?)"), "\(result)")
    }

    @Test("the file supplies defaults: status files, merge policy, target branch")
    func fileSuppliesDefaults() throws {
        try writeConfig("staging:\n  statusFiles: [../staging-1.json]\nmerge:\n  policy: no-ff\n")
        let result = try run(["--dry-run", "--output", "json"])
        #expect(result.status == 0, "\(result)")
        let document = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let verification = try #require(document["verification"] as? [String: Any])
        #expect(verification["status"] as? String == "reconciled")
        #expect(document["action"] as? String == "merge")

        try writeConfig("branches:\n  target: nowhere\nmerge:\n  policy: ff-only\nstaging:\n  statusFiles: [../staging-1.json]\n")
        let fromFile = try run(["--dry-run"])
        #expect(fromFile.status == 2)
        #expect(fromFile.stderr.contains("branch 'nowhere' not found on remote 'origin'"), "\(fromFile)")
    }

    @Test("flags win over the file")
    func flagsWin() throws {
        try writeConfig("branches:\n  target: nowhere\nmerge:\n  policy: ff-only\nstaging:\n  statusFiles: [missing.json]\n")
        let result = try run(["--dry-run", "--target", "production", "--ff", "--staging-status", sample.stagingStatus.path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("main@452d168 → production@"))
        #expect(result.stdout.contains("action merge"))
        #expect(result.stdout.contains("verification: reconciled"))
        // Without --ff, the file's ff-only refuses the merge the sample needs.
        let fileOnly = try run(["--dry-run", "--target", "production", "--staging-status", sample.stagingStatus.path])
        #expect(fileOnly.status == 4, "\(fileOnly)")
        #expect(fileOnly.stderr.contains("rerun without --ff-only"))
    }

    @Test("--config reads another file; --verbose says which file was used")
    func explicitConfig() throws {
        try writeConfig("merge:\n  policy: [broken\n")
        try writeConfig("staging:\n  statusFiles: [../staging-1.json]\n", to: "promote.yaml")
        let result = try run(["verify", "--config", "promote.yaml", "--verbose"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("debug: configuration from promote.yaml\n"))
        #expect(result.stdout.contains("verification: reconciled"))
        let missing = try run(["verify", "--config", "nope.yaml"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "error: --config nope.yaml: no such file\n")
    }
}
