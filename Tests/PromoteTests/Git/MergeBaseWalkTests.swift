import Foundation
import Testing
import TestSupport
@testable import Promote

/// `MergeBaseWalk` (the history walk on a second handle and thread) and the trees read ahead meanwhile.
@Suite("Merge bases on a second thread")
struct MergeBaseWalkTests {
    /// Promotions, hotfixes, a back-merge (criss-cross) and an unrelated root: every pair's bases as git lists them.
    @Test("bases are git's for every pair of a promotion history, criss-cross and unrelated ones included")
    func basesAreGits() throws {
        let fixture = try GitFixture(files: ["README.md": "hello\n", "components/a/controllers/base/release.yaml": "v: 1\n"])
        let origin = fixture.origin
        try fixture.createBranch("production", at: try fixture.revParse("main", in: origin), in: origin)
        var commits: [String] = [try fixture.revParse("main", in: origin)]
        for round in 0..<3 {
            commits.append(try fixture.commit(["components/a/controllers/base/release.yaml": .text("v: \(round + 2)\n")],
                                              on: "main", message: "bump \(round)", in: origin))
            commits.append(try fixture.commit(["components/a/controllers/production/values.yaml": .text("r: \(round)\n")],
                                              on: "production", message: "hotfix \(round)", in: origin))
            commits.append(try fixture.merge("main", into: "production", message: "promote \(round)", in: origin))
        }
        commits.append(try fixture.merge("production", into: "main", message: "back-merge", in: origin))
        commits.append(try fixture.commit(["README.md": "hello again\n"], on: "production", message: "readme", in: origin))
        // A real criss-cross: two branches that each merged the other's earlier tip have two merge bases.
        let fork = try fixture.revParse("main", in: origin)
        try fixture.createBranch("left", at: fork, in: origin)
        try fixture.createBranch("right", at: fork, in: origin)
        let left = try fixture.commit(["components/a/controllers/base/left.yaml": "l: 1\n"], on: "left", message: "left", in: origin)
        let right = try fixture.commit(["components/a/controllers/base/right.yaml": "r: 1\n"], on: "right", message: "right", in: origin)
        commits += [left, right]
        commits.append(try fixture.merge(right, into: "left", message: "left takes right", in: origin))
        commits.append(try fixture.merge(left, into: "right", message: "right takes left", in: origin))
        // An unrelated root commit: no merge base with anything above.
        let emptyTree = try fixture.git("hash-object", "-t", "tree", "-w", "--stdin", in: origin, stdin: Data())
            .trimmingCharacters(in: .whitespacesAndNewlines)
        commits.append(try fixture.git("commit-tree", emptyTree, "-m", "unrelated root", in: origin)
            .trimmingCharacters(in: .whitespacesAndNewlines))

        let repository = try Repository.open(at: origin.path)
        var withoutBase = 0, withTwoBases = 0
        for (index, first) in commits.enumerated() {
            for second in commits[index...] {
                // `git merge-base` exits 1 with no output where there is no base; any other failure is the oracle's.
                let listed = try fixture.gitResult(["merge-base", "--all", first, second], in: origin)
                try #require(listed.status == 0 || (listed.status == 1 && listed.stdout.isEmpty && listed.stderr.isEmpty), "\(listed)")
                let expected = Set(listed.stdout.split(separator: "\n").map(String.init))
                if expected.isEmpty { withoutBase += 1 }
                if expected.count > 1 { withTwoBases += 1 }
                let walk = MergeBaseWalk(path: origin.path, ObjectID(hex: first)!, ObjectID(hex: second)!).start()
                #expect(Set(try walk.bases().map(\.hex)) == expected, "\(first) \(second)")
                #expect(Set(try repository.mergeBases(ObjectID(hex: first)!, ObjectID(hex: second)!).map(\.hex)) == expected)
            }
        }
        #expect(withoutBase > 0 && withTwoBases > 0, "the unrelated root and the criss-cross are among the pairs")
    }

    @Test("a commit that is not there is an error from the walk, as from libgit2 on the calling thread")
    func missingCommit() throws {
        let fixture = try GitFixture(files: ["README.md": "hello\n"])
        let tip = ObjectID(hex: try fixture.revParse("main", in: fixture.origin))!
        let missing = ObjectID(hex: String(repeating: "ab", count: 20))!
        #expect(throws: GitError.self) { try MergeBaseWalk(path: fixture.origin.path, tip, missing).start().bases() }
        #expect(throws: (any Error).self) { try Repository.open(at: fixture.origin.path).isAncestor(missing, of: tip) }
    }

    @Test("reading ahead stops when told and reads every differing folder otherwise")
    func readAhead() throws {
        let fixture = try GitFixture(files: ["a/b/c.yaml": "1\n", "a/d.yaml": "1\n", "e.yaml": "1\n"])
        let origin = fixture.origin
        let first = ObjectID(hex: try fixture.revParse("main", in: origin))!
        let second = ObjectID(hex: try fixture.commit(["a/b/c.yaml": "2\n", "e.yaml": "2\n"], on: "main", message: "edit",
                                                       in: origin))!
        let repository = try Repository.open(at: origin.path)
        var asked = 0
        repository.readTrees(where: first, differFrom: second, until: { asked += 1; return true })
        #expect(asked == 1)
        asked = 0
        // Root, then `a`, then `a/b` differ: three pairs of folders, each preceded by a question.
        repository.readTrees(where: first, differFrom: second, until: { asked += 1; return false })
        #expect(asked == 3)
    }

    /// What `startMergeBases` hands the work that follows the walk: the files that differ from the first commit's
    /// tree to the second's, listed by the thread that asks for the bases, whatever the order it asks in.
    @Test("work after the walk gets the differing files the calling thread listed, on a handle of its own")
    func differencesAreHandedOver() throws {
        let fixture = try GitFixture(files: ["a/b/c.yaml": "1\n", "a/d.yaml": "1\n", "e.yaml": "1\n", "f/g.yaml": "1\n"])
        let origin = fixture.origin
        let first = try fixture.revParse("main", in: origin)
        let second = try fixture.commit(["a/b/c.yaml": "2\n", "e.yaml": .delete, "h/i.yaml": "1\n"], on: "main",
                                        message: "edit", in: origin)
        let repository = try Repository.open(at: origin.path)
        let handedOver = HandOver()
        repository.startMergeBases(ObjectID(hex: first)!, ObjectID(hex: second)!) { handle, files in
            handedOver.record(files, sameHandle: handle === repository)
        }
        // Asked the other way round, as `isAncestor` may: the listing still goes from the first commit to the second.
        #expect(try repository.mergeBases(ObjectID(hex: second)!, ObjectID(hex: first)!).map(\.hex) == [first])
        let (files, sameHandle) = try #require(handedOver.wait())
        #expect(!sameHandle)
        // The oracle: git's own list of what differs, with each side's blob.
        var old: [String] = [], new: [String] = []
        for line in try fixture.git("diff", "--raw", "--no-renames", "--abbrev=40", first, second, in: origin).split(separator: "\n") {
            let fields = line.split(separator: "\t")[0].split(separator: " ")
            let path = String(line.split(separator: "\t")[1])
            if fields[2] != String(repeating: "0", count: 40) { old.append("\(path) \(fields[2])") }
            if fields[3] != String(repeating: "0", count: 40) { new.append("\(path) \(fields[3])") }
        }
        func listed(_ entries: [PathEntry]) -> [String] { entries.map { "\(GitPath.decode($0.path)) \(ObjectID($0.id).hex)" } }
        #expect(listed(files.old) == old)
        #expect(listed(files.new) == new)
        #expect(old.count == 2 && new.count == 2, "c.yaml changed, e.yaml removed, h/i.yaml added")
    }

    @Test("a listing that fails leaves the bases to be found and nothing runs after the walk")
    func failedListing() throws {
        let fixture = try GitFixture(files: ["a/b.yaml": "1\n"])
        let origin = fixture.origin
        let first = try fixture.revParse("main", in: origin)
        let second = try fixture.commit(["a/b.yaml": "2\n"], on: "main", message: "edit", in: origin)
        // The second commit's root tree is gone: the history walk reads commits only, the listing needs the tree.
        let tree = try fixture.revParse("\(second)^{tree}", in: origin)
        try FileManager.default.removeItem(at: origin.appendingPathComponent("objects/\(tree.prefix(2))/\(tree.dropFirst(2))"))
        let repository = try Repository.open(at: origin.path)
        let handedOver = HandOver()
        repository.startMergeBases(ObjectID(hex: first)!, ObjectID(hex: second)!) { handle, files in
            handedOver.record(files, sameHandle: handle === repository)
        }
        #expect(try repository.mergeBases(ObjectID(hex: first)!, ObjectID(hex: second)!).map(\.hex) == [first])
        #expect(handedOver.wait(seconds: 0.5) == nil)
    }

    @Test("differing files are listed once per pair of trees and kept for the diff that follows")
    func differingFilesAreKept() throws {
        let fixture = try GitFixture(files: ["a/b.yaml": "1\n"])
        let origin = fixture.origin
        let repository = try Repository.open(at: origin.path)
        let old = try repository.treeID(ofCommit: ObjectID(hex: try fixture.revParse("main", in: origin))!)
        let new = try repository.treeID(ofCommit: ObjectID(hex: try fixture.commit(["a/b.yaml": "2\n"], on: "main",
                                                                                   message: "edit", in: origin))!)
        #expect(repository.knownDifferences.files(old: old, new: new) == nil)
        let files = try repository.differingFiles(old: old, new: new)
        let kept = try #require(repository.knownDifferences.files(old: old, new: new))
        func ids(_ entries: [PathEntry]) -> [String] { entries.map { ObjectID($0.id).hex } }
        #expect(ids(kept.old) == ids(files.old) && ids(kept.new) == ids(files.new))
        #expect(files.old.count == 1 && files.new.count == 1)
    }
}

/// What the work after a walk received, recorded on the walking thread.
private final class HandOver: @unchecked Sendable {
    private let condition = NSCondition()
    private var received: (FileChanges, Bool)?

    func record(_ files: FileChanges, sameHandle: Bool) {
        condition.withLock {
            received = (files, sameHandle)
            condition.broadcast()
        }
    }

    /// What was received within `seconds`, or nil.
    func wait(seconds: TimeInterval = 30) -> (FileChanges, Bool)? {
        condition.withLock {
            let deadline = Date().addingTimeInterval(seconds)
            while received == nil, condition.wait(until: deadline) {}
            return received
        }
    }
}
