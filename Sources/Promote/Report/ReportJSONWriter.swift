/// Writes the report's JSON document: pretty-printed, keys sorted, slashes not escaped — byte for byte what
/// `JSONEncoder` writes from the report's `Encodable` conformance with `[.prettyPrinted, .sortedKeys,
/// .withoutEscapingSlashes]` (`ReportJSONWriterTests` holds the two together) — and with every invisible or
/// steering character outside ASCII (and DEL) written as a `\uXXXX` escape.
///
/// Written by hand because `JSONEncoder`, or any `Encoder`, instantiates generic containers for every coded
/// type at run time, each a scan of the executable's protocol conformances: 28 M instructions for a report
/// whose text takes 2 M.
enum ReportJSONWriter {
    /// The document for `report`, with a trailing newline.
    static func document(_ report: PromotionReport) -> String {
        var output = JSONOutput()
        report.write(to: &output)
        output.newline()
        return output.text
    }
}

/// JSON text in `JSONEncoder`'s pretty-printed layout; callers give an object's keys in sorted order.
struct JSONOutput {
    private var bytes: [UInt8] = []
    private var indent = 0
    private var isFirst = true

    init() { bytes.reserveCapacity(64 * 1024) }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func newline() { bytes.append(UInt8(ascii: "\n")) }

    /// An object whose members `body` writes with `key(_:)` and a value each.
    mutating func object(_ body: (inout JSONOutput) -> Void) {
        open(UInt8(ascii: "{"))
        body(&self)
        close(UInt8(ascii: "}"))
    }

    /// An array with one element per item, each written by `body`.
    mutating func array<Items: Sequence>(_ items: Items, _ body: (inout JSONOutput, Items.Element) -> Void) {
        open(UInt8(ascii: "["))
        for item in items {
            element()
            body(&self, item)
        }
        close(UInt8(ascii: "]"))
    }

    mutating func strings(_ items: [String]) { array(items) { $0.string($1) } }

    /// Starts the member `name` of the object being written; its value follows.
    mutating func key(_ name: StaticString) {
        element()
        bytes.append(UInt8(ascii: "\""))
        append(name)
        append("\" : ")
    }

    mutating func string(_ value: String) { JSONText.appendString(value, to: &bytes) }
    mutating func string(_ value: String?) { if let value { string(value) } else { null() } }
    mutating func string<Value: RawRepresentable>(_ value: Value) where Value.RawValue == String { string(value.rawValue) }
    mutating func id(_ value: ObjectID?) { string(value?.hex) }
    mutating func bool(_ value: Bool) { bytes.append(contentsOf: (value ? "true" : "false").utf8) }
    mutating func int(_ value: Int64) { bytes.append(contentsOf: String(value).utf8) }
    mutating func int(_ value: Int) { int(Int64(value)) }
    mutating func int(_ value: Int64?) { if let value { int(value) } else { null() } }
    mutating func null() { bytes.append(contentsOf: "null".utf8) }

    private mutating func open(_ bracket: UInt8) {
        bytes.append(bracket)
        bytes.append(UInt8(ascii: "\n"))
        indent += 2
        isFirst = true
    }

    private mutating func element() {
        if !isFirst { append(",\n") }
        isFirst = false
        appendIndent()
    }

    private mutating func close(_ bracket: UInt8) {
        indent -= 2
        bytes.append(UInt8(ascii: "\n"))
        appendIndent()
        bytes.append(bracket)
        isFirst = false
    }

    /// Appends literal text as one block copy (a `String`'s or a repetition's bytes go one by one).
    private mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 64)

    private mutating func appendIndent() {
        var left = indent
        while left > 0 {
            bytes.append(contentsOf: Self.spaces.prefix(left))
            left -= Self.spaces.count
        }
    }
}

/// JSON strings as the report writes them.
enum JSONText {
    /// `text` as a JSON string.
    static func string(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        appendString(text, to: &output)
        return output
    }

    /// Appends `text` as a JSON string: `"` and `\` escaped, `\b \f \n \r \t`, other C0 controls as
    /// `\u00xx` (as `JSONEncoder` does), and characters `DisplayText` escapes from DEL up as `\uxxxx` (UTF-16 units).
    static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        let plain = text.withUTF8 { bytes in
            let plain = bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
            if plain { output.append(contentsOf: bytes) }
            return plain
        }
        if !plain {
            for scalar in text.unicodeScalars { appendScalar(scalar, to: &output) }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func appendScalar(_ scalar: Unicode.Scalar, to output: inout [UInt8]) {
        switch scalar.value {
        case 0x22: output.append(contentsOf: #"\""#.utf8)
        case 0x5C: output.append(contentsOf: #"\\"#.utf8)
        case 0x08: output.append(contentsOf: #"\b"#.utf8)
        case 0x0C: output.append(contentsOf: #"\f"#.utf8)
        case 0x0A: output.append(contentsOf: #"\n"#.utf8)
        case 0x0D: output.append(contentsOf: #"\r"#.utf8)
        case 0x09: output.append(contentsOf: #"\t"#.utf8)
        case 0..<0x20: appendEscape(UInt16(scalar.value), to: &output)
        case 0x20..<0x7F: output.append(UInt8(scalar.value))
        default:
            if DisplayText.needsEscape(scalar) {
                for unit in String(scalar).utf16 { appendEscape(unit, to: &output) }
            } else {
                output.append(contentsOf: String(scalar).utf8)
            }
        }
    }

    private static func appendEscape(_ unit: UInt16, to output: inout [UInt8]) {
        output.append(contentsOf: #"\u"#.utf8)
        for shift in stride(from: 12, through: 0, by: -4) {
            let digit = UInt8((unit >> UInt16(shift)) & 0xF)
            output.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10)
        }
    }
}

// MARK: - The report's members, keys in sorted order

extension PromotionReport {
    func write(to out: inout JSONOutput) {
        out.object { out in
            out.key("action"); out.string(action)
            out.key("command"); out.string(command)
            out.key("components"); out.array(components) { $1.write(to: &$0) }
            out.key("conflicts"); out.strings(conflicts)
            out.key("dryRun"); out.bool(dryRun)
            if let environments { out.key("environments"); out.array(environments) { $1.write(to: &$0) } }
            if let error {
                out.key("error")
                out.object { out in
                    out.key("code"); out.int(error.code)
                    out.key("message"); out.string(error.message)
                }
            }
            out.key("mergeBase"); out.id(mergeBase)
            out.key("outsideComponents"); out.array(outsideComponents) { $1.write(to: &$0) }
            out.key("result"); result.write(to: &out)
            out.key("schemaVersion"); out.int(schemaVersion)
            out.key("source"); source.write(to: &out)
            out.key("target"); target.write(to: &out)
            out.key("verification"); verification.write(to: &out)
            if let waiting { out.key("waiting"); waiting.write(to: &out) }
            if let waitingCommits { out.key("waitingCommits"); out.array(waitingCommits) { $1.write(to: &$0) } }
            out.key("warnings"); out.strings(warnings)
        }
    }
}

extension PromotionReport.BranchState {
    func write(to out: inout JSONOutput) {
        out.object { out in
            out.key("branch"); out.string(branch)
            out.key("revision"); out.id(revision)
            if let tip { out.key("tip"); out.id(tip) }
        }
    }
}

extension PromotionReport.Result {
    func write(to out: inout JSONOutput) {
        out.object { out in
            if let branch { out.key("branch"); out.string(branch) }
            out.key("commit"); out.id(commit)
            if let compareURL { out.key("compareURL"); out.string(compareURL) }
            if let pullRequest { out.key("pullRequest"); out.string(pullRequest) }
            out.key("pushed"); out.bool(pushed)
        }
    }
}

extension PromotionReport.WaitingCommit {
    func write(to out: inout JSONOutput) {
        out.object { out in
            out.key("author"); out.string(author)
            out.key("id"); out.id(id)
            out.key("included"); out.bool(included)
            out.key("summary"); out.string(summary)
            out.key("time"); out.int(time)
        }
    }
}

extension VerificationReport {
    func write(to out: inout JSONOutput) {
        out.object { out in
            out.key("clusters")
            out.array(clusters) { out, cluster in
                out.object { out in
                    out.key("name"); out.string(cluster.name)
                    out.key("objects"); out.array(cluster.objects) { $1.write(to: &$0) }
                    out.key("revision"); out.string(cluster.revision)
                }
            }
            out.key("status"); out.string(status)
        }
    }
}

extension ObjectVerification {
    func write(to out: inout JSONOutput) {
        out.object { out in
            out.key("kind"); out.string(kind)
            out.key("message"); out.string(message)
            out.key("name"); out.string(name)
            out.key("namespace"); out.string(namespace)
            out.key("ready"); out.bool(ready)
            out.key("reason"); out.string(reason)
        }
    }
}

extension ComponentChange {
    func write(to out: inout JSONOutput) {
        out.object { out in
            out.key("affectsProduction"); out.bool(affectsProduction)
            out.key("change"); out.string(change)
            out.key("files"); out.array(files) { $1.write(to: &$0) }
            out.key("name"); out.string(name)
            out.key("releases"); out.array(releases) { $1.write(to: &$0) }
        }
    }
}

extension FileChange {
    func write(to out: inout JSONOutput) {
        out.object { out in
            out.key("additions"); out.int(additions)
            out.key("binary"); out.bool(binary)
            out.key("change"); out.string(change)
            if let conflict { out.key("conflict"); out.bool(conflict) }
            out.key("deletions"); out.int(deletions)
            out.key("environment"); out.string(environment)
            if let oldPath { out.key("oldPath"); out.string(oldPath) }
            out.key("path"); out.string(path)
            if let yamlSkipped { out.key("yamlSkipped"); out.string(yamlSkipped) }
        }
    }
}

extension ReleaseChange {
    func write(to out: inout JSONOutput) {
        out.object { out in
            out.key("change"); out.string(change)
            out.key("environment"); out.string(environment)
            out.key("from"); out.string(from)
            out.key("kind"); out.string(kind)
            out.key("name"); out.string(name)
            if let namespace { out.key("namespace"); out.string(namespace) }
            out.key("to"); out.string(to)
            out.key("valuesChanged"); out.strings(valuesChanged)
        }
    }
}

extension EnvironmentStatus {
    func write(to out: inout JSONOutput) {
        out.object { out in
            out.key("branch"); out.string(branch)
            out.key("clusters")
            out.array(clusters) { out, cluster in
                out.object { out in
                    out.key("name"); out.string(cluster.name)
                    out.key("revision"); out.string(cluster.revision)
                }
            }
            out.key("name"); out.string(name)
            out.key("tip"); out.id(tip)
        }
    }
}

extension WaitingSummary {
    func write(to out: inout JSONOutput) {
        out.object { out in
            out.key("commits"); out.int(commits)
            out.key("components"); out.strings(components)
            out.key("included"); out.int(included)
            out.key("oldestAgeSeconds"); out.int(oldestAgeSeconds)
            out.key("oldestCommit"); out.id(oldestCommit)
            out.key("oldestCommitTime"); out.int(oldestCommitTime)
        }
    }
}
