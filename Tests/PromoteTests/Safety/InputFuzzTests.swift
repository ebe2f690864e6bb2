import Foundation
import Testing
import TestSupport
@testable import Promote

/// Issue 6.4, in process: thousands of generated mutations of a valid config file and a valid status file go
/// through the real loaders. Each either loads or fails with `badInput` naming the file — never a crash, never
/// another kind of error. (`Tests/CLITests/Safety/InputFuzzCLITests` runs a sample through the binary.)
@Suite("Safety: hostile input files") struct InputFuzzTests {
    static let cases = 2_500

    /// The outcome of loading one mutation: nil when it loaded, else the error.
    static func expectLoadsOrNamesFile(_ mutation: FileMutator.Mutation, file: String, load: () throws -> Void,
                                       sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try load()
        } catch let error as PromoteError {
            #expect(error.kind == .badInput, "\(mutation): \(error)", sourceLocation: sourceLocation)
            #expect(error.message.contains(file), "\(mutation): the message does not name \(file): \(error.message)",
                    sourceLocation: sourceLocation)
            #expect(!error.message.contains("\n") && !error.message.contains("\u{1B}"),
                    "\(mutation): one line, no escape sequence: \(error.message.debugDescription)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(mutation): not a PromoteError: \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("config file: every mutation loads or is refused naming the file")
    func configFile() throws {
        let folder = try TemporaryDirectory(prefix: "keos-fuzz-config")
        let valid = try Data(contentsOf: PackagePaths.file("examples/keos-promote.yaml"))
        var mutator = FileMutator(valid: valid, seed: 64)
        var refused = 0
        for mutation in mutator.mutations(Self.cases) {
            let file = folder.url("keos-promote.yaml")
            try mutation.data.write(to: file)
            let request = ConfigLoader.Request(explicitPath: file.path, repositoryPath: folder.path, remote: "origin",
                                               sourceBranch: "main", currentDirectory: folder.path, homeDirectory: folder.path)
            var loaded = true
            Self.expectLoadsOrNamesFile(mutation, file: file.path) {
                do { _ = try ConfigLoader.load(request) } catch { loaded = false; throw error }
            }
            if !loaded { refused += 1 }
        }
        // The mutations really break things (most of them), and not every one.
        #expect(refused > Self.cases / 3 && refused < Self.cases, "\(refused) of \(Self.cases) refused")
    }

    @Test("status file: every mutation loads or is refused naming the file")
    func statusFile() throws {
        let folder = try TemporaryDirectory(prefix: "keos-fuzz-status")
        let valid = Self.validStatus().jsonData()
        var mutator = FileMutator(valid: valid, seed: 65)
        var refused = 0
        for mutation in mutator.mutations(Self.cases) {
            let file = folder.url("staging-1.json")
            try mutation.data.write(to: file)
            var loaded = true
            Self.expectLoadsOrNamesFile(mutation, file: file.path) {
                do { _ = try StagingStatusLoader.load([file.path]) } catch { loaded = false; throw error }
            }
            if !loaded { refused += 1 }
        }
        #expect(refused > Self.cases / 3 && refused < Self.cases, "\(refused) of \(Self.cases) refused")
    }

    /// A status with every kind of object and field the reader looks at.
    static func validStatus() -> FluxStatusFixture {
        let revision = String(repeating: "a", count: 40)
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        return FluxStatusFixture(repositoryURL: "ssh://git@git.example.com/platform/services.git", name: "services")
            .kustomization(name: "infra", path: "components/infra/staging", appliedRevision: revision,
                           helmReleases: [.init(name: "metrics-server", namespace: "monitoring", version: "3.12.2")],
                           history: [.init(revision: FluxStatusFixture.revision(revision), firstReconciled: start,
                                           lastReconciled: start.addingTimeInterval(600))])
            .kustomization(name: "apps", path: "components/apps/staging", appliedRevision: revision, ready: false,
                           reason: "HealthCheckFailed", message: "timeout")
    }
}
