import Foundation
import Testing
import TestSupport

/// `--output json`: exactly one schema-valid document on stdout, with the same facts as the text report.
@Suite("JSON output") struct JSONOutputTests {
    @Test("every command on the sample: one valid document whose facts match the text output",
          arguments: [["--dry-run"], ["promote", "--dry-run"], ["verify"], ["diff"], ["status"]])
    func commandsMatchText(_ command: [String]) throws {
        let world = try SampleWorld()
        let arguments = command + ["--staging-status", world.stagingStatus.path]
        let json = try world.keos(arguments + ["--output", "json"])
        let text = try world.keos(arguments, noColor: true)

        #expect(json.status == 0, "\(json)")
        #expect(text.status == 0, "\(text)")
        #expect(json.stderr.isEmpty, "\(json)")
        try ReportSchema.expectValid(json)
        let report = try JSONReport(json)
        let name = command.first { !$0.hasPrefix("-") } ?? "promote"
        #expect(report.command == name)
        #expect(report.sourceRevision == world.mainTip)
        #expect(report.targetRevision == world.productionTip)
        #expect(report.verificationStatus == "reconciled")
        #expect(report.verificationClusters.map { $0["name"] as? String } == ["staging-1"])
        #expect(TextReport(text.stdout).verification == report.verificationStatus)
        if name == "verify" {
            #expect(text.stdout.contains(String(world.mainTip.prefix(7))))
            return
        }
        #expect(report.action == "merge")
        #expect(TextReport(text.stdout).action == report.action, "\(text)")
        #expect(report.componentChanges == TextReport(text.stdout).componentChanges, "\(text)\n\(json)")
        #expect(report.componentNames == ["gosec", "observability", "storage"])
        #expect(report.outsidePaths == TextReport(text.stdout).outsidePaths)
        #expect(report.outsidePaths == [".github/workflows/vet.yaml", "update/metrics-server.yaml"])
        for component in report.components {
            let title = "\(component["name"] as? String ?? "?"): \(component["change"] as? String ?? "?"), "
                + ((component["affectsProduction"] as? Bool) == true ? "affects production" : "staging only")
            #expect(text.stdout.contains(title), "text shows \(title)\n\(text)")
            for file in (component["files"] as? [[String: Any]]) ?? [] {
                #expect(text.stdout.contains(file["path"] as? String ?? "<no path>"))
            }
        }
        let metrics = report.releases(of: "observability").first { $0["name"] as? String == "metrics-server" }
        #expect(metrics?["from"] as? String == "metrics-server 3.12.1")
        #expect(metrics?["to"] as? String == "metrics-server 3.12.2")
        let longhorn = report.releases(of: "storage").first { $0["name"] as? String == "longhorn" }
        #expect(longhorn?["valuesChanged"] as? [String] == ["defaultSettings.backupstorePollInterval",
                                                             "defaultSettings.storageMinimalAvailablePercentage"])
    }

    @Test("the schema check itself rejects what it must")
    func validatorCanFail() throws {
        #expect(!(try ReportSchema.violations(of: Data("{}".utf8))).isEmpty, "missing keys")
        let sample = try Data(contentsOf: GoldenTests.folder.appendingPathComponent("sample-dry-run.json"))
        #expect(try ReportSchema.violations(of: sample).isEmpty, "the golden document is valid")
        #expect(!(try ReportSchema.violations(of: sample + sample)).isEmpty, "two documents are not one")
        #expect(!(try ReportSchema.violations(of: Data("fetching main\n".utf8) + sample)).isEmpty, "a log line before the document")
        var object = try #require(try JSONSerialization.jsonObject(with: sample) as? [String: Any])
        object["action"] = "rebase"
        #expect(!(try ReportSchema.violations(of: try JSONSerialization.data(withJSONObject: object))).isEmpty, "unknown action")
    }

    @Test("a real promotion: pushed, with the commit now on the remote")
    func realPromotion() throws {
        let world = try SampleWorld()
        let result = try world.keos("--yes", "--output", "json", "--staging-status", world.stagingStatus.path)
        #expect(result.status == 0, "\(result)")
        try ReportSchema.expectValid(result)
        let report = try JSONReport(result)
        #expect(report.action == "merge")
        #expect(report.pushed == true)
        #expect(report.dryRun != true)
        let tip = try world.revParse("refs/heads/production", in: world.origin)
        #expect(report.resultCommit == tip)
    }

    @Test("2: bad input is one valid document with error.code 2", arguments: [
        (["--dry-run", "--revision", "deadbeef"], "deadbeef"), (["verify", "--revision", "deadbeef"], "deadbeef"),
        (["diff", "--revision", "deadbeef"], "deadbeef"), (["status", "--target", "release"], "release"),
        (["--yes", "--target", "release"], "release"),
    ])
    func badInput(_ command: [String], _ named: String) throws {
        let world = try SampleWorld()
        let result = try world.keos(command + ["--output", "json", "--staging-status", world.stagingStatus.path])
        #expect(result.status == 2, "\(result)")
        try ReportSchema.expectValid(result)
        let report = try JSONReport(result)
        #expect(report.errorCode == 2)
        #expect(report.errorMessage?.contains(named) == true)
        #expect(result.stderrLines.filter { $0.hasPrefix("error:") }.count == 1, "the error is on stderr too\n\(result)")
    }

    @Test("2: not a repository, as JSON")
    func notARepository() throws {
        let empty = try TemporaryDirectory(prefix: "keos-cli-empty")
        let result = try CLI.run(["--dry-run", "--skip-verify", "--output", "json"], in: empty.url)
        #expect(result.status == 2, "\(result)")
        try ReportSchema.expectValid(result)
        #expect(try JSONReport(result).errorCode == 2)
    }

    @Test("2: a command-line error with --output json still prints one valid document")
    func unknownFlag() throws {
        let world = try SampleWorld()
        let result = try world.keos("--dry-run", "--output", "json", "--frobnicate")
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("--frobnicate"), "\(result)")
        try ReportSchema.expectValid(result)
    }

    @Test("3: not verified, for promote and verify", arguments: [["--dry-run"], ["--yes"], ["verify"]])
    func notVerified(_ command: [String]) throws {
        let world = try SampleWorld()
        let file = try world.write(world.fluxStatus { kustomization in
            if kustomization.name == "storage-controllers" {
                kustomization.ready = false
                kustomization.reason = "HealthCheckFailed"
                kustomization.message = "health check failed after 5m0s: timeout waiting for: [HelmRelease/longhorn-system/longhorn status: 'InProgress']"
            }
        }, named: "staging-1")
        let json = try world.keos(command + ["--output", "json", "--staging-status", file.path])
        let text = try world.keos(command + ["--staging-status", file.path], noColor: true)
        #expect(json.status == 3, "\(json)")
        #expect(text.status == 3, "\(text)")
        try ReportSchema.expectValid(json)
        let report = try JSONReport(json)
        #expect(report.errorCode == 3)
        #expect(report.verificationStatus == "failed")
        #expect(TextReport(text.stdout).verification == "failed", "\(text)")
        let objects = report.verificationClusters.first?["objects"] as? [[String: Any]] ?? []
        let failing = objects.filter { $0["ready"] as? Bool == false }
        #expect(failing.map { $0["name"] as? String } == ["storage-controllers"], "\(json)")
        #expect(failing.first?["reason"] as? String == "HealthCheckFailed")
        #expect(report.pushed != true)
    }

    @Test("4: a conflict, for promote and diff", arguments: [["--dry-run"], ["--yes"], ["diff"]])
    func conflict(_ command: [String]) throws {
        let world = try SampleWorld()
        try world.makeConflict()
        let json = try world.keos(command + ["--output", "json", "--staging-status", world.stagingStatus.path])
        let text = try world.keos(command + ["--staging-status", world.stagingStatus.path], noColor: true)
        #expect(json.status == 4, "\(json)")
        #expect(text.status == 4, "\(text)")
        try ReportSchema.expectValid(json)
        let report = try JSONReport(json)
        #expect(report.errorCode == 4)
        #expect(Set(report.conflicts ?? []) == Set(SampleWorld.conflictingPaths))
        #expect(report.componentChanges == TextReport(text.stdout).componentChanges, "\(text)\n\(json)")
        for path in SampleWorld.conflictingPaths {
            #expect(text.stdout.contains(path), "\(text)")
        }
    }

    @Test("logs and warnings go to stderr; stdout stays one document")
    func logsOnStderr() throws {
        let world = try SampleWorld()
        let result = try world.keos("--dry-run", "-v", "--skip-verify", "--output", "json")
        #expect(result.status == 0, "\(result)")
        try ReportSchema.expectValid(result)
        let report = try JSONReport(result)
        #expect(report.verificationStatus == "skipped")
        #expect(result.stderr.contains("warning:"), "the --skip-verify warning is on stderr\n\(result)")
        #expect(result.stderr.contains("fetching"), "-v logs are on stderr\n\(result)")
        #expect(!result.stdout.contains("warning:"))
        #expect(report.warnings.contains { $0.contains("skip") }, "the warning is recorded in the JSON too")
    }
}
