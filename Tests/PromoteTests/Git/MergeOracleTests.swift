import Foundation
import Testing
import TestSupport
@testable import Promote

/// The in-memory merge agrees with `git merge-tree --write-tree`: the same tree for clean merges, the same
/// conflicting paths otherwise.
@Suite struct MergeOracleTests {
    /// `production` and `main` diverge from one base with random edits, some touching the same files.
    static func divergent(seed: UInt64, mainEdits: Int, productionEdits: Int) throws -> (GitFixture, String, String) {
        let fixture = try GitFixture(files: [:])
        var generator = HistoryGenerator(seed: seed)
        let base = try fixture.commit(generator.initialTree(), on: "main", message: "initial", in: fixture.origin)
        try fixture.createBranch("production", at: base, in: fixture.origin)
        var productionGenerator = generator
        productionGenerator.random = SeededGenerator(seed: seed &* 7919)
        let main = try fixture.commit(generator.edits(count: mainEdits, prefix: "main"), on: "main", message: "main", in: fixture.origin)
        let production = try fixture.commit(productionGenerator.edits(count: productionEdits, prefix: "prod", allowRenames: false),
                                            on: "production", message: "production", in: fixture.origin)
        return (fixture, production, main)
    }

    @Test(arguments: Array(1...16) as [UInt64])
    func mergeMatchesGitMergeTree(seed: UInt64) throws {
        let (fixture, production, main) = try Self.divergent(seed: seed, mainEdits: 8, productionEdits: 5)
        let repository = try Repository.open(at: fixture.origin.path)
        let ours = try repository.mergeCommits(ours: ObjectID(hex: production)!, theirs: ObjectID(hex: main)!)
        let oracle = try fixture.mergeTree(production, main, in: fixture.origin)
        switch (ours, oracle) {
        case (.clean(let tree), .clean(let expected)):
            #expect(tree.hex == expected)
        case (.conflicts(let paths), .conflicted(_, let expected)):
            #expect(paths == expected.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        default:
            Issue.record("libgit2 says \(ours), git merge-tree says \(oracle)")
        }
    }

    /// Criss-cross histories (two merge bases) are merged by libgit2 alone: the result is still git's, and the
    /// repository gets no object until the pending ones are stored; then it has every object of the result.
    @Test("a merge libgit2 does alone writes nothing until stored, and equals git's")
    func libgit2sOwnMergeWritesNothing() throws {
        let fixture = try GitFixture(files: ["components/a/base/release.yaml": "v: 1\n", "README.md": "hello\n"])
        let origin = fixture.origin
        let fork = try fixture.revParse("main", in: origin)
        try fixture.createBranch("production", at: fork, in: origin)
        let left = try fixture.commit(["components/a/base/release.yaml": "v: 2\n"], on: "main", message: "bump", in: origin)
        let right = try fixture.commit(["components/a/production/values.yaml": "r: 1\n"], on: "production",
                                       message: "hotfix", in: origin)
        try fixture.merge(right, into: "main", message: "main takes the hotfix", in: origin)
        try fixture.merge(left, into: "production", message: "production takes the bump", in: origin)
        let main = try fixture.commit(["components/a/base/release.yaml": "v: 3\n", "components/b/base/new.yaml": "n: 1\n"],
                                      on: "main", message: "more", in: origin)
        let production = try fixture.commit(["README.md": "hello, production\n"], on: "production", message: "readme",
                                            in: origin)
        let objects = origin.appendingPathComponent("objects")
        let before = try FileManager.default.subpathsOfDirectory(atPath: objects.path).sorted()

        let repository = try Repository.open(at: origin.path)
        #expect(try repository.mergeBases(ObjectID(hex: production)!, ObjectID(hex: main)!).count == 2, "a criss-cross")
        let outcome = try repository.mergeCommits(ours: ObjectID(hex: production)!, theirs: ObjectID(hex: main)!)
        #expect(try FileManager.default.subpathsOfDirectory(atPath: objects.path).sorted() == before)
        guard case .clean(let tree) = outcome else {
            Issue.record("expected a clean merge, got \(outcome)")
            return
        }
        try repository.savePendingObjects()
        // Read by git itself, before its own merge-tree could write the same objects.
        #expect(try fixture.git("ls-tree", "-r", "--name-only", tree.hex, in: origin).contains("components/b/base/new.yaml"))
        guard case .clean(let expected) = try fixture.mergeTree(production, main, in: origin) else {
            Issue.record("git merge-tree conflicts")
            return
        }
        #expect(tree.hex == expected)
    }

    @Test func theSeedsProduceBothCleanAndConflictingMerges() throws {
        var clean = 0
        var conflicted = 0
        for seed in Array(1...16) as [UInt64] {
            let (fixture, production, main) = try Self.divergent(seed: seed, mainEdits: 8, productionEdits: 5)
            if try fixture.mergeTree(production, main, in: fixture.origin).isClean { clean += 1 } else { conflicted += 1 }
        }
        #expect(clean >= 3)
        #expect(conflicted >= 3)
    }

    @Test func conflictKindsMatchGit() throws {
        let fixture = try GitFixture(files: [
            "components/a/base/both.yaml": "one\ntwo\nthree\n",
            "components/b/production/gone.yaml": "keep me\nplease\n",
            "update/moved.txt": "alpha\nbeta\ngamma\ndelta\nepsilon\nzeta\n",
        ])
        let base = try fixture.revParse("main", in: fixture.origin)
        try fixture.createBranch("production", at: base, in: fixture.origin)
        let production = try fixture.commit([
            "components/a/base/both.yaml": "one\nTWO on production\nthree\n",
            "components/b/production/gone.yaml": .delete,
            "components/c/staging/new.yaml": "production says\n",
            "update/moved.txt": "alpha\nbeta\ngamma\ndelta\nepsilon\nzeta\nproduction line\n",
        ], on: "production", message: "production side", in: fixture.origin)
        try fixture.commit([
            "components/a/base/both.yaml": "one\nTWO on main\nthree\n",
            "components/b/production/gone.yaml": "keep me\nplease, edited\n",
            "components/c/staging/new.yaml": "main says\n",
        ], on: "main", message: "main side", in: fixture.origin)
        let main = try fixture.rename("update/moved.txt", to: "update/renamed.txt", on: "main", message: "rename", in: fixture.origin)

        let repository = try Repository.open(at: fixture.origin.path)
        let outcome = try repository.mergeCommits(ours: ObjectID(hex: production)!, theirs: ObjectID(hex: main)!)
        let oracle = try fixture.mergeTree(production, main, in: fixture.origin)
        #expect(outcome == .conflicts(oracle.conflictingPaths))
        #expect(oracle.conflictingPaths == ["components/a/base/both.yaml", "components/b/production/gone.yaml", "components/c/staging/new.yaml"])
    }

    @Test func aFileAddedToADirectoryTheOtherSideMovedConflictsAsInGit() throws {
        let fixture = try GitFixture(files: [
            "components/logging/controllers/base/release.yaml": "kind: HelmRelease\nname: loki\nversion: 1\n",
            "components/logging/controllers/base/repository.yaml": "kind: HelmRepository\nurl: https://charts\n",
            "README.md": "hello\n",
        ])
        let base = try fixture.revParse("main", in: fixture.origin)
        try fixture.createBranch("production", at: base, in: fixture.origin)
        let production = try fixture.commit(["components/logging/controllers/base/extra.yaml": "added on production\n"],
                                            on: "production", message: "add", in: fixture.origin)
        try fixture.rename("components/logging/controllers/base/release.yaml", to: "components/observability/logging/release.yaml",
                           on: "main", message: "move 1", in: fixture.origin)
        let main = try fixture.rename("components/logging/controllers/base/repository.yaml", to: "components/observability/logging/repository.yaml",
                                      on: "main", message: "move 2", in: fixture.origin)

        let repository = try Repository.open(at: fixture.origin.path)
        let outcome = try repository.mergeCommits(ours: ObjectID(hex: production)!, theirs: ObjectID(hex: main)!)
        let oracle = try fixture.mergeTree(production, main, in: fixture.origin)
        #expect(oracle.conflictingPaths == ["components/observability/logging/extra.yaml"])
        #expect(outcome == .conflicts(oracle.conflictingPaths))
    }

    @Test func directoryRenamesFollowGitsVoting() {
        let renames = DirectoryRenames.detect(fileRenames: [
            ("a/b/c/x.yaml", "a/q/c/x.yaml"),
            ("a/b/c/y.yaml", "a/q/c/y.yaml"),
            ("split/one.yaml", "left/one.yaml"),
            ("split/two.yaml", "right/two.yaml"),
            ("kept/z.yaml", "elsewhere/z.yaml"),
        ], isRemoved: { $0 != "kept" })
        #expect(renames == ["a/b/c": "a/q/c", "a/b": "a/q"])
        #expect(DirectoryRenames.relocation(of: "a/b/c/new.yaml", by: renames) == "a/q/c/new.yaml")
        #expect(DirectoryRenames.relocation(of: "a/b/other/new.yaml", by: renames) == "a/q/other/new.yaml")
        #expect(DirectoryRenames.relocation(of: "kept/new.yaml", by: renames) == nil)
    }

    /// Paths split on the byte `/` as Git splits them, even where a combining mark follows it.
    @Test func relocationSplitsPathsOnTheSlashByte() {
        #expect(DirectoryRenames.relocation(of: "dir/sub/file", by: ["dir": ""]) == "sub/file")
        #expect(DirectoryRenames.relocation(of: "é/x.yaml", by: ["é": "e2"]) == "e2/x.yaml")
        #expect(DirectoryRenames.relocation(of: "a/\u{301}x", by: ["a": "b"]) == "b/\u{301}x")
        #expect(DirectoryRenames.relocation(of: "a//x", by: ["a/": "c"]) == "c/x")
        #expect(DirectoryRenames.relocation(of: "file", by: ["": "root"]) == nil)
        #expect(DirectoryRenames.relocation(of: "/file", by: ["": "root"]) == "root/file")
    }
}
