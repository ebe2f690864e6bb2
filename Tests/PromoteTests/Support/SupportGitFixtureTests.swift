import Foundation
import Testing
import TestSupport

@Suite struct SupportGitFixtureTests {
    @Test func createsOriginAndClone() throws {
        let fixture = try GitFixture()
        #expect(try fixture.git("rev-parse", "--is-bare-repository", in: fixture.origin) == "true")
        #expect(try fixture.git("symbolic-ref", "HEAD") == "refs/heads/main")
        #expect(try fixture.git("config", "remote.origin.url") == fixture.origin.path)
        #expect(try fixture.revParse("main", in: fixture.origin) == fixture.revParse("HEAD"))
        #expect(fixture.read("README.md") == "# fixture\n")
        #expect(try fixture.git("status", "--porcelain").isEmpty)
    }

    @Test func commitsAreDeterministic() throws {
        func build() throws -> [String] {
            let fixture = try GitFixture()
            let a = try fixture.commit(["a.txt": "a\n"], on: "main", message: "a")
            let b = try fixture.commit(["b.txt": "b\n"], on: "side", message: "b", parents: ["main"])
            return [a, b]
        }
        let first = try build()
        #expect(first == (try build()))
        #expect(Set(first).count == 2)
    }

    @Test func commitsWithoutCheckoutLeaveOtherBranchesWorkingTreeAlone() throws {
        let fixture = try GitFixture()
        let before = try fixture.snapshot()
        let side = try fixture.commit(
            ["components/x/base/app.yaml": "replicas: 1\n", "bin/run": .executable("#!/bin/sh\n"), "link": .symlink("README.md")],
            on: "production", message: "side", parents: ["main"])
        #expect(try fixture.snapshot() == before)
        #expect(fixture.show("components/x/base/app.yaml", at: side) == "replicas: 1\n")
        #expect(try fixture.git("ls-tree", side, "bin/run").hasPrefix("100755"))
        #expect(try fixture.git("ls-tree", side, "link").hasPrefix("120000"))
        #expect(try fixture.parents(of: side) == [fixture.revParse("main")])

        // Deleting a folder removes every file below it.
        let pruned = try fixture.commit(["components/x": .delete], on: "production", message: "prune")
        #expect(fixture.show("components/x/base/app.yaml", at: pruned) == nil)
        #expect(fixture.show("bin/run", at: pruned) == "#!/bin/sh\n")
    }

    @Test func commitOnCheckedOutBranchKeepsCloneClean() throws {
        let fixture = try GitFixture()
        let before = try fixture.snapshot()
        try fixture.commit(["new.txt": "new\n"], on: "main", message: "new")
        let after = try fixture.snapshot()
        #expect(after != before)
        #expect(after.differences(from: before).contains("added new.txt"))
        #expect(try fixture.git("status", "--porcelain").isEmpty)
        #expect(fixture.read("new.txt") == "new\n")
    }

    @Test func workingTreeHelpersAndCommitAll() throws {
        let fixture = try GitFixture()
        try fixture.write("deep/folder/file.txt", "one\n")
        try fixture.move("README.md", to: "docs/README.md")
        let commit = try fixture.commitAll("move")
        #expect(try fixture.revParse("HEAD") == commit)
        #expect(fixture.show("docs/README.md", at: commit) == "# fixture\n")
        try fixture.remove("deep")
        #expect(fixture.read("deep/folder/file.txt") == nil)
        #expect(try fixture.log("-n", "2", format: "%s") == ["move", "Initial commit"])
    }

    @Test func nameStatusShowsRenameWithBothPaths() throws {
        let fixture = try GitFixture()
        let content = (1...30).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let base = try fixture.commit(["components/a/base/old.yaml": .text(content), "gone.txt": "x\n"], on: "main", message: "base")
        let renamed = try fixture.rename("components/a/base/old.yaml", to: "components/a/base/new.yaml", on: "main", message: "rename")
        let head = try fixture.commit(["gone.txt": .delete, "added.txt": "y\n"], on: "main", message: "more")
        let entries = try fixture.diffNameStatus(from: base, to: head)
        #expect(entries == [
            NameStatusEntry(status: "A", path: "added.txt"),
            NameStatusEntry(status: "R", score: 100, oldPath: "components/a/base/old.yaml", path: "components/a/base/new.yaml"),
            NameStatusEntry(status: "D", path: "gone.txt"),
        ])
        // Trees work as well as commits.
        #expect(try fixture.diffNameStatus(from: fixture.tree(of: base), to: fixture.tree(of: renamed)).count == 1)
    }

    @Test func numstatCountsLinesFlagsBinariesAndRenames() throws {
        let fixture = try GitFixture()
        let content = (1...30).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let base = try fixture.commit(
            ["logo.png": .binary(Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x01])), "a.yaml": .text(content), "b.txt": "1\n2\n"],
            on: "main", message: "base")
        let head = try fixture.commit(
            ["logo.png": .binary(Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x02])), "a.yaml": .delete,
             "moved/a.yaml": .text(content + "line 31\n"), "b.txt": "1\n3\n4\n"],
            on: "main", message: "head")
        let entries = try fixture.diffNumstat(from: base, to: head)
        #expect(entries == [
            NumstatEntry(additions: 2, deletions: 1, path: "b.txt"),
            NumstatEntry(additions: nil, deletions: nil, path: "logo.png"),
            NumstatEntry(additions: 1, deletions: 0, oldPath: "a.yaml", path: "moved/a.yaml"),
        ])
        #expect(entries[1].binary)
        #expect(!entries[0].binary)
    }

    @Test func mergeTreeReportsCleanTreeOrConflicts() throws {
        let fixture = try GitFixture(files: ["components/a/base/app.yaml": "version: 1\n", "other.txt": "o\n"])
        let main = try fixture.commit(["components/a/base/app.yaml": "version: 2\n"], on: "main", message: "main")
        let hotfix = try fixture.commit(["other.txt": "hotfix\n"], on: "production", message: "hotfix", parents: ["main~1"])
        let clean = try fixture.mergeTree(hotfix, main)
        guard case .clean(let tree) = clean else {
            Issue.record("expected a clean merge, got \(clean)")
            return
        }
        #expect(fixture.show("components/a/base/app.yaml", at: tree) == "version: 2\n")
        #expect(fixture.show("other.txt", at: tree) == "hotfix\n")

        let clash = try fixture.commit(["components/a/base/app.yaml": "version: 3\n"], on: "production", message: "clash")
        let conflicted = try fixture.mergeTree(clash, main)
        #expect(conflicted.conflictingPaths == ["components/a/base/app.yaml"])
        #expect(!conflicted.isClean)

        #expect(throws: TestSupportError.self, "merge() must refuse a conflicting merge") {
            try fixture.merge("main", into: "production", message: "Promote")
        }
        #expect(try fixture.revParse("production") == clash)
    }

    @Test func mergeRecordsTwoParents() throws {
        let fixture = try GitFixture()
        try fixture.createBranch("production", at: "main")
        let main = try fixture.commit(["a.txt": "a\n"], on: "main", message: "a")
        let hotfix = try fixture.commit(["b.txt": "b\n"], on: "production", message: "b")
        let merge = try fixture.merge("main", into: "production", message: "Promote main")
        #expect(try fixture.parents(of: merge) == [hotfix, main])
        #expect(try fixture.isAncestor(main, of: "production"))
        #expect(try !fixture.isAncestor("production", of: main))
        #expect(try fixture.mergeBase("main", "production") == main)
    }

    @Test func pushesAndShallowClones() throws {
        let fixture = try GitFixture()
        let tip = try fixture.commit(["a.txt": "a\n"], on: "main", message: "a")
        try fixture.push("main")
        #expect(try fixture.revParse("main", in: fixture.origin) == tip)
        let shallow = try fixture.shallowClone()
        #expect(try fixture.git("rev-parse", "--is-shallow-repository", in: shallow) == "true")
        #expect(try fixture.git("rev-list", "--count", "HEAD", in: shallow) == "1")
        let full = try fixture.cloneOrigin(named: "second")
        #expect(try fixture.git("rev-parse", "--is-shallow-repository", in: full) == "false")
    }

    @Test func originCanLookRemote() throws {
        let fixture = try GitFixture()
        let url = "https://git.example.com/platform/keos-system-services.git"
        try fixture.aliasOrigin(as: url)
        #expect(try fixture.git("config", "remote.origin.url") == url)
        let tip = try fixture.commit(["a.txt": "a\n"], on: "main", message: "a")
        try fixture.push("main")
        #expect(try fixture.revParse("main", in: fixture.origin) == tip)
    }

    @Test func pathsAreTakenLiterally() throws {
        let fixture = try GitFixture(files: ["a*.txt": "star\n", "ab.txt": "plain\n", "esc\u{1b}[31m.txt": "escape\n"])
        let commit = try fixture.commit(["a*.txt": .delete], on: "main", message: "delete the star only")
        #expect(fixture.show("a*.txt", at: commit) == nil)
        #expect(fixture.show("ab.txt", at: commit) == "plain\n")
        #expect(fixture.show("esc\u{1b}[31m.txt", at: commit) == "escape\n")
    }

    @Test func snapshotSeesIndexAndWorkingTreeChanges() throws {
        let fixture = try GitFixture(files: ["a.txt": "a\n", "tool.sh": .executable("#!/bin/sh\n")])
        let before = try fixture.snapshot()
        #expect(try fixture.snapshot() == before, "taking a snapshot must not change the repository")
        #expect(try fixture.snapshot().fingerprint == before.fingerprint)

        try fixture.write("a.txt", "changed\n")
        var after = try fixture.snapshot()
        #expect(after.differences(from: before).contains("modified a.txt"))
        // Same bytes again: equal, because taking a snapshot never refreshes the index.
        try fixture.write("a.txt", "a\n")
        #expect(try fixture.snapshot() == before)

        try fixture.git("update-index", "--chmod=-x", "tool.sh")
        after = try fixture.snapshot()
        #expect(after.index != before.index)
        #expect(after.differences(from: before).contains { $0.hasPrefix("index file changed") })
        #expect(after.fingerprint != before.fingerprint)

        try fixture.git("reset", "--quiet", "--hard")
        try fixture.git("checkout", "--quiet", "--detach")
        after = try fixture.snapshot()
        #expect(after.head != before.head)
        #expect(after.headCommit == before.headCommit)
    }
}

@Suite struct SupportGitOracleParserTests {
    @Test func parsesNameStatusRecords() throws {
        let data = Data("M\0a.txt\0R087\0old name\0new name\0A\0dir/b\0".utf8)
        #expect(try GitOracle.parseNameStatus(data) == [
            NameStatusEntry(status: "M", path: "a.txt"),
            NameStatusEntry(status: "R", score: 87, oldPath: "old name", path: "new name"),
            NameStatusEntry(status: "A", path: "dir/b"),
        ])
        #expect(throws: TestSupportError.self) { try GitOracle.parseNameStatus(Data("R100\0only-one\0".utf8)) }
    }

    @Test func parsesNumstatRecords() throws {
        let data = Data("-\t-\tbin\u{0}1\t1\tf\u{0}0\t0\t\u{0}g\u{0}h\u{0}".utf8)
        #expect(try GitOracle.parseNumstat(data) == [
            NumstatEntry(additions: nil, deletions: nil, path: "bin"),
            NumstatEntry(additions: 1, deletions: 1, path: "f"),
            NumstatEntry(additions: 0, deletions: 0, oldPath: "g", path: "h"),
        ])
    }

    @Test func parsesMergeTreeOutput() throws {
        let tree = String(repeating: "a", count: 40)
        #expect(try GitOracle.parseMergeTree(Data("\(tree)\0".utf8), status: 0) == .clean(tree: tree))
        #expect(try GitOracle.parseMergeTree(Data("\(tree)\0z\0f\0f\0\0message\0".utf8), status: 1)
            == .conflicted(tree: tree, paths: ["f", "z"]))
        #expect(throws: TestSupportError.self) { try GitOracle.parseMergeTree(Data("fatal\n".utf8), status: 128) }
    }
}
