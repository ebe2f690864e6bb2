import Foundation
import Testing
import TestSupport
@testable import Promote

/// The merge and diff that read only what changed give exactly what libgit2 gives when it reads whole trees,
/// including for the shapes that pruning has to get right: files that become folders, type and mode
/// changes, folders that empty out, and content merged in memory.
@Suite struct ChangeSizedGitTests {
    /// One merge scenario: a base, then `production` and `main` each change it.
    struct Shape: CustomTestStringConvertible, Sendable {
        let name: String
        let base: [String: FixtureFile]
        let production: [String: FixtureFile]
        let main: [String: FixtureFile]
        var testDescription: String { name }
    }

    static let common: [String: FixtureFile] = [
        "README.md": "hello\n",
        "components/a/controllers/base/release.yaml": "kind: HelmRelease\nname: a\nversion: 1\nreplicas: 1\nlog: info\n",
        "components/a/controllers/production/values.yaml": "replicas: 3\n",
        "components/b/controllers/base/release.yaml": "kind: HelmRelease\nname: b\nversion: 1\n",
        "components/b/controllers/staging/values.yaml": "replicas: 1\n",
        "components/c/configs/base/config.yaml": "key: value\n",
        "update/image.yaml": "tag: 1\n",
        "scripts/run.sh": "echo run\n",
    ]

    static let shapes: [Shape] = [
        Shape(name: "a file becomes a folder", base: common,
              production: ["components/a/controllers/production/values.yaml": "replicas: 4\n"],
              main: ["update/image.yaml": .delete, "update/image.yaml/tag.yaml": "tag: 2\n"]),
        Shape(name: "a file becomes a link", base: common,
              production: ["components/b/controllers/staging/values.yaml": "replicas: 2\n"],
              main: ["components/c/configs/base/config.yaml": .symlink("../../a/controllers/base/release.yaml")]),
        Shape(name: "mode and content change on either side", base: common,
              production: ["scripts/run.sh": "echo run\necho again\n"],
              main: ["scripts/run.sh": .executable("echo run\n")]),
        Shape(name: "both sides add the same folder", base: common,
              production: ["components/d/controllers/base/release.yaml": "kind: HelmRelease\nname: d\n"],
              main: ["components/d/controllers/base/release.yaml": "kind: HelmRelease\nname: d\n",
                     "components/e/controllers/base/release.yaml": "kind: HelmRelease\nname: e\n"]),
        Shape(name: "both sides add different files at one path", base: common,
              production: ["components/d/controllers/base/release.yaml": "kind: HelmRelease\nname: d\nproduction: yes\n"],
              main: ["components/d/controllers/base/release.yaml": "kind: HelmRelease\nname: d\nmain: yes\n"]),
        Shape(name: "one side removes a component the other adds to", base: common,
              production: ["components/b/controllers/production/values.yaml": "replicas: 5\n"],
              main: ["components/b/controllers/base/release.yaml": .delete, "components/b/controllers/staging/values.yaml": .delete]),
        Shape(name: "a folder empties out", base: common,
              production: ["components/c/configs/base/config.yaml": .delete],
              main: ["components/a/controllers/base/release.yaml": "kind: HelmRelease\nname: a\nversion: 2\nreplicas: 1\nlog: info\n"]),
        Shape(name: "both sides edit one file cleanly", base: common,
              production: ["components/a/controllers/base/release.yaml": "kind: HelmRelease\nname: a\nversion: 1\nreplicas: 1\nlog: debug\n"],
              main: ["components/a/controllers/base/release.yaml": "kind: HelmRelease\nname: b\nversion: 1\nreplicas: 1\nlog: info\n"]),
        Shape(name: "rename on one side, edit on the other", base: common,
              production: ["components/a/controllers/base/release.yaml": "kind: HelmRelease\nname: a\nversion: 1\nreplicas: 1\nlog: debug\n"],
              main: ["components/a/controllers/base/release.yaml": .delete,
                     "components/a/controllers/base/helmrelease.yaml": "kind: HelmRelease\nname: a\nversion: 1\nreplicas: 1\nlog: info\n"]),
        Shape(name: "both sides edit one line", base: common,
              production: ["update/image.yaml": "tag: 2\n"],
              main: ["update/image.yaml": "tag: 3\n"]),
    ]

    static func make(_ shape: Shape) throws -> (GitFixture, production: String, main: String) {
        let fixture = try GitFixture(files: shape.base)
        let base = try fixture.revParse("main", in: fixture.origin)
        try fixture.createBranch("production", at: base, in: fixture.origin)
        let production = try fixture.commit(shape.production, on: "production", message: "production", in: fixture.origin)
        let main = try fixture.commit(shape.main, on: "main", message: "main", in: fixture.origin)
        return (fixture, production, main)
    }

    static func sorted(_ outcome: MergeOutcome) -> MergeOutcome {
        guard case .conflicts(let paths) = outcome else { return outcome }
        return .conflicts(Set(paths).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    static func prunedMerge(_ repository: Repository, production: String, main: String) throws -> MergeOutcome {
        let ours = ObjectID(hex: production)!, theirs = ObjectID(hex: main)!
        let base = try #require(try repository.mergeBase(ours, theirs))
        return try PrunedMerge(repository: repository).merge(
            base: repository.treeID(ofCommit: base), ours: repository.treeID(ofCommit: ours),
            theirs: repository.treeID(ofCommit: theirs), options: Repository.mergeOptions()).outcome
    }

    /// The pruned merge of `main` into `production` is libgit2's whole-tree merge.
    static func expectPrunedMergeEqualsLibgit2s(_ fixture: GitFixture, production: String, main: String,
                                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let repository = try Repository.open(at: fixture.origin.path)
        let pruned = try prunedMerge(repository, production: production, main: main)
        let whole = try repository.libgit2Merge(ours: ObjectID(hex: production)!, theirs: ObjectID(hex: main)!,
                                                options: Repository.mergeOptions())
        #expect(sorted(pruned) == sorted(whole), sourceLocation: sourceLocation)
    }

    @Test(arguments: shapes)
    func prunedMergeEqualsLibgit2sWholeTreeMerge(shape: Shape) throws {
        let (fixture, production, main) = try Self.make(shape)
        try Self.expectPrunedMergeEqualsLibgit2s(fixture, production: production, main: main)
    }

    @Test(arguments: Array(1...16) as [UInt64])
    func prunedMergeEqualsLibgit2sOnGeneratedHistories(seed: UInt64) throws {
        let (fixture, production, main) = try MergeOracleTests.divergent(seed: seed, mainEdits: 8, productionEdits: 5)
        try Self.expectPrunedMergeEqualsLibgit2s(fixture, production: production, main: main)
    }

    @Test(arguments: Array(1...16) as [UInt64])
    func sidesFromPrunedTreesAreTheSidesOfWholeTrees(seed: UInt64) throws {
        let (fixture, production, main) = try MergeOracleTests.divergent(seed: seed, mainEdits: 8, productionEdits: 5)
        let repository = try Repository.open(at: fixture.origin.path)
        let ours = ObjectID(hex: production)!, theirs = ObjectID(hex: main)!
        let base = try #require(try repository.mergeBase(ours, theirs))
        let (baseTree, ourTree, theirTree) = try (repository.treeID(ofCommit: base), repository.treeID(ofCommit: ours),
                                                  repository.treeID(ofCommit: theirs))
        let merged = try PrunedMerge(repository: repository).merge(base: baseTree, ours: ourTree, theirs: theirTree,
                                                                   options: Repository.mergeOptions())
        for (pruned, tip) in [(merged.ourChanges, ourTree), (merged.theirChanges, theirTree)] {
            let whole = try repository.differingFiles(old: baseTree, new: tip)
            #expect(pruned.old.map(\.path) == whole.old.map(\.path))
            #expect(pruned.new.map(\.path) == whole.new.map(\.path))
            #expect(try repository.changedFiles(old: baseTree, new: tip, files: pruned)
                == repository.changedFiles(old: baseTree, new: tip, files: whole))
        }
    }

    /// The merge hands the diff the files where ours and its result differ: the same the diff's own walk finds.
    @Test(arguments: shapes.map(\.name) + (1...16).map { "seed \($0)" })
    func theMergeKnowsWhereItsResultDiffersFromOurs(scenario: String) throws {
        let (fixture, production, main) = try scenario.hasPrefix("seed ")
            ? MergeOracleTests.divergent(seed: UInt64(scenario.dropFirst(5))!, mainEdits: 8, productionEdits: 5)
            : Self.make(try #require(Self.shapes.first { $0.name == scenario }))
        let repository = try Repository.open(at: fixture.origin.path)
        let ours = ObjectID(hex: production)!, theirs = ObjectID(hex: main)!
        let base = try #require(try repository.mergeBase(ours, theirs))
        let ourTree = try repository.treeID(ofCommit: ours)
        let merged = try PrunedMerge(repository: repository).merge(
            base: repository.treeID(ofCommit: base), ours: ourTree, theirs: repository.treeID(ofCommit: theirs),
            options: Repository.mergeOptions())
        guard case .clean(let tree) = merged.outcome else {
            #expect(merged.resultChanges == nil)
            return
        }
        let known = try #require(merged.resultChanges)
        // A second handle knows nothing of the merge: it walks both trees (stored for it to read).
        try repository.savePendingObjects()
        let walked = try Repository.open(at: fixture.origin.path).differingFiles(old: ourTree, new: tree)
        func listed(_ files: [PathEntry]) -> [String] {
            files.map { "\(String(decoding: $0.path, as: UTF8.self)) \(String($0.mode, radix: 8)) \(ObjectID($0.id))" }.sorted()
        }
        #expect(listed(known.old) == listed(walked.old))
        #expect(listed(known.new) == listed(walked.new))
        #expect(!(known.old + known.new).isEmpty || ourTree == tree)
    }

    @Test func componentLookupsAgreeWithListingTheFolder() throws {
        let (fixture, _, main) = try Self.make(Self.shapes[3])
        let repository = try Repository.open(at: fixture.origin.path)
        let tree = try repository.treeID(ofCommit: ObjectID(hex: main)!)
        let candidates: Set<String> = ["a", "d", "e", "missing", "a\\xFF", "\u{FFFD}"]
        for folder in ["components", "nowhere", "README.md"] {
            #expect(try repository.entryNames(inFolder: folder, ofTree: tree, among: candidates)
                == repository.entryNames(inFolder: folder, ofTree: tree).intersection(candidates))
            #expect(try repository.entryNames(inFolder: folder, ofTree: tree, among: ["a", "b", "zz"])
                == repository.entryNames(inFolder: folder, ofTree: tree).intersection(["a", "b", "zz"]))
        }
    }

    @Test func crissCrossHistoriesStillMergeAsGitDoes() throws {
        let fixture = try GitFixture(files: Self.common)
        let origin = fixture.origin
        try fixture.createBranch("production", at: try fixture.revParse("main", in: origin), in: origin)
        let mainSide = try fixture.commit(["update/image.yaml": "tag: 2\n"], on: "main", message: "main", in: origin)
        let productionSide = try fixture.commit(["components/a/controllers/production/values.yaml": "replicas: 4\n"],
                                                on: "production", message: "hotfix", in: origin)
        try fixture.merge(productionSide, into: "main", message: "back-merge", in: origin)
        try fixture.merge(mainSide, into: "production", message: "promote", in: origin)
        let main = try fixture.commit(["components/b/controllers/staging/values.yaml": "replicas: 2\n"], on: "main",
                                      message: "more", in: origin)
        let production = try fixture.commit(["README.md": "hello again\n"], on: "production", message: "readme", in: origin)

        let repository = try Repository.open(at: origin.path)
        #expect(try repository.mergeBases(ObjectID(hex: production)!, ObjectID(hex: main)!).count == 2)
        let outcome = try repository.mergeCommits(ours: ObjectID(hex: production)!, theirs: ObjectID(hex: main)!)
        #expect(outcome == .clean(tree: ObjectID(hex: try fixture.mergeTree(production, main, in: origin).tree)!))
    }

    @Test func aMergeWritesNothingButItsResult() throws {
        let shape = Self.shapes.first { $0.name == "both sides edit one file cleanly" }!
        let (fixture, production, main) = try Self.make(shape)
        let before = Set(try fixture.git("cat-file", "--batch-all-objects", "--batch-check=%(objectname)", in: fixture.origin)
            .split(separator: "\n"))
        let repository = try Repository.open(at: fixture.origin.path)
        guard case .clean(let tree) = try repository.mergeCommits(ours: ObjectID(hex: production)!, theirs: ObjectID(hex: main)!) else {
            Issue.record("expected a clean merge")
            return
        }
        #expect(try fixture.mergeTree(production, main, in: fixture.origin) == .clean(tree: tree.hex))
        let after = Set(try fixture.git("cat-file", "--batch-all-objects", "--batch-check=%(objectname)", in: fixture.origin)
            .split(separator: "\n"))
        let reachable = Set(try fixture.git("ls-tree", "-r", "-t", "--object-only", tree.hex, in: fixture.origin)
            .split(separator: "\n")).union([Substring(tree.hex)])
        #expect(!after.subtracting(before).isEmpty)
        #expect(after.subtracting(before).isSubset(of: reachable))
        // Every object of the result is in the repository: the merged blob was copied out of memory.
        #expect(try fixture.git("archive", "--format=tar", tree.hex, in: fixture.origin).count > 0)
    }

    @Test(arguments: shapes)
    func diffEqualsLibgit2sWholeTreeDiff(shape: Shape) throws {
        let (fixture, production, main) = try Self.make(shape)
        let repository = try Repository.open(at: fixture.origin.path)
        for (old, new) in [(production, main), (main, production)] {
            let oldTree = try repository.treeID(ofCommit: ObjectID(hex: old)!)
            let newTree = try repository.treeID(ofCommit: ObjectID(hex: new)!)
            let fast = try repository.diffTrees(old: oldTree, new: newTree)
            #expect(fast == (try repository.diffTrees(old: oldTree, new: newTree, readingWholeTrees: true)))
            #expect(try repository.diffTrees(old: nil, new: newTree) == repository.diffTrees(old: nil, new: newTree, readingWholeTrees: true))
        }
    }

    /// A folder whose tree is larger than libgit2 caches is freed as soon as nothing holds it: its files must
    /// still be listed from a live tree (this once read freed memory and failed with a garbage object id).
    @Test func aFolderLargerThanTheObjectCacheIsListedWhole() throws {
        // Each entry takes mode, name, NUL and a 20-byte id in the tree object.
        let stem = String(repeating: "a-file-name-long-enough-to-grow-the-tree-", count: 5)
        let count = Libgit2.cachedTreeLimit / (stem.count + 40) + 100
        var added: [String: FixtureFile] = [:]
        for index in 0..<count {
            added["components/large/controllers/base/\(stem)\(index).txt"] = .init(stringLiteral: "index: \(index)\n")
        }
        let (fixture, production, main) = try Self.make(Shape(name: "a large new folder", base: Self.common,
                                                               production: ["README.md": "hello again\n"], main: added))
        let repository = try Repository.open(at: fixture.origin.path)
        let oldTree = try repository.treeID(ofCommit: ObjectID(hex: production)!)
        let newTree = try repository.treeID(ofCommit: ObjectID(hex: main)!)
        let changes = try repository.diffTrees(old: oldTree, new: newTree)
        #expect(changes.filter { $0.path.hasPrefix("components/large/") }.count == count)
        #expect(changes == (try repository.diffTrees(old: oldTree, new: newTree, readingWholeTrees: true)))
    }
}
