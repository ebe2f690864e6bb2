import Foundation
import Testing
import TestSupport
@testable import Promote

/// Folders one side left as they were in the base are taken whole from the other side without being read
/// (merge-ort's trivial directory resolution), and the merge starts over without that when a row given to
/// libgit2 could meet a rename into or out of such a folder. Either way the outcome is libgit2's whole-tree
/// merge, and, where libgit2 and git agree, `git merge-tree`'s.
@Suite struct FoldersTakenWholeTests {
    typealias Shape = ChangeSizedGitTests.Shape

    /// Long enough, with lines of its own, for rename detection to pair it after an edit.
    static let policy = (1...10).map { "rule \($0): allow the update window \($0)" }.joined(separator: "\n") + "\n"
    static let editedPolicy = policy.replacingOccurrences(of: "rule 2: allow", with: "rule 2: deny")

    static let base: [String: FixtureFile] = ChangeSizedGitTests.common.merging([
        "update/policy.yaml": .text(policy),
        "components/logging/controllers/base/release.yaml": "kind: HelmRelease\nname: loki\nversion: 1\n",
        "components/logging/controllers/base/repository.yaml": "kind: HelmRepository\nurl: https://charts\n",
        "components/observability/controllers/base/dashboards.yaml": "kind: ConfigMap\nname: dashboards\n",
    ]) { first, _ in first }

    /// Shapes whose outcome would change if the folders were taken whole: the merge must start over.
    static let startingOver: [Shape] = [
        // `components` is production's as in the base: main's folder is taken, but the file main moved into it
        // carries production's edit of `update/policy.yaml` (a modify/delete row without the rename).
        Shape(name: "a file moved into a folder taken whole, edited on the other side", base: base,
              production: ["update/policy.yaml": .text(editedPolicy)],
              main: ["update/policy.yaml": .delete, "components/a/controllers/base/policy.yaml": .text(policy)]),
        // Deleted on both sides in the merged region, but main moved it: a rename/delete conflict.
        Shape(name: "a file moved into a folder taken whole, deleted on the other side", base: base,
              production: ["update/policy.yaml": .delete],
              main: ["update/policy.yaml": .delete, "components/a/controllers/base/policy.yaml": .text(policy)]),
        // Both add the same file, but main's comes from `update/`, a folder taken whole: rename/add.
        Shape(name: "both add a file, one side by moving it out of a folder taken whole", base: base,
              production: ["components/shared/policy.yaml": .text(policy)],
              main: ["update/policy.yaml": .delete, "components/shared/policy.yaml": .text(policy)]),
        // Main moves a component's files into `observability` (untouched by production, taken whole);
        // production adds a file in the old folder, which git's directory-rename detection moves along.
        Shape(name: "a folder moved into one taken whole, the other side adds to the old one", base: base,
              production: ["components/logging/controllers/base/extra.yaml": "added on production\n"],
              main: ["components/logging/controllers/base/release.yaml": .delete,
                     "components/logging/controllers/base/repository.yaml": .delete,
                     "components/observability/logging/release.yaml": "kind: HelmRelease\nname: loki\nversion: 1\n",
                     "components/observability/logging/repository.yaml": "kind: HelmRepository\nurl: https://charts\n"]),
    ]

    /// The same moves without the other side's change at the other end: the folders are taken whole.
    static let takenWhole: [Shape] = [
        Shape(name: "a file moved into a folder taken whole", base: base,
              production: ["update/image.yaml": "tag: 2\n"],
              main: ["update/policy.yaml": .delete, "components/a/controllers/base/policy.yaml": .text(policy)]),
        Shape(name: "each side changes folders the other left alone", base: base,
              production: ["components/b/controllers/staging/values.yaml": "replicas: 2\n", "scripts/run.sh": "echo ran\n"],
              main: ["components/a/controllers/base/release.yaml": "kind: HelmRelease\nname: a\nversion: 2\n",
                     "components/c/configs/base/new.yaml": "key: new\n", "README.md": .delete,
                     "components/logging/controllers/base/release.yaml": .delete,
                     "components/observability/logging/release.yaml": "kind: HelmRelease\nname: loki\nversion: 1\n"]),
    ]

    static func merged(_ fixture: GitFixture, production: String, main: String,
                       takingFoldersWhole: Bool = true) throws -> PrunedMerge.Merged {
        let repository = try Repository.open(at: fixture.origin.path)
        let ours = ObjectID(hex: production)!, theirs = ObjectID(hex: main)!
        let base = try #require(try repository.mergeBase(ours, theirs))
        return try PrunedMerge(repository: repository, takingFoldersWhole: takingFoldersWhole).merge(
            base: repository.treeID(ofCommit: base), ours: repository.treeID(ofCommit: ours),
            theirs: repository.treeID(ofCommit: theirs), options: Repository.mergeOptions())
    }

    /// The merge that takes folders whole gives what the one that prunes every folder gives — outcome, each
    /// side's changes (which `ChangeSizedGitTests` compares with walks of the whole trees) and where the result
    /// differs from ours — and, unless `libgit2` is false, what libgit2's whole-tree merge gives.
    @discardableResult
    static func expectExact(_ fixture: GitFixture, production: String, main: String, libgit2: Bool = true,
                            sourceLocation: SourceLocation = #_sourceLocation) throws -> PrunedMerge.Merged {
        if libgit2 {
            try ChangeSizedGitTests.expectPrunedMergeEqualsLibgit2s(fixture, production: production, main: main,
                                                                     sourceLocation: sourceLocation)
        }
        let merged = try Self.merged(fixture, production: production, main: main)
        let pruned = try Self.merged(fixture, production: production, main: main, takingFoldersWhole: false)
        #expect(ChangeSizedGitTests.sorted(merged.outcome) == ChangeSizedGitTests.sorted(pruned.outcome),
                sourceLocation: sourceLocation)
        for (listed, expected) in [(merged.ourChanges, pruned.ourChanges), (merged.theirChanges, pruned.theirChanges),
                                   (merged.resultChanges ?? ([], []), pruned.resultChanges ?? ([], []))] {
            #expect(Self.described(listed.old) == Self.described(expected.old), sourceLocation: sourceLocation)
            #expect(Self.described(listed.new) == Self.described(expected.new), sourceLocation: sourceLocation)
        }
        #expect((merged.resultChanges == nil) == (pruned.resultChanges == nil), sourceLocation: sourceLocation)
        #expect(pruned.foldersTakenWhole == 0, sourceLocation: sourceLocation)
        return merged
    }

    /// Path, mode and object of each file, in the list's order.
    static func described(_ files: [PathEntry]) -> [String] {
        files.map { "\(String(decoding: $0.path, as: UTF8.self)) \(String($0.mode, radix: 8)) \(ObjectID($0.id))" }
    }

    @Test(arguments: startingOver)
    func theMergeStartsOverWhenARenameCouldReachIntoAFolderTakenWhole(shape: Shape) throws {
        let (fixture, production, main) = try ChangeSizedGitTests.make(shape)
        let merged = try Self.expectExact(fixture, production: production, main: main)
        #expect(merged.foldersTakenWhole == 0)
    }

    /// A name that is a file on one side and a folder on the other, with a folder between the two in path
    /// order (`x`, `x.d/`, `x/`): libgit2 looks for directory/file conflicts between neighbours only, so
    /// taking `x.d` whole could change what it finds. The merge starts over instead, and reports the
    /// conflict git reports (libgit2 alone misses it when `x.d` differs, and drops the file `x`).
    @Test func aFileAndAFolderOfOneNameStartOver() throws {
        let (fixture, production, main) = try ChangeSizedGitTests.make(Self.fileAndFolder[0])
        let merged = try Self.expectExact(fixture, production: production, main: main)
        #expect(merged.foldersTakenWhole == 0)
        #expect(merged.outcome == .conflicts(["update/x"]))
    }

    static var fileAndFolderBase: [String: FixtureFile] {
        base.merging(["update/x.d/f.yaml": "x.d\n", "components/a/controllers/x.d/f.yaml": "x.d\n",
                      "update/was-file": "a file\n", "update/was-file.d/f.yaml": "x.d\n",
                      "update/was-folder/a.yaml": "in a folder\n", "update/was-folder.d/f.yaml": "x.d\n"]) { first, _ in first }
    }

    /// A name that is a file (or link) on one side and a folder on the other. Git moves the file aside to
    /// `x~<side>` and lists that path; keos-promote lists `x`. The first ones have a changed folder `x.d/`
    /// between `x` and `x/` in path order, which hides the conflict from libgit2.
    static let fileAndFolder: [Shape] = [
        Shape(name: "a file added on one side, a folder of that name on the other", base: fileAndFolderBase,
              production: ["update/x": "production file\n"],
              main: ["update/x/y.yaml": "main folder\n", "update/x.d/f.yaml": "main changes x.d\n"]),
        Shape(name: "a folder added on one side, a file of that name on the other", base: fileAndFolderBase,
              production: ["update/x/y.yaml": "production folder\n"],
              main: ["update/x": "main file\n", "update/x.d/f.yaml": "main changes x.d\n"]),
        Shape(name: "a link added on one side, a folder of that name on the other", base: fileAndFolderBase,
              production: ["update/x": .symlink("image.yaml")],
              main: ["update/x/y.yaml": "main folder\n", "update/x.d/f.yaml": "main changes x.d\n"]),
        Shape(name: "a file edited on one side, made a folder on the other", base: fileAndFolderBase,
              production: ["update/was-file": "edited on production\n"],
              main: ["update/was-file": .delete, "update/was-file/y.yaml": "main folder\n",
                     "update/was-file.d/f.yaml": "main changes x.d\n"]),
        Shape(name: "a file added to a folder the other side made a file", base: fileAndFolderBase,
              production: ["update/was-folder/b.yaml": "added on production\n"],
              main: ["update/was-folder/a.yaml": .delete, "update/was-folder": "main file\n",
                     "update/was-folder.d/f.yaml": "main changes x.d\n"]),
        Shape(name: "a file and a folder of one name in a nested folder", base: fileAndFolderBase,
              production: ["components/a/controllers/x": "production file\n"],
              main: ["components/a/controllers/x/y/z.yaml": "main folder\n",
                     "components/a/controllers/x.d/f.yaml": "main changes x.d\n"]),
        Shape(name: "a file moved to a name the other side made a folder", base: fileAndFolderBase,
              production: ["update/x/y.yaml": "production folder\n"],
              main: ["update/policy.yaml": .delete, "update/x": .text(policy), "update/x.d/f.yaml": "main changes x.d\n"]),
        // Neighbours in path order: libgit2 finds these itself.
        Shape(name: "a file added on one side, a folder of that name on the other, as neighbours", base: fileAndFolderBase,
              production: ["update/x": "production file\n"], main: ["update/x/y.yaml": "main folder\n"]),
        Shape(name: "a file edited on one side, made a folder on the other, as neighbours", base: fileAndFolderBase,
              production: ["update/was-file": "edited on production\n"],
              main: ["update/was-file": .delete, "update/was-file/y.yaml": "main folder\n"]),
    ]

    /// Files made folders and back without the other side touching the name: clean, as in git.
    static let fileOrFolder: [Shape] = [
        Shape(name: "a file made a folder, the other side changes a neighbour", base: fileAndFolderBase,
              production: ["update/was-file.d/g.yaml": "added on production\n"],
              main: ["update/was-file": .delete, "update/was-file/y.yaml": "main folder\n",
                     "update/was-file.d/f.yaml": "main changes x.d\n"]),
        Shape(name: "a file deleted on one side, made a folder on the other", base: fileAndFolderBase,
              production: ["update/was-file": .delete],
              main: ["update/was-file": .delete, "update/was-file/y.yaml": "main folder\n",
                     "update/was-file.d/f.yaml": "main changes x.d\n"]),
        Shape(name: "a folder made a file, the other side changes a neighbour", base: fileAndFolderBase,
              production: ["update/was-folder.d/g.yaml": "added on production\n"],
              main: ["update/was-folder/a.yaml": .delete, "update/was-folder": "main file\n",
                     "update/was-folder.d/f.yaml": "main changes x.d\n"]),
    ]

    /// Every merge — folders taken whole, every folder pruned, libgit2's whole-tree merge, `mergeCommits` —
    /// conflicts where git does, never writing a tree with a file and a folder of one name.
    @Test(arguments: fileAndFolder)
    func aFileAndAFolderOfOneNameConflictAsInGit(shape: Shape) throws {
        let (fixture, production, main) = try ChangeSizedGitTests.make(shape)
        let expected = try Self.gitOutcome(fixture, production: production, main: main)
        guard case .conflicts(let paths) = expected else { Issue.record("git merges cleanly: \(expected)"); return }
        #expect(paths.count == 1)
        let repository = try Repository.open(at: fixture.origin.path)
        let ours = ObjectID(hex: production)!, theirs = ObjectID(hex: main)!
        #expect(ChangeSizedGitTests.sorted(try Self.merged(fixture, production: production, main: main).outcome) == expected)
        #expect(ChangeSizedGitTests.sorted(
            try Self.merged(fixture, production: production, main: main, takingFoldersWhole: false).outcome) == expected)
        #expect(ChangeSizedGitTests.sorted(try repository.libgit2Merge(ours: ours, theirs: theirs,
                                                                       options: Repository.mergeOptions())) == expected)
        #expect(try repository.mergeCommits(ours: ours, theirs: theirs) == expected)
    }

    @Test(arguments: fileOrFolder)
    func aFileMadeAFolderAloneMergesAsInGit(shape: Shape) throws {
        let (fixture, production, main) = try ChangeSizedGitTests.make(shape)
        let expected = try Self.gitOutcome(fixture, production: production, main: main)
        guard case .clean = expected else { Issue.record("git conflicts: \(expected)"); return }
        try Self.expectExact(fixture, production: production, main: main)
        let repository = try Repository.open(at: fixture.origin.path)
        #expect(try repository.mergeCommits(ours: ObjectID(hex: production)!, theirs: ObjectID(hex: main)!) == expected)
    }

    /// `git merge-tree`'s outcome, a file moved aside to `x~<side>` listed at `x` (`<side>` is the commit
    /// named on its command line).
    static func gitOutcome(_ fixture: GitFixture, production: String, main: String) throws -> MergeOutcome {
        switch try fixture.mergeTree(production, main, in: fixture.origin) {
        case .clean(let tree):
            return .clean(tree: ObjectID(hex: tree)!)
        case .conflicted(_, let paths):
            let named = paths.map { path in
                [production, main].lazy.compactMap { side in
                    path.hasSuffix("~" + side) ? String(path.dropLast(side.count + 1)) : nil
                }.first ?? path
            }
            return ChangeSizedGitTests.sorted(.conflicts(named))
        }
    }

    @Test(arguments: takenWhole)
    func foldersOneSideLeftAloneAreTakenWhole(shape: Shape) throws {
        let (fixture, production, main) = try ChangeSizedGitTests.make(shape)
        let merged = try Self.expectExact(fixture, production: production, main: main)
        #expect(merged.foldersTakenWhole > 0)
        let repository = try Repository.open(at: fixture.origin.path)
        let outcome = try repository.mergeCommits(ours: ObjectID(hex: production)!, theirs: ObjectID(hex: main)!)
        #expect(outcome == .clean(tree: ObjectID(hex: try fixture.mergeTree(production, main, in: fixture.origin).tree)!))
    }

    @Test func aMoveIntoAFolderTakenWholeCarriesTheOtherSidesEditAsGitDoes() throws {
        let (fixture, production, main) = try ChangeSizedGitTests.make(Self.startingOver[0])
        let repository = try Repository.open(at: fixture.origin.path)
        let outcome = try repository.mergeCommits(ours: ObjectID(hex: production)!, theirs: ObjectID(hex: main)!)
        let oracle = try fixture.mergeTree(production, main, in: fixture.origin)
        #expect(oracle.isClean)
        #expect(outcome == .clean(tree: ObjectID(hex: oracle.tree)!))
        #expect(try fixture.git("show", "\(oracle.tree):components/a/controllers/base/policy.yaml", in: fixture.origin) + "\n"
            == Self.editedPolicy)
    }

    @Test(arguments: [1, 3])
    func conflictsMatchGit(shape index: Int) throws {
        let (fixture, production, main) = try ChangeSizedGitTests.make(Self.startingOver[index])
        let repository = try Repository.open(at: fixture.origin.path)
        let outcome = try repository.mergeCommits(ours: ObjectID(hex: production)!, theirs: ObjectID(hex: main)!)
        let oracle = try fixture.mergeTree(production, main, in: fixture.origin)
        #expect(!oracle.isClean)
        #expect(outcome == .conflicts(oracle.conflictingPaths))
    }

    /// Production changes little, main much, as in a promotion: most changed folders are taken whole.
    @Test(arguments: Array(1...24) as [UInt64])
    func generatedHistoriesMergeAsLibgit2Does(seed: UInt64) throws {
        let (fixture, production, main) = try MergeOracleTests.divergent(seed: seed, mainEdits: 12, productionEdits: 3)
        try Self.expectExact(fixture, production: production, main: main)
    }

    @Test func generatedHistoriesTakeFoldersWhole() throws {
        var takenWhole = 0
        for seed in Array(1...24) as [UInt64] {
            let (fixture, production, main) = try MergeOracleTests.divergent(seed: seed, mainEdits: 12, productionEdits: 3)
            if try Self.merged(fixture, production: production, main: main).foldersTakenWhole > 0 { takenWhole += 1 }
        }
        #expect(takenWhole >= 12)
    }
}
