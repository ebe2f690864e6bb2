import Foundation
import Testing
@testable import Promote
import TestSupport

/// `BlockYAMLReader` reads the manifests it is for, declines the rest, and never changes what a blob yields:
/// `ManifestReader` gives the same values and the same reasons to skip with it as without it (through
/// `YAMLEventReader`), on hand-written, generated and randomly damaged YAML.
@Suite struct BlockYAMLReaderTests {
    /// Manifests as repositories hold them; the reader must take every one.
    static let accepted: [String] = [
        "",
        "# only a comment\n\n",
        """
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata:
          name: podinfo
          namespace: apps
        spec:
          interval: 30m
          chart:
            spec:
              chart: podinfo
              version: "6.5.0"
              sourceRef:
                kind: HelmRepository
                name: podinfo
          values:
            replicaCount: 2
            resources:
              requests:
                cpu: 100m
                memory: 128Mi
        """,
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: apps\nresources:\n  - helmrelease.yaml\n  - ../base\n",
        // Indentless sequences, sequences of mappings, comments anywhere, documents, quoting, empty values.
        """
        ---
        # the release
        kind: HelmRelease   # trailing comment
        metadata:
          name: 'single'
          labels:
            app.kubernetes.io/name: "double # not a comment"
        spec:
          values:
            args:
            - --verbose
            - -v=2
            env:
              - name: URL
                value: http://example.com:8080/a#b
              -   name: EMPTY
                  value:
              -
                name: LATER
            nothing:
            tolerance: -1.5
            mode: ~
            flags: x[ignored]
        ---
        kind: HelmRepository
        metadata:
          name: charts
        spec:
          url: oci://ghcr.io/org/charts
        """,
        "key with spaces   : value with  two spaces  \n\"quoted key\" : 'a: b'\nempty: ''\n",
        "- a\n- - b\n  - c\n-\n- d: e\n  f: g\n",
        "  indented: root\n  second: 2\n",
        "a:\n  plain\nb: 1\n",
        "a: b\\c\nd: <<\nk: x:y\nl: a'b\"c\n",
        "--- # a comment on the marker\na: 1\n--- \nb: 2",
    ]

    /// What the reader leaves to `YAMLEventReader`.
    static let declined: [String] = [
        "a: [1, 2]\n", "a: {b: 1}\n", "a: |\n  text\n", "a: >\n  text\n", "a: &x 1\nb: 2\n", "a: !!str 1\n",
        "a: 1 * 2\n", "%YAML 1.1\n---\na: 1\n", "? a\n: b\n", "<<: {a: 1}\n", "a: 1\na: 2\n", "a: 1\n'a': 2\n",
        "a: multi\n  line\n", "a: \"multi\n  line\"\n", "a: \"esc\\n\"\n", "a: 'it''s'\n", "a:\tb\n", "a: b\r\n",
        "a: caf\u{e9}\n", "\u{feff}a: 1\n", "---\n", "a: 1\n---\n", "a: 1\n---\n---\nb: 2\n", "a: 1\n...\n",
        "--- a\n", "a: b: c\n", "a: - b\n", "a:\n  - b\n  c: d\n", "a:\n    b: 1\n  c: 2\n", "- a\nb: c\n",
        "a: 1\n- b\n", "a: \"x\"y\n", "a: \"x\"#y\n", "a: 'unterminated\n", "[a]\n", "a: 1\n  # deeper comment\n  b\n",
        "a: b:\n", "@a: 1\n", "a: `b`\n", "a: %b\n", ": a\n", "a: -\n",
        String(repeating: "k", count: 1_100) + ": long key\n",
        (0..<70).map { String(repeating: " ", count: $0) + "k:\n" }.joined() + String(repeating: " ", count: 70) + "v: 1\n",
    ]

    /// `ManifestReader`'s outcome for `yaml` with and without the block reader.
    static func outcomes(_ yaml: String) -> (block: Result<[YAMLValue], YAMLSkipReason>, events: Result<[YAMLValue], YAMLSkipReason>) {
        let data = Data(yaml.utf8)
        var withoutBlock = ManifestReader()
        withoutBlock.readsBlockYAML = false
        return (Result { () throws(YAMLSkipReason) in try ManifestReader().documents(in: data) },
                Result { () throws(YAMLSkipReason) in try withoutBlock.documents(in: data) })
    }

    static func takes(_ yaml: String) -> Bool {
        let bytes = Array(yaml.utf8)
        return BlockYAMLReader.read(bytes, nodeBudget: 4 * bytes.count + 64, maximumDepth: 512) != nil
    }

    @Test(arguments: accepted)
    func readsManifests(yaml: String) {
        #expect(Self.takes(yaml), "\(yaml.debugDescription)")
        let (block, events) = Self.outcomes(yaml)
        #expect(block == events, "\(yaml.debugDescription)")
    }

    @Test(arguments: declined)
    func declinesWhatItDoesNotModel(yaml: String) {
        #expect(!Self.takes(yaml), "\(yaml.debugDescription)")
        let (block, events) = Self.outcomes(yaml)
        #expect(block == events, "\(yaml.debugDescription)")
    }

    @Test func readsValuesAsTheEventReaderDoes() throws {
        let documents = try ManifestReader().documents(in: Data(Self.accepted[4].utf8))
        #expect(documents.count == 2)
        let values = documents[0].value(at: "spec", "values")
        #expect(values?["args"] == .sequence([.scalar(.plain, "--verbose"), .scalar(.plain, "-v=2")]))
        #expect(values?["nothing"] == .scalar(.null, ""))
        #expect(values?["tolerance"] == .scalar(.plain, "-1.5"))
        #expect(values?["flags"] == .scalar(.string, "x[ignored]"))
        #expect(values?["env"] == .sequence([
            .mapping(["name": .scalar(.string, "URL"), "value": .scalar(.string, "http://example.com:8080/a#b")]),
            .mapping(["name": .scalar(.string, "EMPTY"), "value": .scalar(.null, "")]),
            .mapping(["name": .scalar(.string, "LATER")]),
        ]))
        #expect(documents[0].value(at: "metadata", "labels", "app.kubernetes.io/name") == .scalar(.string, "double # not a comment"))
    }

    @Test(arguments: YAMLEventReaderTests.cases)
    func agreesOnTheEventReadersCases(yaml: String) {
        let (block, events) = Self.outcomes(yaml)
        #expect(block == events, "\(yaml.debugDescription)")
    }

    @Test func generatedBlockDocumentsReadAlike() {
        var random = SeededGenerator(seed: 7)
        var taken = 0
        for _ in 0..<600 {
            let yaml = Self.randomBlockDocument(&random)
            if Self.takes(yaml) { taken += 1 }
            let (block, events) = Self.outcomes(yaml)
            #expect(block == events, "\(yaml.debugDescription)")
        }
        // Most generated documents are in the subset (duplicate keys and merge keys are not), so both paths ran.
        #expect(taken > 300 && taken < 600, "taken: \(taken)")
    }

    /// Every manifest above damaged once or twice, many times over — a byte inserted, replaced or removed, a
    /// line indented more or less, repeated or dropped: the outcome (values or the reason to skip) is the same
    /// with the block reader as without it.
    @Test func damagedManifestsReadAlike() {
        var random = SeededGenerator(seed: 11)
        var taken = 0
        let sources = Self.accepted.filter { !$0.isEmpty }
        for round in 0..<4_000 {
            var bytes = Array(sources[round % sources.count].utf8)
            for _ in 0...(random.next() % 2) { Self.damage(&bytes, &random) }
            let yaml = String(decoding: bytes, as: UTF8.self)
            if Self.takes(yaml) { taken += 1 }
            let (block, events) = Self.outcomes(yaml)
            #expect(block == events, "\(yaml.debugDescription)")
        }
        #expect(taken > 1_000, "taken: \(taken)")
    }

    /// One random change to `bytes`: a byte, or a line's indentation, or a whole line.
    static func damage(_ bytes: inout [UInt8], _ random: inout SeededGenerator) {
        guard !bytes.isEmpty else { return }
        let alphabet = Array(" \n:-#'\"ab1{[&|>?.~\\".utf8)
        let position = Int(random.next() % UInt64(bytes.count))
        let byte = alphabet[Int(random.next() % UInt64(alphabet.count))]
        switch random.next() % 6 {
        case 0: bytes.insert(byte, at: position)
        case 1: bytes[position] = byte
        case 2: bytes.remove(at: position)
        case let lineChange:
            var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
            let line = Int(random.next() % UInt64(lines.count))
            switch lineChange {
            case 3: lines[line].insert(UInt8(ascii: " "), at: 0)
            case 4: lines.insert(lines[line], at: line)
            default:
                if lines[line].first == UInt8(ascii: " ") { lines[line].removeFirst() } else { lines.remove(at: line) }
            }
            bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
        }
    }

    /// A random document in block style: nested mappings and sequences (indented and indentless), plain and
    /// quoted scalars, comments and blank lines, several documents, and now and then a duplicate or merge key.
    static func randomBlockDocument(_ random: inout SeededGenerator) -> String {
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
        func scalar() -> String {
            pick(["a", "b c", "'q'", "\"d\"", "''", "1", "-2", "0.5", "~", "null", "yes", "Off", "--flag", "x:y",
                  "a#b", "http://h:1/p", "<<", "a  b", "=", "\"# x\"", "v1.2.3", ".inf", "+1"])
        }
        func comment() -> String { chance(15) ? " # note" : "" }
        func key() -> String {
            chance(1) ? "<<" : pick(["a", "b", "c", "d", "e", "f", "g", "kind", "spec", "'h'", "\"i j\"", "k l"])
        }
        func filler(_ indent: String) -> String {
            chance(10) ? pick(["\n", indent + "# comment\n", "   \n", "# column zero\n"]) : ""
        }
        func value(_ depth: Int, _ indent: String) -> String {
            let roll = random.next() % 10
            if depth > 4 || roll < 5 { return " " + scalar() + comment() + "\n" }
            if roll == 5 { return comment() + "\n" }
            if roll < 8 { return comment() + "\n" + sequence(depth, chance(40) ? indent : indent + "  ") }
            return comment() + "\n" + mapping(depth + 1, indent + pick(["  ", "    ", " "]))
        }
        func mapping(_ depth: Int, _ indent: String) -> String {
            var text = ""
            var used: Set<String> = []
            for _ in 0..<(1 + Int(random.next() % 4)) {
                var name = key()
                while used.contains(name) && !chance(5) { name = key() }
                used.insert(name)
                text += filler(indent) + indent + name + ":" + value(depth, indent)
            }
            return text
        }
        func sequence(_ depth: Int, _ indent: String) -> String {
            var text = ""
            for _ in 0..<(1 + Int(random.next() % 3)) {
                text += filler(indent) + indent + "-"
                switch random.next() % 4 {
                case 0: text += " " + scalar() + comment() + "\n"
                case 1:
                    let gap = pick([" ", "   "])
                    let inner = indent + " " + String(repeating: " ", count: gap.count)
                    text += gap + key() + ":" + value(depth + 1, inner)
                    if chance(60) { text += inner + key() + ":" + value(depth + 1, inner) }
                case 2: text += "\n" + mapping(depth + 1, indent + "  ")
                default: text += comment() + "\n"
                }
            }
            return text
        }
        var documents: [String] = []
        for _ in 0..<(1 + Int(random.next() % 3)) { documents.append(mapping(0, "")) }
        return (chance(30) ? "---\n" : "") + documents.joined(separator: "---\n")
    }
}
