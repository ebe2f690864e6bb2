import Foundation
import Testing
import TestSupport

/// The scripts behind `action.yml`: inputs become arguments, exit codes become outputs, and exit code 3 is a
/// notice rather than a failure.
@Suite("GitHub action scripts")
struct GitHubActionScriptTests {
    struct ActionRun {
        var result: ProcessResult
        var outputs: [String: String]
        var arguments: [String]
    }

    /// Runs `scripts/ci/github-action.sh` with `inputs` (names as in action.yml) against `binary`.
    static func runAction(_ inputs: [String: String], binary: String, folder: TemporaryDirectory,
                          environment: [String: String] = [:]) throws -> ActionRun {
        let outputFile = folder.url("github-output-\(UUID().uuidString)")
        try Data().write(to: outputFile)
        var variables = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder.path,
                         "KEOS_PROMOTE": binary, "GITHUB_OUTPUT": outputFile.path, "RUNNER_TEMP": folder.path,
                         "ARGS_FILE": folder.url("arguments").path]
        for (name, value) in inputs {
            variables["INPUT_" + name.uppercased().replacingOccurrences(of: "-", with: "_")] = value
        }
        variables.merge(environment) { _, new in new }
        let result = try Shell.run("bash", [PackagePaths.script("ci/github-action.sh").path], environment: variables)
        var outputs: [String: String] = [:]
        for line in try String(contentsOf: outputFile, encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { outputs[parts[0]] = parts[1] }
        }
        let arguments = (try? String(contentsOf: folder.url("arguments"), encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        return ActionRun(result: result, outputs: outputs, arguments: arguments)
    }

    /// A stand-in keos-promote: records its arguments, prints a report, exits with `STUB_CODE`.
    static func stub(in folder: TemporaryDirectory) throws -> String {
        let url = folder.url("keos-promote-stub")
        try """
            #!/bin/sh
            printf '%s\\n' "$@" > "$ARGS_FILE"
            printf '{\\n  "action" : "%s",\\n  "result" : {\\n    "pullRequest" : "%s",\\n    "pushed" : %s\\n  }\\n}\\n' \\
                "${STUB_ACTION:-merge}" "${STUB_PULL_REQUEST:-}" "${STUB_PUSHED:-false}"
            exit "${STUB_CODE:-0}"
            """.write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url.path
    }

    @Test("inputs become keos-promote arguments, in order, one status file per line")
    func inputsBecomeArguments() throws {
        let folder = try TemporaryDirectory()
        let run = try Self.runAction([
            "command": "promote", "dry-run": "true", "revision": "3f2a9c1", "config": "ci/promote.yaml",
            "staging-status": "staging-1=status/one.json\n  status/two.json  \n\n", "merge": "no-ff", "retries": "5",
            "min-soak": "30m", "skip-verify": "false", "working-directory": "repo", "args": "--target=prod\n--remote=upstream\n",
        ], binary: try Self.stub(in: folder), folder: folder)
        #expect(run.result.status == 0, "\(run.result)")
        #expect(run.arguments == ["promote", "-C", "repo", "--output", "json", "--config", "ci/promote.yaml", "--revision", "3f2a9c1",
                                  "--min-soak", "30m", "--staging-status", "staging-1=status/one.json", "--staging-status",
                                  "status/two.json", "--dry-run", "--no-ff", "--retries", "5", "--yes", "--target=prod",
                                  "--remote=upstream"])
        #expect(run.outputs["outcome"] == "planned")
        #expect(run.outputs["report"] == folder.url("keos-promote-report.json").path)

        let clusters = try Self.runAction(["command": "verify", "kubeconfig": "/etc/kube/staging.yaml",
                                           "contexts": "staging-1\n  staging-2 \n"],
                                          binary: try Self.stub(in: folder), folder: folder)
        #expect(clusters.arguments == ["verify", "-C", ".", "--output", "json", "--kubeconfig", "/etc/kube/staging.yaml",
                                       "--context", "staging-1", "--context", "staging-2"])

        let verify = try Self.runAction(["command": "verify", "dry-run": "true", "merge": "ff-only", "skip-verify": "true"],
                                        binary: try Self.stub(in: folder), folder: folder)
        #expect(verify.arguments == ["verify", "-C", ".", "--output", "json", "--skip-verify"])
        #expect(verify.outputs["outcome"] == "verified")
    }

    @Test("exit codes become outcomes; 3 is a notice and a success unless fail-on-not-ready",
          arguments: [(0, "true", "promote", "promoted", 0), (0, "false", "promote", "up-to-date", 0), (0, "false", "status", "done", 0),
                      (1, "false", "promote", "failed", 1), (2, "false", "promote", "invalid", 2), (3, "false", "promote", "not-ready", 0),
                      (4, "false", "promote", "conflict", 4), (5, "false", "promote", "target-moved", 5)])
    func exitCodes(code: Int, pushed: String, command: String, outcome: String, status: Int) throws {
        let folder = try TemporaryDirectory()
        let run = try Self.runAction(["command": command], binary: try Self.stub(in: folder), folder: folder,
                                     environment: ["STUB_CODE": String(code), "STUB_PUSHED": pushed])
        #expect(run.result.status == Int32(status), "\(run.result)")
        #expect(run.outputs["exit-code"] == String(code))
        #expect(run.outputs["outcome"] == outcome)
        switch outcome {
        case "not-ready": #expect(run.result.stdout.contains("::notice title=Staging not ready yet::"))
        case "conflict": #expect(run.result.stdout.contains("::error title=Merge conflict::"))
        default: break
        }
    }

    @Test("propose: the input adds --propose; a pushed proposal is outcome proposed with the pull request's URL")
    func proposal() throws {
        let folder = try TemporaryDirectory()
        let stub = try Self.stub(in: folder)
        let url = "https://github.example.com/acme/gitops/pull/7"
        let run = try Self.runAction(["propose": "true"], binary: stub, folder: folder,
                                     environment: ["STUB_ACTION": "propose", "STUB_PUSHED": "true", "STUB_PULL_REQUEST": url])
        #expect(run.result.status == 0, "\(run.result)")
        #expect(run.arguments == ["promote", "-C", ".", "--output", "json", "--propose", "--yes"])
        #expect(run.outputs["outcome"] == "proposed")
        #expect(run.outputs["pull-request"] == url)
        #expect(run.result.stdout.contains("::notice title=Proposed::\(url)"))

        let conflict = try Self.runAction(["propose": "true"], binary: stub, folder: folder,
                                          environment: ["STUB_ACTION": "propose", "STUB_PUSHED": "true", "STUB_PULL_REQUEST": url,
                                                        "STUB_CODE": "4"])
        #expect(conflict.result.status == 4)
        #expect(conflict.outputs["outcome"] == "conflict")
        #expect(conflict.outputs["pull-request"] == url)

        let merged = try Self.runAction([:], binary: stub, folder: folder, environment: ["STUB_PUSHED": "true"])
        #expect(merged.outputs["outcome"] == "promoted")
        #expect(merged.outputs["pull-request"] == nil, "empty: the parser above keeps only name=value lines with a value")
    }

    @Test("fail-on-not-ready turns exit code 3 into a failed step; a bad command or merge input is refused")
    func strictModes() throws {
        let folder = try TemporaryDirectory()
        let stub = try Self.stub(in: folder)
        let strict = try Self.runAction(["fail-on-not-ready": "true"], binary: stub, folder: folder, environment: ["STUB_CODE": "3"])
        #expect(strict.result.status == 3)
        #expect(strict.result.stdout.contains("::error title=Staging not ready yet::"))
        let badCommand = try Self.runAction(["command": "rebase"], binary: stub, folder: folder)
        #expect(badCommand.result.status == 2)
        #expect(badCommand.result.stdout.contains("::error title=keos-promote::input command must be"))
        let badMerge = try Self.runAction(["merge": "squash"], binary: stub, folder: folder)
        #expect(badMerge.result.status == 2)
    }

    @Test("with the real binary: a dry run is planned, staging behind is not ready (a success), then the promotion lands")
    func realBinary() throws {
        let scene = try SampleScenario()
        let folder = scene.folder
        let binary = scene.binary.url.path
        let summary = folder.url("summary.md")
        try Data().write(to: summary)
        let environment = ["GITHUB_STEP_SUMMARY": summary.path, "HOME": folder.path]
        let clone = scene.sample.clone.path
        let planned = try Self.runAction(["dry-run": "true", "working-directory": clone, "staging-status": scene.sample.stagingStatus.path],
                                         binary: binary, folder: folder, environment: environment)
        #expect(planned.result.status == 0, "\(planned.result)")
        #expect(planned.outputs["outcome"] == "planned")
        let report = try Data(contentsOf: URL(fileURLWithPath: try #require(planned.outputs["report"])))
        #expect(try JSONSchemaValidator.problems(of: [report]) == [[]])
        #expect(try String(contentsOf: summary, encoding: .utf8).hasPrefix("## Promote `main@452d168` to `production`"))

        let behind = try scene.stagingStatus(revision: try scene.revParse("main~2"), name: "behind")
        let notReady = try Self.runAction(["working-directory": clone, "staging-status": behind, "revision": "main"],
                                          binary: binary, folder: folder, environment: environment)
        #expect(notReady.result.status == 0, "\(notReady.result)")
        #expect(notReady.outputs["outcome"] == "not-ready")
        #expect(notReady.outputs["exit-code"] == "3")
        #expect(try scene.revParse("production") == scene.sample.productionTip, "nothing written")

        let promoted = try Self.runAction(["working-directory": clone, "staging-status": scene.sample.stagingStatus.path],
                                          binary: binary, folder: folder, environment: environment)
        #expect(promoted.outputs["outcome"] == "promoted", "\(promoted.result)")
        #expect(try scene.revParse("production") != scene.sample.productionTip)
        let again = try Self.runAction(["working-directory": clone, "staging-status": scene.sample.stagingStatus.path],
                                       binary: binary, folder: folder, environment: environment)
        #expect(again.outputs["outcome"] == "up-to-date")
    }

    @Test("the install step uses the given binary and refuses a missing one")
    func install() throws {
        let folder = try TemporaryDirectory()
        let output = folder.url("output")
        try Data().write(to: output)
        let binary = try KeosBinary.locate().url.path
        let script = PackagePaths.script("ci/github-install.sh").path
        let base = ["PATH": "/usr/bin:/bin", "GITHUB_OUTPUT": output.path]
        let found = try Shell.run("bash", [script], environment: base.merging(["INPUT_BINARY": binary]) { $1 })
        #expect(found.status == 0, "\(found)")
        #expect(try String(contentsOf: output, encoding: .utf8) == "binary=\(binary)\n")
        let missing = try Shell.run("bash", [script], environment: base.merging(["INPUT_BINARY": "/nonexistent/keos-promote"]) { $1 })
        #expect(missing.status == 1)
        #expect(missing.stdout.contains("::error title=keos-promote::/nonexistent/keos-promote is not an executable"))
    }
}
