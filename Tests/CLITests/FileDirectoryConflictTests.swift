import Foundation
import Testing
import TestSupport

/// A name that is a file on production and a folder on main conflicts (git's "CONFLICT (file/directory)"),
/// also when a changed folder lies between the two in path order, where libgit2 alone misses it.
@Suite("File/directory conflicts") struct FileDirectoryConflictTests {
    static let path = "components/app/base/patches"

    /// Production adds the file `patches`, main the folder `patches/` and changes `patches.d/` (between the two
    /// in Git's path order); staging reconciled main.
    private func world() throws -> (FixtureWorld, main: String, production: String, status: URL) {
        let world = try FixtureWorld()
        let base = try world.commit(["\(Self.path).d/notes.yaml": "notes: 1\n"], on: "main", message: "notes")
        try world.fixture.git("update-ref", "refs/heads/production", base, in: world.origin)
        let production = try world.commit([Self.path: "replicas: 2\n"], on: "production", message: "patch file")
        let main = try world.commit(["\(Self.path)/replicas.yaml": "replicas: 3\n", "\(Self.path).d/notes.yaml": "notes: 2\n"],
                                    on: "main", message: "patch folder")
        return (world, main, production, try world.statusFile(revision: main))
    }

    @Test("4: promote and --dry-run name the path git moves aside; production is unchanged",
          arguments: [["--dry-run"], ["--yes"]])
    func fileAndFolderOfOneName(_ command: [String]) throws {
        let (world, main, production, status) = try world()
        let oracle = try world.fixture.mergeTree(production, main, in: world.origin).conflictingPaths
        #expect(oracle == ["\(Self.path)~\(production)"], "git moves production's file aside: \(oracle)")
        let originBefore = try RefState.read(world.origin)

        let text = try world.keos(command + ["--staging-status", status.path])
        expectOneLineError(text, code: 4, mentions: [Self.path], reportOnStdout: true)
        let json = try world.keos(command + ["--output", "json", "--staging-status", status.path])
        #expect(json.status == 4, "\(json)")
        try ReportSchema.expectValid(json)
        let report = try JSONReport(json)
        #expect(report.conflicts == [Self.path], "\(json)")
        #expect(report.pushed != true)

        expectSameRefs(try RefState.read(world.origin), originBefore, "origin")
        #expect(try world.tip("production") == production)
    }
}
