import CDiffDriverMemo
import Foundation
import Testing
import TestSupport
@testable import Promote

/// The tree-to-tree diff agrees with `git diff --name-status -M` and `git diff --numstat -M`.
@Suite struct DiffOracleTests {
    /// One generated repository: `production` with a hotfix of its own, `main` with random edits.
    struct Scenario {
        let fixture: GitFixture
        let production: String
        let main: String
    }

    static func scenario(seed: UInt64) throws -> Scenario {
        let fixture = try GitFixture(files: [:])
        var generator = HistoryGenerator(seed: seed)
        let base = try fixture.commit(generator.initialTree(), on: "main", message: "initial", in: fixture.origin)
        try fixture.createBranch("production", at: base, in: fixture.origin)
        let saved = generator
        var main = base
        for round in 0..<3 {
            main = try fixture.commit(generator.edits(count: 6, prefix: "m\(round)"), on: "main", message: "main \(round)", in: fixture.origin)
        }
        var productionGenerator = saved
        let hotfix = productionGenerator.edits(count: 2, prefix: "hotfix", allowRenames: false)
        let production = try fixture.commit(hotfix, on: "production", message: "hotfix", in: fixture.origin)
        return Scenario(fixture: fixture, production: production, main: main)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func rawDiffMatchesGit(seed: UInt64) throws {
        let scenario = try Self.scenario(seed: seed)
        let repository = try Repository.open(at: scenario.fixture.origin.path)
        let old = try repository.treeID(ofCommit: ObjectID(hex: scenario.production)!)
        let new = try repository.treeID(ofCommit: ObjectID(hex: scenario.main)!)

        let ours = try repository.diffTrees(old: old, new: new)
        let nameStatus = try scenario.fixture.diffNameStatus(from: scenario.production, to: scenario.main, in: scenario.fixture.origin)
        let numstat = try scenario.fixture.diffNumstat(from: scenario.production, to: scenario.main, in: scenario.fixture.origin)

        #expect(!ours.isEmpty)
        #expect(ours.map(Self.nameStatusLine).sorted() == nameStatus.map(Self.nameStatusLine).sorted())
        #expect(ours.map(Self.numstatLine).sorted() == numstat.map(Self.numstatLine).sorted())
        #expect(ours.contains { $0.status == .renamed } || !nameStatus.contains { $0.status == "R" })
    }

    /// Attribute rules decide what is binary as they do for git (`info/attributes` of a bare repository, rules
    /// for a folder's files included), and each changed file's diff driver is looked up once, not once a side.
    @Test func attributesDecideAsForGitWithOneDriverLookupPerFile() throws {
        let fixture = try GitFixture(files: ["a.txt": "one\n", "b.dat": "one\n", "dir/c.txt": "one\n", "dir/d.txt": "one\n"])
        let base = try fixture.revParse("main", in: fixture.origin)
        let changed = try fixture.commit(["a.txt": "one\ntwo\n", "b.dat": "one\ntwo\n", "dir/c.txt": "two\n",
                                          "dir/d.txt": "one\nthree\n"], on: "main", message: "edit", in: fixture.origin)
        try Data("*.dat -diff\ndir/d.txt binary\n".utf8).write(to: fixture.origin.appendingPathComponent("info/attributes"))

        let repository = try Repository.open(at: fixture.origin.path)
        let old = try repository.treeID(ofCommit: ObjectID(hex: base)!)
        let new = try repository.treeID(ofCommit: ObjectID(hex: changed)!)
        let before = keos_diff_driver_lookups_on_this_thread()
        let ours = try repository.diffTrees(old: old, new: new)
        let lookups = keos_diff_driver_lookups_on_this_thread() - before

        let numstat = try fixture.diffNumstat(from: base, to: changed, in: fixture.origin)
        #expect(ours.map(Self.numstatLine).sorted() == numstat.map(Self.numstatLine).sorted())
        #expect(ours.filter(\.isBinary).map(\.path).sorted() == ["b.dat", "dir/d.txt"])
        #expect(lookups == 4)
    }

    @Test func theGeneratedHistoriesCoverEveryKindOfChange() throws {
        var kinds = Set<Character>()
        var binary = false
        for seed in [1, 2, 3, 4] as [UInt64] {
            let scenario = try Self.scenario(seed: seed)
            let entries = try scenario.fixture.diffNameStatus(from: scenario.production, to: scenario.main, in: scenario.fixture.origin)
            kinds.formUnion(entries.map(\.status))
            binary = try binary || scenario.fixture.diffNumstat(from: scenario.production, to: scenario.main, in: scenario.fixture.origin).contains(where: \.binary)
        }
        #expect(kinds.isSuperset(of: ["A", "D", "M", "R"]))
        #expect(binary)
    }

    @Test(arguments: [11, 12, 13, 14] as [UInt64])
    func componentDiffListsExactlyGitsFiles(seed: UInt64) throws {
        let scenario = try Self.scenario(seed: seed)
        let repository = try Repository.open(at: scenario.fixture.origin.path)
        let oldTree = try repository.treeID(ofCommit: ObjectID(hex: scenario.production)!)
        let newTree = try repository.treeID(ofCommit: ObjectID(hex: scenario.main)!)
        let builder = ComponentDiffBuilder(componentsDir: "components", blobs: repository)
        let diff = builder.build(
            changes: try repository.diffTrees(old: oldTree, new: newTree),
            oldComponents: try repository.entryNames(inFolder: "components", ofTree: oldTree),
            newComponents: try repository.entryNames(inFolder: "components", ofTree: newTree))

        let numstat = try scenario.fixture.diffNumstat(from: scenario.production, to: scenario.main, in: scenario.fixture.origin)
        var listed: [String: Promote.FileChange] = [:]
        for file in diff.components.flatMap(\.files) + diff.outsideComponents { listed[file.path] = file }
        #expect(Set(listed.keys) == Set(numstat.map(\.path)))
        for entry in numstat {
            let file = try #require(listed[entry.path])
            #expect(file.binary == entry.binary, "\(entry.path)")
            if !entry.binary {
                #expect(file.additions == entry.additions && file.deletions == entry.deletions, "\(entry.path)")
            }
            #expect(file.oldPath == entry.oldPath, "\(entry.path)")
        }
        for component in diff.components {
            #expect(component.files.allSatisfy { $0.path.hasPrefix("components/\(component.name)/") || $0.oldPath?.hasPrefix("components/\(component.name)/") == true })
        }
        #expect(diff.outsideComponents.allSatisfy { !$0.path.hasPrefix("components/") || $0.path.split(separator: "/").count == 2 })
    }

    @Test func aHotfixOnlyOnProductionIsNotShownAsReverted() throws {
        let fixture = try GitFixture(files: ["components/a/base/release.yaml": "version: 1\n", "README.md": "hello\n"])
        let base = try fixture.revParse("main", in: fixture.origin)
        try fixture.createBranch("production", at: base, in: fixture.origin)
        try fixture.commit(["components/a/production/hotfix.yaml": "replicas: 3\n"], on: "production", message: "hotfix", in: fixture.origin)
        try fixture.commit(["components/a/base/release.yaml": "version: 2\n"], on: "main", message: "bump", in: fixture.origin)
        let clone = try fixture.cloneOrigin(named: "work")

        var options = PromoteOptions()
        options.repositoryPath = clone.path
        options.skipVerify = true
        options.dryRun = true
        let outcome = try PromotionService(options: options, context: ServiceContext(environment: [:])).diff()
        #expect(outcome.failure == nil)
        let files = outcome.report.components.flatMap(\.files).map(\.path)
        #expect(files == ["components/a/base/release.yaml"])
        #expect(outcome.report.action == .merge)
    }

    static func nameStatusLine(_ change: RawFileChange) -> String {
        let letter: String
        switch change.status {
        case .added: letter = "A"
        case .deleted: letter = "D"
        case .modified: letter = "M"
        case .renamed: letter = "R"
        case .copied: letter = "C"
        case .typeChanged: letter = "T"
        }
        return [letter, change.oldPath, change.path].compactMap { $0 }.joined(separator: " ")
    }

    static func nameStatusLine(_ entry: NameStatusEntry) -> String {
        [String(entry.status), entry.oldPath, entry.path].compactMap { $0 }.joined(separator: " ")
    }

    static func numstatLine(_ change: RawFileChange) -> String {
        let counts = change.isBinary ? "- -" : "\(change.additions) \(change.deletions)"
        return [counts, change.oldPath, change.path].compactMap { $0 }.joined(separator: " ")
    }

    static func numstatLine(_ entry: NumstatEntry) -> String {
        let counts = entry.binary ? "- -" : "\(entry.additions!) \(entry.deletions!)"
        return [counts, entry.oldPath, entry.path].compactMap { $0 }.joined(separator: " ")
    }
}
