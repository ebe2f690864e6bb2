import Testing
@testable import Promote

@Suite("Text report renderer")
struct TextReportRendererTests {
    @Test("a dry-run merge, as a person reads it")
    func snapshot() {
        let expected = """
            keos-promote promote: main@1a2b3c4 → production@5d6e7f8 (dry run)
            merge base 9a8b7c6, action merge
            verification: reconciled
              staging-1 (main@sha1:1a2b3c4d5e): 1 of 1 objects ready
            warning: staging-2 is not configured

            2 components changed (1 affects production); 1 file outside components
              COMPONENT       CHANGE    PRODUCTION  FILES  LINES
              metrics-server  modified  yes             2  +4 -1
              podinfo         added     no              2  +2 -1

            metrics-server: modified, affects production
              modified  base        components/metrics-server/controllers/base/release.yaml  +1 -1
              modified  production  components/metrics-server/controllers/production/patch.yaml  +3 -0
              HelmRelease flux-system/metrics-server (base): metrics-server 3.12.2 → metrics-server 3.13.1
              HelmRelease flux-system/metrics-server (production): values: args, resources.limits.memory

            podinfo: added, staging only
              added    staging  components/podinfo/staging/logo.png  binary
              renamed  staging  components/podinfo/staging/old.yaml → components/podinfo/staging/release.yaml  +2 -1  (YAML not read: invalid YAML)
              OCIRepository apps/podinfo (staging): added (oci://ghcr.io/stefanprodan/charts/podinfo 6.5.0)

            outside components
              modified  shared  README.md  +2 -0

            dry run, nothing written: would merge main@1a2b3c4 into production

            """
        #expect(TextReportRenderer(useColor: false).render(ReportFixtures.dryRunMerge) == expected)
    }

    @Test("hostile names and messages come out escaped, and without colour not one escape byte is printed")
    func hostileWithoutColour() {
        let output = TextReportRenderer(useColor: false).render(ReportFixtures.hostile)
        #expect(!output.utf8.contains(0x1B))
        #expect(!output.unicodeScalars.contains { $0 != "\n" && DisplayText.needsEscape($0) })
        #expect(output.contains("evil\\u{1B}[31m|`name`: modified, affects production"))
        #expect(output.contains("components/evil/base/\\u{202E}lmay.exe  +1 -0  (conflict)"))
        #expect(output.contains("✗ Kustomization flux-system/apps|`x`: not ready: HealthCheckFailed: boom\\n\\u{1B}[2J\\u{9B}31m"))
        #expect(output.contains("HelmRelease x\\n\\u{1B}[1A (base): chart\\u{202E} 1 → chart 2; values: a[\"b\\\\u001b\"], c\\u{1B}"))
        #expect(output.contains("warning: tab\\there \\u{1B}[5m"))
        #expect(output.hasSuffix("failed (exit 4): merge conflict in \\u{1B}[31mcomponents\n"))
    }

    @Test("with colour, the only escapes are the renderer's own SGR sequences")
    func colour() {
        let output = TextReportRenderer(useColor: true).render(ReportFixtures.hostile)
        #expect(output.contains("\u{1B}[1mkeos-promote promote\u{1B}[0m"))
        #expect(output.contains("\u{1B}[31mfailed\u{1B}[0m"))
        let withoutStyles = output.replacing(/\x1B\[[0-9]+m/, with: "")
        #expect(!withoutStyles.utf8.contains(0x1B))
        #expect(withoutStyles == TextReportRenderer(useColor: false).render(ReportFixtures.hostile))
    }

    @Test("table columns line up by display width, wide and escaped names included")
    func tableAlignment() {
        var report = ReportFixtures.dryRunMerge
        let file = FileChange(path: "components/x/base/a.yaml", change: .modified, environment: .base, additions: 1,
                              deletions: 0, binary: false)
        report.diff = ComponentDiff(components: ["日本", "ab\u{1B}cd", "cafe\u{301}"].map {
            ComponentChange(name: $0, change: .modified, affectsProduction: true, files: [file], releases: [])
        }, outsideComponents: [])
        let rows = TextReportRenderer().render(report).split(separator: "\n").filter { $0.hasSuffix("+1 -0") && $0.contains("modified  yes") }
        #expect(rows.count == 3)
        let columns = rows.map { row in DisplayText.width(of: String(row[..<row.range(of: "modified")!.lowerBound])) }
        #expect(Set(columns) == [2 + DisplayText.width(of: "ab\\u{1B}cd") + 2], "the widest name sets the column")
    }

    private func result(_ change: (inout PromotionReport) -> Void) -> String {
        var report = ReportFixtures.dryRunMerge
        report.dryRun = false
        change(&report)
        return String(TextReportRenderer().render(report).split(separator: "\n").last ?? "")
    }

    @Test("the result line says what was written")
    func results() {
        let commit = ReportFixtures.id("abcdef1234")
        #expect(result { $0.result = .init(pushed: true, commit: commit) }
                == "pushed: merged main@1a2b3c4 into production at abcdef1")
        #expect(result { $0.action = .fastForward; $0.result = .init(pushed: true, commit: ReportFixtures.revision) }
                == "pushed: fast-forwarded production to main@1a2b3c4 at 1a2b3c4")
        #expect(result { $0.action = .none } == "nothing to promote: production already contains main@1a2b3c4")
        #expect(result { $0.action = .propose; $0.result = .init(pushed: true, commit: nil, branch: "promote/1a2b3c4d5e00",
                                                                  pullRequest: "https://github.com/org/repo/pull/7") }
                == "proposed: pushed branch promote/1a2b3c4d5e00, pull request https://github.com/org/repo/pull/7")
        #expect(result { $0.action = .propose; $0.result = .init(pushed: true, commit: nil, branch: "promote/1a2b3c4d5e00") }
                == "proposed: pushed branch promote/1a2b3c4d5e00, no pull request opened")
        #expect(result { $0.error = .init(code: 5, message: "production moved") } == "failed (exit 5): production moved")
    }

    @Test("conflicts are grouped by component")
    func conflicts() {
        var report = ReportFixtures.dryRunMerge
        report.components[0].files[1].conflict = true
        report.outsideComponents[0].conflict = true
        report.conflicts = ["components/metrics-server/controllers/production/patch.yaml", "README.md"]
        let output = TextReportRenderer().render(report)
        #expect(output.contains("""
            conflicts (2 paths)
              metrics-server: components/metrics-server/controllers/production/patch.yaml
              outside components: README.md
            """))
        #expect(output.contains("components/metrics-server/controllers/production/patch.yaml  +3 -0  (conflict)"))
    }

    @Test("verify shows verification only; status lists the waiting commits")
    func otherCommands() {
        var verify = ReportFixtures.hostile
        verify.command = .verify
        verify.error = nil
        verify.conflicts = []
        let verifyOutput = TextReportRenderer().render(verify)
        #expect(!verifyOutput.contains("COMPONENT"))
        #expect(!verifyOutput.contains("merge base"))
        #expect(verifyOutput.contains("verification: failed"))

        var status = ReportFixtures.dryRunMerge
        status.command = .status
        status.waitingCommits = [.init(id: ReportFixtures.revision, summary: "Bump\u{1B}[2J metrics-server", author: "Ann", time: 0)]
        #expect(TextReportRenderer().render(status).contains("""
            waiting on main: 1 commit, newest first
              1a2b3c4 Bump\\u{1B}[2J metrics-server (Ann)
            """))
        #expect(!TextReportRenderer().render(status).contains("dry run, nothing written"))
    }

    @Test("an empty diff says so")
    func noChanges() {
        var report = ReportFixtures.dryRunMerge
        report.diff = ComponentDiff(components: [], outsideComponents: [])
        report.command = .diff
        #expect(TextReportRenderer().render(report).contains("\n\nno changes\n"))
    }
}
