import Foundation
import Testing
import TestSupport
@testable import Promote

/// The report's JSON writer against what it replaced: the report's `Encodable` conformance through
/// `JSONEncoder` (pretty, sorted keys, slashes unescaped), then `\uXXXX` escapes for the characters
/// `DisplayText` escapes outside ASCII.
@Suite("Report JSON writer")
struct ReportJSONWriterTests {
    /// The previous renderer, kept here as the oracle.
    static func reference(_ report: PromotionReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(report), as: UTF8.self)
        var result = ""
        for scalar in json.unicodeScalars {
            guard scalar.value >= 0x7F, DisplayText.needsEscape(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            for unit in String(scalar).utf16 {
                let hex = String(unit, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return result + "\n"
    }

    static func expectSame(_ report: PromotionReport, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let written = try JSONReportRenderer().render(report)
        let expected = try reference(report)
        #expect(written == expected, sourceLocation: sourceLocation)
        if written != expected {
            let mismatch = zip(written.unicodeScalars, expected.unicodeScalars).enumerated().first { $0.element.0 != $0.element.1 }
            Issue.record("first difference at scalar \(mismatch?.offset ?? -1): \(String(written.prefix(400)))")
        }
    }

    @Test("the fixtures, hostile strings included, byte for byte")
    func fixtures() throws {
        try Self.expectSame(ReportFixtures.dryRunMerge)
        try Self.expectSame(ReportFixtures.hostile)
        try Self.expectSame(Self.status)
    }

    @Test("every character from U+0000 to U+08FF and the invisible ones beyond, in keys' values and arrays")
    func everyCharacter() throws {
        var scalars = (0...0x8FF).compactMap(Unicode.Scalar.init)
        scalars += [0x115F, 0x180E, 0x200B, 0x200D, 0x2028, 0x2029, 0x202E, 0x2066, 0x3000, 0x3164, 0xE000, 0xFEFF,
                    0xFFA0, 0xFFFD, 0xFFFF, 0x1F600, 0xE0041, 0x10FFFD].compactMap(Unicode.Scalar.init)
        var report = ReportFixtures.dryRunMerge
        // One string with all of them, and one string per character (so each meets the fast path's edges).
        report.warnings = [String(String.UnicodeScalarView(scalars))] + scalars.map { "a\($0)z" } + scalars.map { String($0) }
        report.error = .init(code: 1, message: String(String.UnicodeScalarView(scalars.reversed())))
        try Self.expectSame(report)
    }

    @Test("200 generated reports with optional fields present or absent")
    func generated() throws {
        var random = SeededGenerator(seed: 7)
        for _ in 0..<200 {
            try Self.expectSame(Self.randomReport(&random))
        }
    }

    static var status: PromotionReport {
        var report = ReportFixtures.dryRunMerge
        report.command = .status
        report.waitingCommits = [
            .init(id: ReportFixtures.revision, summary: "Bump \"chart\" to 1.2 / C:\\path", author: "Zoë", time: 1_700_000_000),
            .init(id: ReportFixtures.mergeBase, summary: "", author: "", time: -5, included: false),
        ]
        report.environments = [
            EnvironmentStatus(name: "staging", branch: "main", tip: ReportFixtures.revision,
                              clusters: [.init(name: "staging-1", revision: "main@sha1:1a2b"), .init(name: "s2", revision: nil)]),
            EnvironmentStatus(name: "production", branch: "production", tip: nil, clusters: []),
        ]
        report.waiting = WaitingSummary(commits: 2, included: 1, components: ["a", "b/c"], oldestCommit: ReportFixtures.mergeBase,
                                        oldestCommitTime: Int64.min, oldestAgeSeconds: Int64.max)
        report.result = .init(pushed: true, commit: ReportFixtures.targetTip, branch: "promote/main", pullRequest: "https://git.example.com/o/r/pull/1")
        report.error = .init(code: 2, message: "bad input")
        return report
    }

    static func randomReport(_ random: inout SeededGenerator) -> PromotionReport {
        func text() -> String {
            let alphabet: [Unicode.Scalar] = ["a", "Z", "0", "/", "\\", "\"", " ", "\u{0}", "\u{1F}", "\u{7F}", "\u{85}",
                                               "\u{A0}", "é", "\u{200B}", "\u{202E}", "日", "\u{1F600}", "\u{E0041}", "\t", "\n"]
            return String(String.UnicodeScalarView((0..<random.next(8)).map { _ in alphabet[random.next(alphabet.count)] }))
        }
        func maybe<T>(_ value: @autoclosure () -> T) -> T? { random.next(2) == 0 ? nil : value() }
        func id() -> ObjectID { ReportFixtures.id(String(random.next(0xFFFFFF), radix: 16)) }
        func file() -> FileChange {
            FileChange(path: text(), oldPath: maybe(text()), change: [.added, .removed, .modified, .renamed][random.next(4)],
                       environment: Environment.allCases[random.next(4)], additions: random.next(1000) - 10,
                       deletions: random.next(5), binary: random.next(2) == 0, conflict: maybe(random.next(2) == 0),
                       yamlSkipped: maybe(YAMLSkipReason.allCases[random.next(YAMLSkipReason.allCases.count)]))
        }
        let components = (0..<random.next(4)).map { _ in
            ComponentChange(name: text(), change: [.added, .removed, .modified][random.next(3)], affectsProduction: random.next(2) == 0,
                            files: (0..<random.next(3)).map { _ in file() },
                            releases: (0..<random.next(3)).map { _ in
                                ReleaseChange(kind: text(), name: text(), namespace: maybe(text()), environment: .base,
                                              from: maybe(text()), to: maybe(text()), valuesChanged: (0..<random.next(3)).map { _ in text() },
                                              change: [.added, .removed, .modified][random.next(3)])
                            })
        }
        var report = PromotionReport(
            command: [.promote, .verify, .diff, .status][random.next(4)],
            source: .init(branch: text(), revision: maybe(id()), tip: maybe(id())),
            target: .init(branch: text(), revision: maybe(id())), mergeBase: maybe(id()),
            verification: VerificationReport(status: [.reconciled, .pending, .failed, .skipped][random.next(4)],
                                             clusters: (0..<random.next(3)).map { _ in
                                                 ClusterVerification(name: text(), revision: maybe(text()), objects: (0..<random.next(3)).map { _ in
                                                     ObjectVerification(kind: text(), namespace: text(), name: text(), ready: random.next(2) == 0,
                                                                        reason: text(), message: text())
                                                 })
                                             }),
            diff: ComponentDiff(components: components, outsideComponents: (0..<random.next(3)).map { _ in file() }),
            action: [.none, .fastForward, .merge, .propose][random.next(4)],
            result: .init(pushed: random.next(2) == 0, commit: maybe(id()), branch: maybe(text()), pullRequest: maybe(text()),
                           compareURL: maybe(text())),
            conflicts: (0..<random.next(3)).map { _ in text() },
            waitingCommits: maybe((0..<random.next(3)).map { _ in
                .init(id: id(), summary: text(), author: text(), time: Int64(random.next(1 << 40)), included: random.next(2) == 0)
            }),
            warnings: (0..<random.next(3)).map { _ in text() }, dryRun: random.next(2) == 0,
            error: maybe(.init(code: random.next(5) + 1, message: text())))
        report.environments = maybe([EnvironmentStatus(name: "staging", branch: text(), tip: maybe(id()),
                                                       clusters: (0..<random.next(3)).map { _ in .init(name: text(), revision: maybe(text())) })])
        report.waiting = maybe(WaitingSummary(commits: random.next(9), included: random.next(9), components: (0..<random.next(3)).map { _ in text() },
                                              oldestCommit: maybe(id()), oldestCommitTime: maybe(Int64(random.next(99))),
                                              oldestAgeSeconds: maybe(Int64(random.next(99)))))
        return report
    }
}

private extension SeededGenerator {
    /// A number in `0..<bound`.
    mutating func next(_ bound: Int) -> Int { Int.random(in: 0..<bound, using: &self) }
}
