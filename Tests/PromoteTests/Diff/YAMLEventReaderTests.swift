import Foundation
import Testing
@testable import Promote
import TestSupport

/// The event reader gives what Yams and `YAMLValueConverter` give: the same values, the same reasons to skip.
@Suite struct YAMLEventReaderTests {
    static let cases: [String] = [
        "",
        "---\n",
        "a: 1\n",
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: apps\nspec:\n  chart:\n    spec:\n      chart: podinfo\n      version: \"6.5.0\"\n  values:\n    replicaCount: 2\n    ingress: {enabled: true, hosts: [a, b]}\n",
        "a: ~\nb: null\nc:\nd: yes\ne: 'yes'\nf: -1.5\ng: .inf\nh: 0x10\ni: \"1\"\nj: |\n  block\nk: >\n  folded\n",
        "base: &base {x: 1, y: 2}\nderived:\n  <<: *base\n  y: 3\n",
        "a: &a [1, 2]\nb: *a\nc: *a\n",
        "first: &one {k: v}\nsecond:\n  <<: [*one, {k: w, z: 1}]\n",
        "'<<': {a: 1}\nb: 2\n",
        "a: 1\na: 2\n",
        "a: 1\n'a': 2\n",
        "a: 1\n!!str a: 2\n",
        "!!int 1: a\n1: b\n",
        "? [a, b]\n: c\n",
        "*undefined: 1\n",
        "a: *undefined\n",
        "&k key: value\nother: *k\n",
        "a: [1, 2\n",
        "a: b: c\n",
        "- a\n- b: c\n  d: [e, {f: g}]\n",
        "doc: 1\n---\ndoc: 2\n---\n- 3\n",
        "one: &x 1\n---\ntwo: *x\n",
        "a: !custom value\nb: !!binary aGVsbG8=\n",
        "%YAML 1.1\n---\na: 1\n",
        "é: 1\ne\u{301}: 2\n",
        "a: \"\\u00e9\\t\"\nb: 'it''s'\n",
        "x: &x [&y [&z [1]]]\ny: [*x, *x, *x, *x]\n",
        "kind: HelmRelease\nmetadata: {name: n}\nspec: {values: {<<: {a: 1}, a: 2}}\n",
        "[a, b]: c\n",
        "a:\n  - b\n  -\n  - c: d\n",
        "- - - - - []\n",
        // Duplicate keys among merge keys and quoted `<<`, and merge keys against explicit ones.
        "<<: {a: 1}\n<<: {b: 2}\n",
        "<<: {a: 1}\n'<<': 2\n",
        "\"<<\": 2\n<<: {a: 1}\n",
        "a: 1\n<<: {a: 2, b: 3}\n",
        "<<: [{a: 1}, {a: 2, c: 4}]\nb: 2\nb: 3\n",
        "m:\n  <<: &s {x: 1}\n  n: {<<: *s, x: 2}\n  x: 3\n",
        "a: {b: 1, c: {d: 2, e: 3}, f: 4, g: 5, h: 6, i: 7, j: 8, k: 9, l: 10}\n",
        "a: {b: 1, c: {b: 1, b: 2}}\n",
        "a: [x, {b: 1}, {b: 2, c: 3}]\nb: 4\n",
        "k: true\nl: Off\nm: nUll\nn: NULL\no: 'null'\np: truely\nq: ~x\nr: Yes\n",
    ]

    static func expectSameOutcome(_ yaml: String) {
        let data = Data(yaml.utf8)
        var fastReader = ManifestReader()
        fastReader.readsBlockYAML = false
        let fast = Result { () throws(YAMLSkipReason) in try fastReader.documents(in: data) }
        var slowReader = ManifestReader()
        slowReader.readsBlockYAML = false
        slowReader.readsEvents = false
        let slow = Result { () throws(YAMLSkipReason) in try slowReader.documents(in: data) }
        #expect(fast == slow, "\(yaml.debugDescription)")
    }

    @Test(arguments: cases)
    func readsAsYamsDoes(yaml: String) {
        Self.expectSameOutcome(yaml)
    }

    @Test func budgetsAndDepthAreCountedAsTheConverterCounts() {
        var deep = ""
        for _ in 0..<520 { deep += "[" }
        for _ in 0..<520 { deep += "]" }
        Self.expectSameOutcome(deep + "\n")
        var shallow = ""
        for _ in 0..<500 { shallow += "[" }
        for _ in 0..<500 { shallow += "]" }
        Self.expectSameOutcome(shallow + "\n")
        // Aliases expand within the node budget or beyond it.
        let wide = "a: &a [" + Array(repeating: "x", count: 40).joined(separator: ", ") + "]\nb: [" + Array(repeating: "*a", count: 30).joined(separator: ", ") + "]\n"
        Self.expectSameOutcome(wide)
        var reader = ManifestReader()
        reader.maximumAliases = 1000
        reader.readsBlockYAML = false
        var slow = reader
        slow.readsEvents = false
        let data = Data(wide.utf8)
        #expect(Result { () throws(YAMLSkipReason) in try reader.documents(in: data) }
            == Result { () throws(YAMLSkipReason) in try slow.documents(in: data) })
    }

    @Test func generatedDocumentsReadAlike() {
        var random = SeededGenerator(seed: 42)
        for _ in 0..<300 {
            Self.expectSameOutcome(Self.randomDocument(&random))
        }
    }

    @Test func manifestsTakeTheEventPath() {
        let yaml = Self.cases[3]
        let outcome = YAMLEventReader.read(Array(yaml.utf8), nodeBudget: 1000, maximumDepth: 512)
        guard case .documents(let documents) = outcome else {
            Issue.record("expected documents, got \(outcome)")
            return
        }
        #expect(documents.first?["kind"]?.text == "HelmRelease")
    }

    /// A small random YAML document: mappings, sequences, flow and block style, anchors, aliases, merge keys,
    /// quoting, duplicates and now and then a syntax error.
    static func randomDocument(_ random: inout SeededGenerator) -> String {
        var anchors: [String] = []
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        func scalar() -> String {
            pick(["a", "b", "'a'", "\"b\"", "1", "-2", "~", "null", "yes", "'<<'", "x y", "\"\\u00e9\"", "''", "0.5"])
        }
        func value(_ depth: Int, _ indent: String) -> String {
            let roll = random.next() % 10
            if depth > 3 || roll < 4 { return " " + scalar() + "\n" }
            if roll < 5, !anchors.isEmpty { return " *" + pick(anchors) + "\n" }
            if roll < 6 { return " [" + (0..<Int(random.next() % 3)).map { _ in scalar() }.joined(separator: ", ") + "]\n" }
            var anchor = ""
            if random.next() % 4 == 0 {
                let name = "n\(anchors.count)"
                anchor = " &" + name
                anchors.append(name)
            }
            if roll < 8 {
                var text = anchor + "\n"
                for _ in 0..<(1 + Int(random.next() % 3)) { text += indent + "-" + value(depth + 1, indent + "  ") }
                return text
            }
            var text = anchor + "\n"
            for _ in 0..<(1 + Int(random.next() % 4)) {
                let key = random.next() % 7 == 0 ? "<<" : pick(["a", "b", "c", "'a'", "d"])
                text += indent + key + ":" + value(depth + 1, indent + "  ")
            }
            return text
        }
        var document = ""
        for _ in 0..<(1 + Int(random.next() % 4)) {
            document += pick(["a", "b", "c", "kind", "spec"]) + ":" + value(0, "  ")
        }
        if random.next() % 15 == 0 { document += "broken: [\n" }
        return document
    }
}
