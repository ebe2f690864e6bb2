import Foundation
import Testing
import TestSupport

/// A private copy of the sample repository and the built binary, with helpers to set the scenes a CLI test needs.
struct SampleScenario {
    let folder: TemporaryDirectory
    let sample: SampleRepository
    let binary: KeosBinary

    init() throws {
        folder = try TemporaryDirectory(prefix: "keos-promote-cli")
        sample = try SampleRepository.copy(in: folder.url)
        binary = try KeosBinary.locate()
    }

    /// Runs `keos-promote ARGUMENTS -C <clone>` without colour.
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        try binary.run(arguments + ["-C", sample.clone.path], cwd: sample.clone, environment: environment, noColor: true)
    }

    /// Staging status reporting `revision` (default: main's tip), written next to the sample.
    func stagingStatus(revision: String? = nil, name: String = "staging-1") throws -> String {
        guard let revision else { return sample.stagingStatus.path }
        return try sample.writeStatus(revision: revision, to: folder.url("\(name).json")).path
    }

    /// Production's status: the staging status rewritten to production's branch and tip.
    func productionStatus() throws -> String {
        let text = try String(contentsOf: sample.stagingStatus, encoding: .utf8)
            .replacingOccurrences(of: "\"branch\": \"main\"", with: "\"branch\": \"production\"")
            .replacingOccurrences(of: "main@sha1:\(sample.mainTip)", with: "production@sha1:\(sample.productionTip)")
        let url = folder.url("production-1.json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Lands a commit on the origin's production that changes the file main changes too, so the merge conflicts.
    func makeConflict() throws {
        let clone = sample.clone
        try Shell.git("checkout", "--quiet", "production", in: clone)
        let file = clone.appendingPathComponent("components/observability/controllers/base/metrics-server.yaml")
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "\"3.12.2\"", with: "\"3.12.9\"")
            .replacingOccurrences(of: "version: \"3.12.1\"", with: "version: \"3.12.9\"")
        try text.write(to: file, atomically: true, encoding: .utf8)
        try Shell.git("commit", "--quiet", "-am", "observability: pin metrics-server on production", in: clone)
        try Shell.git("push", "--quiet", "origin", "production", in: clone)
        try Shell.git("checkout", "--quiet", "main", in: clone)
    }

    /// The revision `spec` names in the origin.
    func revParse(_ spec: String) throws -> String {
        try Shell.git("rev-parse", spec, in: sample.origin)
    }
}

extension ProcessResult {
    /// Stdout as one JSON object (fails the test when it is not exactly that).
    func jsonObject(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: stdoutData) as? [String: Any], "stdout is not one JSON object: \(self)",
                     sourceLocation: sourceLocation)
    }
}
