import Foundation
import Testing
import TestSupport
@testable import Promote

/// Issue 6.4 through the built binary: a sample of mutated config and status files. What the real loader
/// refuses exits 2 with one line naming the file; what it accepts never crashes the tool.
/// (`Tests/PromoteTests/Safety/InputFuzzTests` runs thousands of cases in process.)
@Suite("Safety: hostile input files through the binary") struct InputFuzzCLITests {
    static let samples = 40

    /// Runs the tool on each mutation written to `file`; `refuses` says whether the in-process loader refuses it.
    func check(_ mutations: [FileMutator.Mutation], file: URL, arguments: [String], in world: FixtureWorld,
               refuses: () -> Bool) throws {
        var refusedCount = 0
        for mutation in mutations {
            try mutation.data.write(to: file)
            let refused = refuses()
            let result = try CLI.binary().run(arguments, cwd: world.clone, home: world.fixture.environment.home, timeout: 60)
            #expect(!result.signaled && (0...5).contains(result.status), "\(mutation): crashed\n\(result)")
            guard refused else {
                // What the loader accepts, the tool does not refuse either.
                #expect(!(result.status == 2 && result.stderr.contains(file.path)), "\(mutation): accepted in process, refused by the tool\n\(result)")
                continue
            }
            refusedCount += 1
            expectOneLineError(result, code: 2, mentions: [file.path])
        }
        #expect(refusedCount > 0 && refusedCount < mutations.count, "\(refusedCount) of \(mutations.count) refused: both sides are exercised")
    }

    @Test("config files: --config")
    func configFiles() throws {
        let world = try FixtureWorld()
        let file = world.fixture.root.appendingPathComponent("fuzzed.yaml")
        var mutator = FileMutator(valid: try Data(contentsOf: PackagePaths.file("examples/keos-promote.yaml")), seed: 164)
        let request = ConfigLoader.Request(explicitPath: file.path, repositoryPath: world.clone.path, remote: "origin",
                                           sourceBranch: "main", currentDirectory: world.clone.path,
                                           homeDirectory: world.fixture.root.path)
        try check(mutator.mutations(Self.samples), file: file, arguments: ["diff", "--no-fetch", "--skip-verify", "--config", file.path],
                  in: world, refuses: { (try? ConfigLoader.load(request)) == nil })
    }

    @Test("status files: --staging-status")
    func statusFiles() throws {
        let world = try FixtureWorld()
        let valid = try Data(contentsOf: try world.statusFile(revision: world.tip("main")))
        let file = world.fixture.root.appendingPathComponent("staging-1.json")
        var mutator = FileMutator(valid: valid, seed: 165)
        try check(mutator.mutations(Self.samples), file: file, arguments: ["verify", "--no-fetch", "--staging-status", file.path],
                  in: world, refuses: { (try? StagingStatusLoader.load([file.path])) == nil })
    }
}
