import Foundation
import Testing
import TestSupport

/// Every JSON document the CLI prints validates against `schema/report.schema.json`, and the Markdown states
/// the same facts as the JSON.
@Suite("JSON output, schema and Markdown")
struct SchemaOutputTests {
    /// One command line, what it must exit with, and its stdout.
    struct Run {
        var name: String
        var status: Int32
        var result: ProcessResult
    }

    /// Runs every command on the sample in the states a scheduled job meets, with `--output json`.
    static func everyJSONOutput() throws -> [Run] {
        let scene = try SampleScenario()
        let status = scene.sample.stagingStatus.path
        let older = try scene.stagingStatus(revision: try scene.revParse("main~2"), name: "older")
        let production = try scene.productionStatus()
        var runs: [Run] = []
        func run(_ name: String, _ expected: Int32, _ arguments: [String]) throws {
            runs.append(Run(name: name, status: expected, result: try scene.run(arguments + ["--output", "json"])))
        }
        try run("dry run", 0, ["--dry-run", "--staging-status", status])
        try run("dry run, older revision staging runs", 0, ["--dry-run", "--staging-status", older])
        try run("verify", 0, ["verify", "--staging-status", status])
        try run("verify, not the revision staging runs", 3, ["verify", "--staging-status", older, "--revision", "main"])
        try run("verify without status", 2, ["verify"])
        try run("diff, skip verify", 0, ["diff", "--skip-verify", "--revision", "main~1"])
        try run("diff --exit-code", 1, ["diff", "--exit-code", "--staging-status", status])
        try run("status", 0, ["status", "--staging-status", status, "--production-status", production])
        try run("status without staging", 0, ["status"])
        try run("ff-only refused", 4, ["--dry-run", "--ff-only", "--staging-status", status])
        try run("unknown revision", 2, ["--dry-run", "--skip-verify", "--revision", "no-such-ref"])
        try run("unknown branch", 2, ["diff", "--target", "nowhere"])
        try run("usage error in config", 2, ["--dry-run", "--config", "/nonexistent/keos.yaml"])
        try run("promote", 0, ["--yes", "--staging-status", status])
        try run("promote again: nothing to do", 0, ["--yes", "--staging-status", status])
        try run("status after promotion", 0, ["status", "--staging-status", status])

        let conflicted = try SampleScenario()
        try conflicted.makeConflict()
        runs.append(Run(name: "conflict", status: 4,
                        result: try conflicted.run(["--yes", "--output", "json", "--staging-status", conflicted.sample.stagingStatus.path])))
        let notARepository = try TemporaryDirectory()
        runs.append(Run(name: "not a repository", status: 2,
                        result: try scene.binary.run(["status", "--output", "json", "-C", notARepository.path])))
        return runs
    }

    @Test("every JSON output is one object on stdout that validates against the schema")
    func everyOutputValidates() throws {
        let runs = try Self.everyJSONOutput()
        for run in runs {
            #expect(run.result.status == run.status, "\(run.name): \(run.result)")
            let object = try run.result.jsonObject()
            #expect(object["schemaVersion"] as? Int == 1, "\(run.name)")
            if run.status != 0 && !(run.name.hasPrefix("diff --exit-code")) {
                #expect((object["error"] as? [String: Any])?["code"] as? Int == Int(run.status), "\(run.name)")
            }
        }
        let problems = try JSONSchemaValidator.problems(of: runs.map(\.result.stdoutData))
        for (run, found) in zip(runs, problems) {
            #expect(found.isEmpty, "\(run.name): \(found)\n\(run.result.stdout)")
        }
        let commands = Set(runs.compactMap { try? $0.result.jsonObject()["command"] as? String })
        #expect(commands == ["promote", "verify", "diff", "status"])
    }

    @Test("the schema check can fail: a document with a wrong value or an unknown key is refused")
    func schemaRefusesBadDocuments() throws {
        let scene = try SampleScenario()
        let good = try scene.run(["--dry-run", "--output", "json", "--staging-status", scene.sample.stagingStatus.path])
        var object = try good.jsonObject()
        object["action"] = "rebase"
        let wrongValue = try JSONSerialization.data(withJSONObject: object)
        object["action"] = "merge"
        object["extra"] = true
        let unknownKey = try JSONSerialization.data(withJSONObject: object)
        let problems = try JSONSchemaValidator.problems(of: [good.stdoutData, wrongValue, unknownKey, Data("{".utf8)])
        #expect(problems[0].isEmpty)
        #expect(problems[1].contains { $0.hasPrefix("action: 'rebase' is not one of") })
        #expect(problems[2].contains { $0.contains("'extra' was unexpected") })
        #expect(problems[3].first?.hasPrefix("not JSON") == true)
    }

    @Test("Markdown states the facts of the JSON: branches, revisions, action, clusters, components, files, releases, waiting, errors",
          arguments: ["dry run", "status", "conflict", "pending"])
    func markdownStatesTheJSONFacts(scenario: String) throws {
        let scene = try SampleScenario()
        var arguments: [String]
        switch scenario {
        case "status": arguments = ["status", "--staging-status", scene.sample.stagingStatus.path, "--production-status", try scene.productionStatus()]
        case "conflict":
            try scene.makeConflict()
            arguments = ["--dry-run", "--staging-status", scene.sample.stagingStatus.path]
        case "pending":
            arguments = ["verify", "--revision", "main", "--staging-status", try scene.stagingStatus(revision: try scene.revParse("main~2"))]
        default: arguments = ["--dry-run", "--staging-status", scene.sample.stagingStatus.path]
        }
        let json = try scene.run(arguments + ["--output", "json"])
        let markdown = try scene.run(arguments + ["--output", "markdown"])
        #expect(json.status == markdown.status)
        let facts = try json.jsonObject()
        let text = markdown.stdout
        func short(_ value: Any?) -> String? { (value as? String).map { String($0.prefix(7)) } }

        var expected: [String] = []
        for side in ["source", "target"] {
            let state = try #require(facts[side] as? [String: Any])
            expected += [state["branch"] as? String, short(state["revision"])].compactMap { $0 }
        }
        if facts["command"] as? String != "verify" { expected.append("**\(facts["action"] as? String ?? "?")**") }
        let verification = try #require(facts["verification"] as? [String: Any])
        expected.append("### Verification: \(verification["status"] as? String ?? "?")")
        for cluster in verification["clusters"] as? [[String: Any]] ?? [] {
            expected += [cluster["name"] as? String, short(cluster["revision"])].compactMap { $0 }
            for object in cluster["objects"] as? [[String: Any]] ?? [] where object["ready"] as? Bool == false {
                expected += ["\(object["kind"]!) \(object["namespace"]!)/\(object["name"]!)", object["reason"] as? String ?? ""]
            }
        }
        for component in facts["components"] as? [[String: Any]] ?? [] {
            expected += [component["name"] as? String ?? "?", component["change"] as? String ?? "?"]
            for file in component["files"] as? [[String: Any]] ?? [] {
                expected += ["`\(file["path"]!)`", "\(file["change"]!) · \(file["environment"]!)"]
                if file["conflict"] as? Bool == true { expected.append("**conflict**") }
            }
            for release in component["releases"] as? [[String: Any]] ?? [] {
                expected += [release["name"] as? String, release["from"] as? String, release["to"] as? String].compactMap { $0 }
                expected += release["valuesChanged"] as? [String] ?? []
            }
        }
        expected += (facts["outsideComponents"] as? [[String: Any]] ?? []).map { "`\($0["path"]!)`" }
        expected += (facts["conflicts"] as? [String] ?? []).map { "`\($0)`" }
        expected += (facts["waitingCommits"] as? [[String: Any]] ?? []).compactMap { short($0["id"]) }
        for environment in facts["environments"] as? [[String: Any]] ?? [] {
            expected += ["| \(environment["name"]!) | `\(environment["branch"]!)` |", short(environment["tip"]) ?? "none"]
            expected += (environment["clusters"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        }
        if let waiting = facts["waiting"] as? [String: Any] {
            expected.append("\(waiting["commits"]!) commits waiting")
            expected += (waiting["components"] as? [String] ?? []).map { "`\($0)`" }
            expected += [short(waiting["oldestCommit"])].compactMap { $0 }
        }
        if let error = facts["error"] as? [String: Any] { expected.append("(exit \(error["code"]!))") }
        #expect(expected.count > 8)
        for fact in expected where !fact.isEmpty {
            #expect(text.contains(fact), "\(scenario): Markdown lacks \(fact)")
        }
    }

    @Test("$GITHUB_STEP_SUMMARY gets the Markdown plan appended, also with --quiet, on failure, and in JSON mode")
    func stepSummary() throws {
        let scene = try SampleScenario()
        let summary = scene.folder.url("summary.md")
        try "# Earlier step\n".write(to: summary, atomically: true, encoding: .utf8)
        let environment = ["GITHUB_STEP_SUMMARY": summary.path]
        let arguments = ["--dry-run", "--staging-status", scene.sample.stagingStatus.path]
        let markdown = try scene.run(arguments + ["--output", "markdown"])
        let text = try scene.run(arguments, environment: environment)
        #expect(text.status == 0)
        #expect(try String(contentsOf: summary, encoding: .utf8) == "# Earlier step\n" + markdown.stdout)

        let quietJSON = try scene.run(arguments + ["--quiet", "--output", "json"], environment: environment)
        #expect(quietJSON.status == 0)
        #expect(try String(contentsOf: summary, encoding: .utf8) == "# Earlier step\n" + markdown.stdout + markdown.stdout)

        let pendingStatus = try scene.stagingStatus(revision: try scene.revParse("main~2"))
        let pending = try scene.run(["verify", "--quiet", "--revision", "main", "--staging-status", pendingStatus], environment: environment)
        #expect(pending.status == 3)
        #expect(pending.stdout.isEmpty, "--quiet prints no text report")
        let written = try String(contentsOf: summary, encoding: .utf8)
        #expect(written.hasSuffix("\n"))
        #expect(written.components(separatedBy: "### Verification: pending").count == 2)

        let usage = try scene.run(["verify"], environment: environment)
        #expect(usage.status == 2)
        #expect(try String(contentsOf: summary, encoding: .utf8).contains("nothing to verify against"))

        let unwritable = try scene.run(arguments, environment: ["GITHUB_STEP_SUMMARY": "/nonexistent/summary.md"])
        #expect(unwritable.status == 0)
        #expect(unwritable.stderr.contains("warning: cannot write GITHUB_STEP_SUMMARY file /nonexistent/summary.md"))
    }
}
