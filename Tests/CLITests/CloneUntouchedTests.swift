import Foundation
import Testing
import TestSupport

/// The SPEC's "Never": the working tree, index and HEAD of the clone are never touched.
@Suite("Never touches the clone") struct CloneUntouchedTests {
    enum Operation: String, CaseIterable, Sendable {
        case dryRun, promotion, conflict, refusedVerification

        var expectedStatus: Int32 {
            switch self {
            case .dryRun, .promotion: 0
            case .conflict: 4
            case .refusedVerification: 3
            }
        }
    }

    enum CloneState: String, CaseIterable, Sendable {
        /// `main` checked out, clean.
        case mainCheckedOut
        /// `production` checked out (at the remote's old tip), clean.
        case productionCheckedOut
        /// `main` checked out with a modified file the promotion changes, a staged change and an untracked file.
        case uncommittedChanges
    }

    @Test("worktree, index, HEAD and status are identical before and after",
          arguments: Operation.allCases, CloneState.allCases)
    func untouched(_ operation: Operation, _ state: CloneState) throws {
        let world = try SampleWorld()
        var status = world.stagingStatus
        switch operation {
        case .dryRun, .promotion: break
        case .conflict: try world.makeConflict()
        case .refusedVerification:
            status = try world.write(world.fluxStatus { kustomization in
                if kustomization.name == "storage-controllers" {
                    kustomization.ready = false
                    kustomization.reason = "HealthCheckFailed"
                    kustomization.message = "health check failed after 5m0s: timeout waiting for: [HelmRelease/longhorn-system/longhorn status: 'InProgress']"
                }
            }, named: "staging-1")
        }
        switch state {
        case .mainCheckedOut: break
        case .productionCheckedOut:
            try world.git("checkout", "--quiet", "production")
        case .uncommittedChanges:
            let values = world.clone.appendingPathComponent("components/storage/controllers/production/longhorn-values.yaml")
            let handle = try FileHandle(forWritingTo: values)
            handle.seekToEndOfFile()
            handle.write(Data("      # local edit, not committed\n".utf8))
            try handle.close()
            try Data("# keos-system-services\n\nstaged edit\n".utf8).write(to: world.clone.appendingPathComponent("README.md"))
            try world.git("add", "README.md")
            try Data("scratch notes\n".utf8).write(to: world.clone.appendingPathComponent("notes.txt"))
        }
        let localProduction = try world.revParse("refs/heads/production")
        let originBefore = try world.refs(of: world.origin)
        let before = try world.snapshot()
        #expect(!before.status.isEmpty || state != .uncommittedChanges, "the clone is really dirty")

        let arguments = (operation == .dryRun ? ["--dry-run"] : ["--yes"]) + ["--staging-status", status.path]
        let result = try world.keos(arguments)

        #expect(result.status == operation.expectedStatus, "\(result)")
        expectUnchanged(try world.snapshot(), before)
        if operation == .promotion {
            #expect(try world.revParse("refs/heads/production", in: world.origin) != world.productionTip, "the promotion happened")
        } else {
            expectSameRefs(try world.refs(of: world.origin), originBefore, "origin")
        }
        if state == .productionCheckedOut {
            #expect(try world.revParse("refs/heads/production") == localProduction, "a checked-out production is not moved")
        }
    }

    @Test("a local production at the old tip, not checked out, follows the promotion")
    func localProductionFollows() throws {
        let world = try SampleWorld()
        #expect(try world.revParse("refs/heads/production") == world.productionTip)
        let result = try world.keos("--yes", "--staging-status", world.stagingStatus.path)
        #expect(result.status == 0, "\(result)")
        let promoted = try world.revParse("refs/heads/production", in: world.origin)
        #expect(promoted != world.productionTip)
        #expect(try world.revParse("refs/heads/production") == promoted)
        #expect(try world.revParse("refs/remotes/origin/production") == promoted)
    }

    @Test("a local production that points elsewhere does not move")
    func localProductionElsewhereStays() throws {
        let world = try SampleWorld()
        // Someone's local work on production, not pushed.
        try world.git("checkout", "--quiet", "production")
        try Data("local note\n".utf8).write(to: world.clone.appendingPathComponent("LOCAL.md"))
        try world.git("add", "LOCAL.md")
        try world.git("-c", "user.name=Local", "-c", "user.email=local@example.com", "commit", "--quiet", "-m", "local work")
        try world.git("checkout", "--quiet", "main")
        let local = try world.revParse("refs/heads/production")
        #expect(local != world.productionTip)

        let result = try world.keos("--yes", "--staging-status", world.stagingStatus.path)
        #expect(result.status == 0, "\(result)")
        #expect(try world.revParse("refs/heads/production") == local)
        #expect(try world.revParse("refs/remotes/origin/production") == world.revParse("refs/heads/production", in: world.origin))
    }

    @Test("a checked-out local production is not moved")
    func checkedOutProductionStays() throws {
        let world = try SampleWorld()
        try world.git("checkout", "--quiet", "production")
        let before = try world.snapshot()
        let result = try world.keos("--yes", "--staging-status", world.stagingStatus.path)
        #expect(result.status == 0, "\(result)")
        #expect(try world.revParse("refs/heads/production") == world.productionTip)
        #expect(try world.revParse("refs/heads/production", in: world.origin) != world.productionTip)
        expectUnchanged(try world.snapshot(), before)
    }

    /// A plan merges in memory: a preview writes no object (and so works on a read-only repository), and the
    /// merge commit a promotion pushes is stored with its trees in the clone, whose refs now name it.
    @Test("a dry run and a diff write no object; a promotion stores its merge commit and trees")
    func previewsWriteNoObject() throws {
        let world = try SampleWorld()
        let gitDirectory = world.clone.appendingPathComponent(".git")
        func objectFiles() throws -> [String] {
            let objects = gitDirectory.appendingPathComponent("objects")
            return try FileManager.default.subpathsOfDirectory(atPath: objects.path).sorted()
        }
        let before = try objectFiles()
        let preview = try world.keos("--dry-run", "--output", "json", "--staging-status", world.stagingStatus.path)
        #expect(preview.status == 0, "\(preview)")
        let report = try JSONSerialization.jsonObject(with: Data(preview.stdout.utf8)) as? [String: Any]
        #expect(report?["action"] as? String == "merge", "a real merge was planned")
        let diff = try world.keos("diff", "--staging-status", world.stagingStatus.path)
        #expect(diff.status == 0, "\(diff)")
        #expect(try objectFiles() == before)

        let promotion = try world.keos("--yes", "--staging-status", world.stagingStatus.path)
        #expect(promotion.status == 0, "\(promotion)")
        let merge = try world.revParse("refs/remotes/origin/production")
        #expect(try world.git("rev-list", "--parents", "-n", "1", merge).split(separator: " ").count == 3, "a merge commit")
        // Every object every ref of the clone reaches is stored: the merge commit and its trees included.
        let check = try Shell.run("git", ["fsck", "--strict", "--no-dangling", "--no-progress"], cwd: world.clone,
                                  environment: GitEnvironment.standard.variables)
        #expect(check.status == 0, "\(check)")
        #expect(try world.git("ls-tree", "-r", "--name-only", merge).contains("components/"))
    }
}
