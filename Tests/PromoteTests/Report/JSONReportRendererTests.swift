import Foundation
import Testing
@testable import Promote

@Suite("JSON report renderer")
struct JSONReportRendererTests {
    @Test("a small report, byte for byte: sorted keys, pretty, trailing newline")
    func snapshot() throws {
        let report = PromotionReport(command: .verify, source: .init(branch: "main", revision: ReportFixtures.revision),
                                     target: .init(branch: "production", revision: nil),
                                     verification: VerificationReport(status: .pending, clusters: []))
        let expected = """
            {
              "action" : "none",
              "command" : "verify",
              "components" : [

              ],
              "conflicts" : [

              ],
              "dryRun" : false,
              "mergeBase" : null,
              "outsideComponents" : [

              ],
              "result" : {
                "commit" : null,
                "pushed" : false
              },
              "schemaVersion" : 1,
              "source" : {
                "branch" : "main",
                "revision" : "1a2b3c4d5e000000000000000000000000000000"
              },
              "target" : {
                "branch" : "production",
                "revision" : null
              },
              "verification" : {
                "clusters" : [

                ],
                "status" : "pending"
              },
              "warnings" : [

              ]
            }

            """
        #expect(try JSONReportRenderer().render(report) == expected)
    }

    @Test("the document decodes back to the same report, hostile strings included")
    func roundTrip() throws {
        for report in [ReportFixtures.dryRunMerge, ReportFixtures.hostile] {
            let json = try JSONReportRenderer().render(report)
            let decoded = try JSONDecoder().decode(PromotionReport.self, from: Data(json.utf8))
            #expect(decoded == report)
            #expect(try JSONReportRenderer().render(decoded) == json)
        }
    }

    @Test("control, bidi and invisible characters are \\u escapes, never raw")
    func escapes() throws {
        let json = try JSONReportRenderer().render(ReportFixtures.hostile)
        #expect(!json.unicodeScalars.contains { $0 != "\n" && DisplayText.needsEscape($0) })
        #expect(json.contains(#""path" : "components/evil/base/\u202elmay.exe""#))
        #expect(json.contains(#"zero\u200bwidth\u2066iso\u2069.yaml"#))
        #expect(json.contains(#"evil\u001b[31m|`name`"#))
        #expect(String(decoding: JSONText.string("\u{E0041}"), as: UTF8.self) == #""\udb40\udc41""#)
    }

    @Test("the fields the SPEC names are all there")
    func schema() throws {
        let json = try JSONReportRenderer().render(ReportFixtures.dryRunMerge)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        for key in ["schemaVersion", "command", "source", "target", "mergeBase", "verification", "components",
                    "outsideComponents", "action", "result"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        let component = try #require((object["components"] as? [[String: Any]])?.first)
        #expect(Set(component.keys) == ["name", "change", "affectsProduction", "files", "releases"])
        let release = try #require((component["releases"] as? [[String: Any]])?.first)
        #expect(Set(release.keys) == ["kind", "name", "namespace", "environment", "change", "from", "to", "valuesChanged"])
        let file = try #require((component["files"] as? [[String: Any]])?.first)
        #expect(Set(file.keys) == ["path", "change", "environment", "additions", "deletions", "binary"])
    }
}
