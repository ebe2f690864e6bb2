import Testing
@testable import Promote

@Suite("Markdown report renderer")
struct MarkdownReportRendererTests {
    @Test("a dry-run merge as a pull-request body")
    func snapshot() {
        let expected = """
            ## Promote `main@1a2b3c4` to `production`

            **Result:** dry run, nothing written: would merge `main@1a2b3c4` into `production`

            Source `main@1a2b3c4`, target `production@5d6e7f8`, merge base `9a8b7c6`, action **merge** (dry run).

            Summary: 2 components changed (1 affects production); 1 file outside components.

            > **Warning:** staging-2 is not configured

            ### Verification: reconciled

            | Cluster | Revision | Ready | Problems |
            | --- | --- | --- | --- |
            | `staging-1` | `main@sha1:1a2b3c4d5e` | 1 of 1 |   |

            ### Components

            | Component | Change | Production | Files | Lines |
            | --- | --- | --- | ---: | --- |
            | `metrics-server` | modified | yes | 2 | +4 -1 |
            | `podinfo` | added | no | 2 | +2 -1 |

            #### `metrics-server` (modified, affects production)

            - modified · base · `components/metrics-server/controllers/base/release.yaml` · +1 -1
            - modified · production · `components/metrics-server/controllers/production/patch.yaml` · +3 -0

            Releases:

            - HelmRelease `flux-system/metrics-server` (base): `metrics-server 3.12.2` → `metrics-server 3.13.1`
            - HelmRelease `flux-system/metrics-server` (production): values: `args`, `resources.limits.memory`

            #### `podinfo` (added, staging only)

            - added · staging · `components/podinfo/staging/logo.png` · binary
            - renamed · staging · `components/podinfo/staging/old.yaml` → `components/podinfo/staging/release.yaml` · +2 -1 · YAML not read: invalid YAML

            Releases:

            - OCIRepository `apps/podinfo` (staging): added (`oci://ghcr.io/stefanprodan/charts/podinfo 6.5.0`)

            ### Outside components

            - modified · shared · `README.md` · +2 -0

            """
        #expect(MarkdownReportRenderer().render(ReportFixtures.dryRunMerge) == expected)
    }

    /// The cells of a GFM table row: split on pipes that no backslash escapes.
    private func cells(_ row: Substring) -> Int {
        var separators = 0, escaped = false
        for character in row {
            if escaped { escaped = false; continue }
            if character == "\\" { escaped = true } else if character == "|" { separators += 1 }
        }
        return separators - 1
    }

    @Test("hostile names cannot break tables, format text or carry control characters")
    func hostile() {
        let output = MarkdownReportRenderer().render(ReportFixtures.hostile)
        #expect(!output.unicodeScalars.contains { $0 != "\n" && DisplayText.needsEscape($0) })
        let rows = output.split(separator: "\n").filter { $0.hasPrefix("| ") }
        #expect(rows.map(cells) == [4, 4, 4, 5, 5, 5])
        #expect(output.contains("| `` evil\\u{1B}[31m\\|`name` `` | modified | yes | 2 | +2 -0 |"))
        #expect(output.contains("#### `` evil\\u{1B}[31m|`name` `` (modified, affects production)"))
        #expect(output.contains(": not ready: `HealthCheckFailed`: boom\\\\n\\\\u{1B}\\[2J\\\\u{9B}31m \\*bold\\* \\<b\\>\\|\\</b\\> |"))
        #expect(output.contains("- modified · base · `components/evil/base/\\u{202E}lmay.exe` · +1 -0 · **conflict**"))
        #expect(output.contains("### Conflicts (1 path)\n\n- `` evil\\u{1B}[31m|`name` ``: `components/evil/base/\\u{202E}lmay.exe`"))
        #expect(output.contains("**Result:** failed (exit 4): merge conflict in \\\\u{1B}\\[31mcomponents"))
    }

    @Test("other commands get their own title; verify has no component sections")
    func titles() {
        var report = ReportFixtures.dryRunMerge
        report.command = .diff
        let diff = MarkdownReportRenderer().render(report)
        #expect(diff.hasPrefix("## keos-promote diff: `main@1a2b3c4` → `production@5d6e7f8`\n"))
        #expect(!diff.contains("**Result:**"))
        report.command = .verify
        let verify = MarkdownReportRenderer().render(report)
        #expect(!verify.contains("### Components") && !verify.contains("merge base"))
        #expect(verify.contains("### Verification: reconciled"))
    }
}
