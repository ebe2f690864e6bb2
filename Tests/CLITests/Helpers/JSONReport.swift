import Foundation
import Testing
import TestSupport

/// The `--output json` document, read loosely (as a client script would).
struct JSONReport {
    let object: [String: Any]

    /// Parses stdout; fails the test (and throws) when it is not exactly one JSON object.
    init(_ result: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let parsed = try? JSONSerialization.jsonObject(with: result.stdoutData, options: [])
        let object = try #require(parsed as? [String: Any], "stdout is not one JSON object\n\(result)",
                                  sourceLocation: sourceLocation)
        self.object = object
    }

    subscript(key: String) -> Any? { object[key] }

    var command: String? { object["command"] as? String }
    var action: String? { object["action"] as? String }
    var dryRun: Bool? { object["dryRun"] as? Bool }
    var mergeBase: String? { object["mergeBase"] as? String }
    var sourceRevision: String? { (object["source"] as? [String: Any])?["revision"] as? String }
    var targetRevision: String? { (object["target"] as? [String: Any])?["revision"] as? String }
    var verificationStatus: String? { (object["verification"] as? [String: Any])?["status"] as? String }
    var verificationClusters: [[String: Any]] { ((object["verification"] as? [String: Any])?["clusters"] as? [[String: Any]]) ?? [] }
    var components: [[String: Any]] { (object["components"] as? [[String: Any]]) ?? [] }
    var componentNames: [String] { components.compactMap { $0["name"] as? String } }
    /// name → change of every component.
    var componentChanges: [String: String] {
        Dictionary(uniqueKeysWithValues: components.compactMap { component in
            (component["name"] as? String).map { ($0, component["change"] as? String ?? "?") }
        })
    }
    var outsidePaths: [String] { ((object["outsideComponents"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String } }
    var conflicts: [String]? { object["conflicts"] as? [String] }
    var waitingCommits: [[String: Any]]? { object["waitingCommits"] as? [[String: Any]] }
    var result: [String: Any] { (object["result"] as? [String: Any]) ?? [:] }
    var pushed: Bool? { result["pushed"] as? Bool }
    var resultCommit: String? { result["commit"] as? String }
    var errorCode: Int? { (object["error"] as? [String: Any])?["code"] as? Int }
    var errorMessage: String? { (object["error"] as? [String: Any])?["message"] as? String }
    var warnings: [String] { (object["warnings"] as? [String]) ?? [] }

    /// Every file path of a component (in order).
    func files(of component: String) -> [[String: Any]] {
        (components.first { $0["name"] as? String == component }?["files"] as? [[String: Any]]) ?? []
    }

    func releases(of component: String) -> [[String: Any]] {
        (components.first { $0["name"] as? String == component }?["releases"] as? [[String: Any]]) ?? []
    }
}

/// Validates documents against `schema/report.schema.json` with python3's `jsonschema` (Draft 2020-12).
///
/// One python3 process serves the whole test run (starting one per document costs a third of a second):
/// it reads one request per line (the document's text as a JSON string) and answers one line, the JSON
/// array of violations.
final class ReportSchema: @unchecked Sendable {
    /// `<package>/schema/report.schema.json`, found from this file (`<package>/Tests/CLITests/Helpers/…`).
    static let file = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("schema/report.schema.json")

    private static let script = """
        import json, sys
        try:
            import jsonschema
        except ImportError:
            print(json.dumps(["python3 module jsonschema is missing: run scripts/test (or pip install jsonschema)"]), flush=True)
            sys.exit(3)
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        for line in sys.stdin:
            text = json.loads(line)
            try:
                document = json.loads(text)
            except ValueError as error:
                print(json.dumps(["stdout is not exactly one JSON document: %s" % error]), flush=True)
                continue
            errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
            print(json.dumps(["/" + "/".join(str(p) for p in e.absolute_path) + ": " + e.message for e in errors]), flush=True)
        """

    private static let lock = NSLock()
    nonisolated(unsafe) private static var server: ReportSchema?

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer = Data()

    private init() throws {
        // A validator that died must fail the test, not kill the test process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        process.executableURL = try Shell.resolve("python3", path: ProcessInfo.processInfo.environment["PATH"])
        process.arguments = ["-c", Self.script, Self.file.path]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Reads one answer line.
    private func readLine() -> Data? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[buffer.index(after: newline)...])
                return Data(line)
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }

    private func check(_ data: Data) throws -> [String] {
        let text = String(decoding: data, as: UTF8.self)
        var request = try JSONSerialization.data(withJSONObject: [text], options: [])
        request = request.dropFirst().dropLast() // the string literal alone
        request.append(0x0A)
        try input.fileHandleForWriting.write(contentsOf: request)
        guard let answer = readLine() else {
            throw TestSupportError("the python3 schema validator stopped (is python3 installed?)")
        }
        guard let violations = try JSONSerialization.jsonObject(with: answer) as? [String] else {
            throw TestSupportError("unexpected validator answer: \(String(decoding: answer, as: UTF8.self))")
        }
        return violations
    }

    /// The schema violations of `data` (empty when it is valid); a missing validator is a failure too.
    static func violations(of data: Data) throws -> [String] {
        lock.lock()
        defer { lock.unlock() }
        if server == nil || server?.process.isRunning == false {
            server = try ReportSchema()
        }
        return try server!.check(data)
    }

    /// Expects stdout of `result` to be exactly one JSON document valid against the schema.
    static func expectValid(_ result: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let problems = try violations(of: result.stdoutData)
        #expect(problems.isEmpty, "schema violations: \(problems)\n\(result)", sourceLocation: sourceLocation)
    }
}

/// Facts read back from the text report, to compare with the JSON one.
struct TextReport {
    let text: String

    init(_ text: String) { self.text = text }

    /// `action X` from the header line `merge base …, action X`.
    var action: String? {
        for line in text.split(separator: "\n") where line.hasPrefix("merge base ") {
            if let range = line.range(of: ", action ") { return String(line[range.upperBound...]) }
        }
        return nil
    }

    /// `verification: X`.
    var verification: String? {
        text.split(separator: "\n").first { $0.hasPrefix("verification: ") }.map { String($0.dropFirst("verification: ".count)) }
    }

    /// name → change from the component table (the rows below `COMPONENT  CHANGE …`).
    var componentChanges: [String: String] {
        var rows: [String: String] = [:]
        var inTable = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("COMPONENT") { inTable = true; continue }
            if inTable {
                if trimmed.isEmpty { break }
                let cells = trimmed.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                if cells.count >= 2 { rows[cells[0]] = cells[1] }
            }
        }
        return rows
    }

    /// Paths listed under `outside components`.
    var outsidePaths: [String] {
        var paths: [String] = []
        var inSection = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "outside components" { inSection = true; continue }
            if inSection {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
                let cells = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                if cells.count >= 3 { paths.append(cells[2]) }
            }
        }
        return paths
    }
}
