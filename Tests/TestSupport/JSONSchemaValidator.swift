import Foundation

/// Validates JSON documents against `schema/report.schema.json` with Python's `jsonschema` (draft 2020-12),
/// the reference implementation, in one subprocess for many documents.
public enum JSONSchemaValidator {
    /// The problems of each document, in order; an empty list means the document is valid.
    public static func problems(of documents: [Data], schema: URL = PackagePaths.file("schema/report.schema.json")) throws -> [[String]] {
        let python = try interpreter()
        let program = """
            import json, sys
            from jsonschema import Draft202012Validator
            schema = json.load(open(sys.argv[1]))
            Draft202012Validator.check_schema(schema)
            validator = Draft202012Validator(schema)
            results = []
            for text in json.load(sys.stdin):
                try:
                    document = json.loads(text)
                except ValueError as error:
                    results.append(["not JSON: %s" % error])
                    continue
                results.append(["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(root)", e.message)
                                for e in validator.iter_errors(document)])
            json.dump(results, sys.stdout)
            """
        let input = try JSONSerialization.data(withJSONObject: documents.map { String(decoding: $0, as: UTF8.self) })
        let result = try Shell.run(python, ["-c", program, schema.path], stdin: input)
        guard result.succeeded else { throw TestSupportError("jsonschema failed: \(result)") }
        return try JSONDecoder().decode([[String]].self, from: result.stdoutData)
    }

    /// A python3 that can import jsonschema and yaml (`scripts/lib/prerequisites.sh` installs one).
    public static func interpreter() throws -> String {
        for candidate in ["python3", "/usr/bin/python3"] {
            if let result = try? Shell.run(candidate, ["-c", "import jsonschema, yaml"]), result.succeeded { return candidate }
        }
        throw TestSupportError("no python3 with jsonschema and PyYAML; run scripts/test, which installs python3-jsonschema and python3-yaml")
    }
}
