import Foundation
import Testing
import TestSupport

/// Every exit code of the SPEC, through the built binary: stdout, stderr and the code together.
@Suite("Exit codes") struct ExitCodeTests {
    // MARK: 0

    @Test("0: dry run on the sample plans, shows the diff and writes nothing")
    func dryRunOnTheSample() throws {
        let world = try SampleWorld()
        let originBefore = try world.refs(of: world.origin)
        let cloneBefore = try world.refs(of: world.clone)
        let snapshot = try world.snapshot()

        let result = try world.keos("--dry-run", "--staging-status", world.stagingStatus.path)

        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        let out = result.stdout
        #expect(out.contains("(dry run)"))
        #expect(out.contains("dry run, nothing written"))
        #expect(out.contains("action merge"))
        #expect(out.contains("verification: reconciled"))
        // observability: the chart bump
        #expect(out.contains("metrics-server 3.12.1 → metrics-server 3.12.2"))
        #expect(out.contains("components/observability/controllers/base/metrics-server.yaml"))
        // storage: the production values paths
        #expect(out.contains("defaultSettings.backupstorePollInterval"))
        #expect(out.contains("defaultSettings.storageMinimalAvailablePercentage"))
        // gosec: staging only
        #expect(out.contains("gosec: modified, staging only"))
        #expect(out.contains("components/gosec/configs/staging/kustomization.yaml"))
        #expect(TextReport(out).componentChanges == ["gosec": "modified", "observability": "modified", "storage": "modified"])
        // outside components
        #expect(TextReport(out).outsidePaths == [".github/workflows/vet.yaml", "update/metrics-server.yaml"])

        expectSameRefs(try world.refs(of: world.origin), originBefore, "origin")
        #expect(try world.revParse("refs/heads/production", in: world.origin) == world.productionTip)
        expectSameRefs(try world.refs(of: world.clone), cloneBefore, "clone")
        expectUnchanged(try world.snapshot(), snapshot)
    }

    @Test("0: a real promotion pushes a merge commit with the SPEC's message and trailers")
    func realPromotion() throws {
        let world = try SampleWorld()
        let oldProduction = world.productionTip
        let main = world.mainTip

        let result = try world.keos("--yes", "--staging-status", world.stagingStatus.path)

        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        #expect(result.stdout.contains("pushed"), "\(result)")

        let newProduction = try world.revParse("refs/heads/production", in: world.origin)
        #expect(newProduction != oldProduction)
        #expect(result.stdout.contains(String(newProduction.prefix(7))), "the result line names the new commit\n\(result)")
        #expect(try world.git("rev-list", "--parents", "-n", "1", newProduction, in: world.origin)
                    .split(separator: " ").dropFirst().map(String.init) == [oldProduction, main])
        let expectedTree = try world.git("merge-tree", "--write-tree", oldProduction, main, in: world.origin)
        #expect(try world.revParse("\(newProduction)^{tree}", in: world.origin) == expectedTree)

        let message = try world.git("log", "-1", "--format=%B", newProduction, in: world.origin)
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "Promote main@\(main.prefix(7)) to production", "\(message)")
        let trailers = try world.git("log", "-1", "--format=%(trailers:only,unfold)", newProduction, in: world.origin)
            .split(separator: "\n").map(String.init)
        #expect(trailers.contains("Promoted-Revision: \(main)"), "\(message)")
        #expect(trailers.contains("Verified-On: staging-1"), "\(message)")
        #expect(!message.contains("Verification: skipped"))

        #expect(try world.revParse("refs/remotes/origin/production") == newProduction)
        #expect(try world.revParse("refs/heads/main", in: world.origin) == main, "main is never written")
    }

    @Test("0: verify on the sample")
    func verifyOnTheSample() throws {
        let world = try SampleWorld()
        let result = try world.keos("verify", "--staging-status", world.stagingStatus.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        #expect(result.stdout.contains("verification: reconciled"), "\(result)")
        #expect(result.stdout.contains("staging-1"), "\(result)")
        #expect(result.stdout.contains(String(world.mainTip.prefix(7))), "\(result)")
    }

    @Test("0: nothing to promote when production already contains the revision")
    func nothingToPromote() throws {
        let world = try FixtureWorld()
        let main = try world.tip("main")
        let status = try world.statusFile(revision: main)
        let originBefore = try RefState.read(world.origin)

        let result = try world.keos("--yes", "--staging-status", status.path)

        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        #expect(result.stdout.contains("nothing to promote"), "\(result)")
        #expect(result.stdout.contains("action none"), "\(result)")
        expectSameRefs(try RefState.read(world.origin), originBefore, "origin")
    }

    // MARK: 1

    @Test("diff --exit-code: 1 with differences, 0 without")
    func diffExitCode() throws {
        let world = try SampleWorld()
        let differing = try world.keos("diff", "--exit-code", "--staging-status", world.stagingStatus.path)
        #expect(differing.status == 1, "\(differing)")
        #expect(differing.stderr.isEmpty, "\(differing)")
        #expect(differing.stdout.contains("metrics-server 3.12.1 → metrics-server 3.12.2"), "\(differing)")

        let plain = try world.keos("diff", "--staging-status", world.stagingStatus.path)
        #expect(plain.status == 0, "without --exit-code differences are not a failure\n\(plain)")

        let promoted = try world.keos("--yes", "--staging-status", world.stagingStatus.path)
        #expect(promoted.status == 0, "\(promoted)")
        let same = try world.keos("diff", "--exit-code", "--staging-status", world.stagingStatus.path)
        #expect(same.status == 0, "\(same)")
        #expect(same.stdout.contains("no changes"), "\(same)")
    }

    // MARK: 2

    @Test("2: not a repository — and none is created")
    func notARepository() throws {
        let empty = try TemporaryDirectory(prefix: "keos-cli-empty")
        let world = try SampleWorld()
        let result = try CLI.run(["--dry-run", "--staging-status", world.stagingStatus.path], in: empty.url)
        expectOneLineError(result, code: 2, mentions: ["not a git repository", empty.url.lastPathComponent])
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty.path).isEmpty, "nothing created in the folder")

        let viaFlag = try world.keos(["-C", empty.path, "--dry-run", "--staging-status", world.stagingStatus.path])
        expectOneLineError(viaFlag, code: 2, mentions: ["not a git repository"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty.path).isEmpty, "nothing created in the folder")

        let missing = empty.url.appendingPathComponent("no-such-clone")
        let absent = try world.keos(["-C", missing.path, "--dry-run", "--skip-verify"])
        #expect(absent.status == 2, "\(absent)")
        #expect(!FileManager.default.fileExists(atPath: missing.path), "a missing clone is never created")
    }

    @Test("2: unknown --revision")
    func unknownRevision() throws {
        let world = try SampleWorld()
        try expectRefusedWithoutWriting(world, ["--yes", "--revision", "deadbeef", "--staging-status", world.stagingStatus.path],
                                        mentions: ["deadbeef"])
    }

    @Test("2: a revision not reachable from main (the production-only hotfix)")
    func revisionNotOnMain() throws {
        let world = try SampleWorld()
        try expectRefusedWithoutWriting(world, ["--yes", "--revision", world.productionTip, "--staging-status", world.stagingStatus.path],
                                        mentions: ["not reachable", "main", String(world.productionTip.prefix(7))])
    }

    @Test("2: a target branch the remote does not have")
    func missingTargetBranch() throws {
        let world = try SampleWorld()
        try expectRefusedWithoutWriting(world, ["--yes", "--target", "release", "--staging-status", world.stagingStatus.path],
                                        mentions: ["release", "origin"])
    }

    @Test("2: the target branch was deleted on the remote but the clone still has a stale origin/production")
    func targetDeletedOnRemote() throws {
        let world = try SampleWorld()
        try world.git("update-ref", "-d", "refs/heads/production", in: world.origin)
        let originBefore = try world.refs(of: world.origin)
        let localBefore = try RefState.local(world.clone)
        let snapshot = try world.snapshot()
        // The plan must start from the remote's production, not from a stale remote-tracking ref.
        for arguments in [["--dry-run"], ["--yes"]] {
            let result = try world.keos(arguments + ["--staging-status", world.stagingStatus.path])
            expectOneLineError(result, code: 2, mentions: ["production"])
            expectSameRefs(try world.refs(of: world.origin), originBefore, "origin")
            expectSameRefs(try RefState.local(world.clone), localBefore, "clone (local refs)")
            expectUnchanged(try world.snapshot(), snapshot)
        }
        #expect(!(try world.refs(of: world.origin)).keys.contains("refs/heads/production"),
                "production must not be re-created on the remote")
    }

    @Test("2: a shallow clone")
    func shallowClone() throws {
        let world = try SampleWorld()
        let shallow = world.root.appendingPathComponent("shallow")
        try world.git("clone", "--quiet", "--depth", "1", "--no-single-branch", "file://" + world.origin.path, shallow.path,
                      in: world.root)
        let originBefore = try world.refs(of: world.origin)
        let refsBefore = try world.refs(of: shallow)
        let snapshot = try RepositorySnapshot(of: shallow)

        let result = try CLI.run(["--yes", "--skip-verify"], in: shallow)

        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        let errors = result.stderrLines.filter { $0.hasPrefix("error:") }
        #expect(errors.count == 1 && errors[0].contains("shallow"), "\(result)")
        #expect(result.stderrLines.allSatisfy { $0.hasPrefix("error:") || $0.hasPrefix("warning:") }, "\(result)")
        expectSameRefs(try world.refs(of: world.origin), originBefore, "origin")
        expectSameRefs(try world.refs(of: shallow), refsBefore, "shallow clone")
        expectUnchanged(try RepositorySnapshot(of: shallow), snapshot, "shallow clone")

        let verified = try CLI.run(["--dry-run", "--staging-status", world.stagingStatus.path], in: shallow)
        expectOneLineError(verified, code: 2, mentions: ["shallow"])
    }

    @Test("2: a status file that is not JSON")
    func malformedStatusFile() throws {
        let world = try SampleWorld()
        let file = world.root.appendingPathComponent("broken.json")
        try Data("NAME  READY  STATUS\nflux-system  True  Applied revision: main@sha1:abc\n".utf8).write(to: file)
        try expectRefusedWithoutWriting(world, ["--yes", "--staging-status", file.path], mentions: ["broken.json", "JSON"])
    }

    @Test("2: an empty status file")
    func emptyStatusFile() throws {
        let world = try SampleWorld()
        let file = world.root.appendingPathComponent("empty.json")
        try Data().write(to: file)
        try expectRefusedWithoutWriting(world, ["--yes", "--staging-status", file.path], mentions: ["empty.json", "empty"])
    }

    @Test("2: a status file of another repository")
    func statusOfAnotherRepository() throws {
        let world = try SampleWorld()
        let file = try world.write(world.fluxStatus(url: "https://git.example.com/platform/another-repo.git"), named: "staging-1")
        try expectRefusedWithoutWriting(world, ["--yes", "--staging-status", file.path],
                                        mentions: ["GitRepository", "another-repo"])
    }

    @Test("2: an unknown flag")
    func unknownFlag() throws {
        let world = try SampleWorld()
        try expectRefusedWithoutWriting(world, ["--yes", "--staging-status", world.stagingStatus.path, "--frobnicate"],
                                        mentions: ["--frobnicate"])
    }

    // MARK: 3

    @Test("3: a Kustomization Ready=False HealthCheckFailed")
    func healthCheckFailed() throws {
        let world = try SampleWorld()
        let message = "health check failed after 5m0s: timeout waiting for: [PodMonitor/monitoring/flux-system status: 'InProgress']"
        let file = try world.write(world.fluxStatus { kustomization in
            if kustomization.name == "observability-configs" {
                kustomization.ready = false
                kustomization.reason = "HealthCheckFailed"
                kustomization.message = message
            }
        }, named: "health")
        let result = try expectNotVerified(world, ["--yes", "--staging-status", "staging-1=\(file.path)"],
                                           mentions: ["staging-1 flux-system/observability-configs: Ready=False HealthCheckFailed: \(message)"])
        let json = try world.keos(["--dry-run", "--output", "json", "--staging-status", "staging-1=\(file.path)"])
        #expect(json.status == 3, "\(json)")
        #expect(try JSONReport(json).verificationStatus == "failed", "\(json)")
        #expect(result.stdout.contains("verification: failed"), "\(result)")
    }

    @Test("3: a suspended Kustomization")
    func suspended() throws {
        let world = try SampleWorld()
        let file = try world.write(world.fluxStatus { kustomization in
            if kustomization.name == "gosec-controllers" { kustomization.suspended = true }
        }, named: "suspended")
        try expectNotVerified(world, ["--yes", "--staging-status", "staging-1=\(file.path)"],
                              mentions: ["staging-1 flux-system/gosec-controllers", "suspend"])
    }

    @Test("3: a Kustomization still at an older revision (pending)")
    func pending() throws {
        let world = try SampleWorld()
        let older = try world.revParse("\(world.mainTip)~4") // observability: metrics-server 3.12.2
        let file = try world.write(world.fluxStatus { kustomization in
            if kustomization.name == "storage-controllers" { kustomization.appliedRevision = older }
        }, named: "pending")
        try expectNotVerified(world, ["--yes", "--revision", "main", "--staging-status", "staging-1=\(file.path)"],
                              mentions: ["staging-1 flux-system/storage-controllers", String(older.prefix(7))])
        let json = try world.keos(["verify", "--revision", "main", "--output", "json", "--staging-status", "staging-1=\(file.path)"])
        #expect(json.status == 3, "\(json)")
        #expect(try JSONReport(json).verificationStatus == "pending", "\(json)")
        // Without --revision the oldest applied revision is taken; gosec changed since, so still not verified.
        try expectNotVerified(world, ["--yes", "--staging-status", "staging-1=\(file.path)"], mentions: ["staging-1"])
    }

    // MARK: 4

    @Test("4: a real conflict names the paths; JSON lists git merge-tree's conflicts")
    func conflict() throws {
        let world = try SampleWorld()
        let main = try world.makeConflict()
        let production = try world.revParse("refs/heads/production", in: world.origin)
        let oracle = try world.mergeTree(production, main).conflictingPaths
        #expect(Set(oracle) == Set(SampleWorld.conflictingPaths), "the scenario conflicts where intended: \(oracle)")

        let originBefore = try world.refs(of: world.origin)
        let cloneBefore = try RefState.local(world.clone)
        let snapshot = try world.snapshot()

        let result = try world.keos("--yes", "--staging-status", world.stagingStatus.path)
        expectOneLineError(result, code: 4, mentions: SampleWorld.conflictingPaths, reportOnStdout: true)
        #expect(result.stdout.contains("conflicts (2 paths)"), "\(result)")

        let json = try world.keos("--yes", "--output", "json", "--staging-status", world.stagingStatus.path)
        #expect(json.status == 4, "\(json)")
        let report = try JSONReport(json)
        #expect(Set(report.conflicts ?? []) == Set(oracle), "\(json)")
        #expect((report.conflicts ?? []).count == oracle.count)
        #expect(report.errorCode == 4)
        try ReportSchema.expectValid(json)

        expectSameRefs(try world.refs(of: world.origin), originBefore, "origin")
        expectSameRefs(try RefState.local(world.clone), cloneBefore, "clone (local refs)")
        expectUnchanged(try world.snapshot(), snapshot)
    }

    @Test("4: --ff-only when production has commits of its own")
    func ffOnlyImpossible() throws {
        let world = try SampleWorld()
        let originBefore = try world.refs(of: world.origin)
        let result = try world.keos("--yes", "--ff-only", "--staging-status", world.stagingStatus.path)
        #expect(result.status == 4, "\(result)")
        let errors = result.stderrLines.filter { $0.hasPrefix("error:") }
        #expect(errors.count == 1, "\(result)")
        #expect(result.stderr.contains("fast-forward"), "\(result)")
        expectSameRefs(try world.refs(of: world.origin), originBefore, "origin")
    }

    // MARK: Helpers

    /// Runs the tool, expects exit 2 with one `error:` line naming the problem, and that nothing was written.
    private func expectRefusedWithoutWriting(_ world: SampleWorld, _ arguments: [String], mentions: [String],
                                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        let originBefore = try world.refs(of: world.origin)
        let cloneBefore = try world.refs(of: world.clone)
        let snapshot = try world.snapshot()
        let result = try world.keos(arguments)
        expectOneLineError(result, code: 2, mentions: mentions, sourceLocation: sourceLocation)
        expectSameRefs(try world.refs(of: world.origin), originBefore, "origin", sourceLocation: sourceLocation)
        expectSameRefs(try world.refs(of: world.clone), cloneBefore, "clone", sourceLocation: sourceLocation)
        expectUnchanged(try world.snapshot(), snapshot, sourceLocation: sourceLocation)
    }

    /// Runs the tool, expects exit 3 with one `error:` line naming each problem, and that nothing was written.
    @discardableResult
    private func expectNotVerified(_ world: SampleWorld, _ arguments: [String], mentions: [String],
                                   sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        let originBefore = try world.refs(of: world.origin)
        let cloneBefore = try world.refs(of: world.clone)
        let snapshot = try world.snapshot()
        let result = try world.keos(arguments)
        expectOneLineError(result, code: 3, mentions: mentions, reportOnStdout: true, sourceLocation: sourceLocation)
        expectSameRefs(try world.refs(of: world.origin), originBefore, "origin", sourceLocation: sourceLocation)
        expectSameRefs(try world.refs(of: world.clone), cloneBefore, "clone", sourceLocation: sourceLocation)
        expectUnchanged(try world.snapshot(), snapshot, sourceLocation: sourceLocation)
        return result
    }
}
