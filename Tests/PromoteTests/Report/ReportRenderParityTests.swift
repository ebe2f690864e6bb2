import Foundation
import Testing
@testable import Promote

@Suite("Report renderers state the same facts")
struct ReportRenderParityTests {
    /// A report built from real YAML by the builder, so the parity covers the whole path.
    static var builtReport: PromotionReport {
        var blobs = InMemoryBlobSource()
        let changes = [
            RawFileChange(path: "components/metrics-server/controllers/base/release.yaml", status: .modified, additions: 1,
                          deletions: 1, oldBlob: blobs.add(helmRelease(version: "3.12.2")),
                          newBlob: blobs.add(helmRelease(version: "3.13.1"))),
            RawFileChange(path: "components/metrics-server/controllers/production/patch.yaml", status: .modified,
                          additions: 2, deletions: 1,
                          oldBlob: blobs.add(helmRelease(chart: nil, version: nil, values: "    replicas: 1\n")),
                          newBlob: blobs.add(helmRelease(chart: nil, version: nil, values: "    replicas: 2\n    \"a|b\": x\n"))),
            RawFileChange(path: "components/new|one/staging/`x`.yaml", status: .added, additions: 3,
                          newBlob: blobs.add(helmRelease(name: "new|one", chart: "c`d", version: "1"))),
            RawFileChange(path: ".github/workflows/ci.yaml", status: .modified, additions: 1, deletions: 1),
        ]
        let diff = ComponentDiffBuilder(blobs: blobs).build(changes: changes, oldComponents: ["metrics-server"],
                                                            newComponents: ["metrics-server", "new|one"])
        return PromotionReport(command: .diff, source: .init(branch: "main", revision: ReportFixtures.revision),
                               target: .init(branch: "production", revision: ReportFixtures.targetTip),
                               mergeBase: ReportFixtures.mergeBase, diff: diff, action: .merge)
    }

    @Test("every component, file and release in the JSON is named in text and Markdown",
          arguments: ["dryRunMerge", "hostile", "built"])
    func parity(fixture: String) throws {
        let report = switch fixture {
        case "dryRunMerge": ReportFixtures.dryRunMerge
        case "hostile": ReportFixtures.hostile
        default: Self.builtReport
        }
        let json = try JSONReportRenderer().render(report)
        let facts = try JSONDecoder().decode(PromotionReport.self, from: Data(json.utf8))
        #expect(!facts.components.isEmpty)
        let text = TextReportRenderer(useColor: false).render(report)
        let markdown = MarkdownReportRenderer().render(report)

        var literals: [String] = []
        for component in facts.components {
            literals.append(component.name)
            for file in component.files { literals += [file.path] + (file.oldPath.map { [$0] } ?? []) }
            for release in component.releases {
                literals.append(release.namespace.map { $0 + "/" + release.name } ?? release.name)
                literals += [release.from, release.to].compactMap { $0 } + release.valuesChanged
            }
        }
        literals += facts.outsideComponents.map(\.path)
        for literal in literals {
            #expect(text.contains(DisplayText.escaped(literal)), "text lacks \(literal)")
            #expect(markdown.contains(MarkdownText.code(literal)), "Markdown lacks \(literal)")
        }
        for component in facts.components {
            for release in component.releases {
                #expect(text.contains(ReportWording.release(release).text))
                #expect(markdown.contains(ReportWording.release(release).markdown))
            }
            for file in component.files {
                let counts = ReportWording.lineCounts(file)
                #expect(text.contains(ReportWording.path(file).text + "  " + counts))
                #expect(markdown.contains(ReportWording.path(file).markdown + " · " + counts))
            }
        }
    }

    @Test("the built report carries the YAML facts into every format")
    func builtFacts() throws {
        let report = Self.builtReport
        let text = TextReportRenderer().render(report)
        #expect(text.contains("HelmRelease flux-system/metrics-server (base): metrics-server 3.12.2 → metrics-server 3.13.1"))
        #expect(text.contains("HelmRelease flux-system/metrics-server (production): values: [\"a|b\"], replicas"))
        #expect(text.contains("HelmRelease flux-system/new|one (staging): added (c`d 1)\n"))
        let markdown = MarkdownReportRenderer().render(report)
        #expect(markdown.contains("(staging): added (``c`d 1``)"))
        let json = try JSONReportRenderer().render(report)
        #expect(json.contains(#""valuesChanged" : [\#n            "[\"a|b\"]",\#n            "replicas"\#n          ]"#))
    }
}
