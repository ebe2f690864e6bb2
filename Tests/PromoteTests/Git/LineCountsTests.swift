import CGit2
import Dispatch
import Foundation
import Testing
import TestSupport
@testable import Promote

/// Line counts made ahead, on another thread with a handle of its own, are the ones the diff would make itself:
/// the diff takes them and counts only what is left, the two threads may count at the same time, and a pair that
/// cannot be counted ahead is counted (or reported) by the diff.
@Suite struct LineCountsTests {
    /// A production/main history with modified, added, removed, renamed and binary files, and an attribute that
    /// makes one kind of file binary: its repository (kept while the fixture lives), a handle on it and the two
    /// trees.
    struct Scenario {
        let fixture: GitFixture
        let repository: Repository
        let old: ObjectID
        let new: ObjectID
        var origin: URL { fixture.origin }

        init(seed: UInt64) throws {
            let scenario = try DiffOracleTests.scenario(seed: seed)
            fixture = scenario.fixture
            try Data("*.md -diff\n".utf8).write(to: fixture.origin.appendingPathComponent("info/attributes"))
            repository = try Repository.open(at: fixture.origin.path)
            old = try repository.treeID(ofCommit: #require(ObjectID(hex: scenario.production)))
            new = try repository.treeID(ofCommit: #require(ObjectID(hex: scenario.main)))
        }
    }

    /// Runs `countAhead` for the files that differ from `old` to `new` on another thread, with a second handle.
    static func countAhead(_ counts: LineCounts, origin: URL, old: ObjectID, new: ObjectID) -> DispatchGroup {
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            guard let second = try? Repository.open(at: origin.path),
                  let files = try? second.differingFiles(old: old, new: new) else { return }
            counts.countAhead(files, in: second)
        }
        return group
    }

    /// How many pairs the diff made ahead has: the differing files diffed without rename detection.
    static func pairsWithoutRenames(_ repository: Repository, old: ObjectID, new: ObjectID) throws -> Int {
        let diff = try repository.diff(of: repository.differingFiles(old: old, new: new))
        return withExtendedLifetime(diff) { git_diff_num_deltas(diff.pointer) }
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func countsMadeAheadAreTheDiffsOwn(seed: UInt64) throws {
        let scenario = try Scenario(seed: seed)
        let (origin, repository, old, new) = (scenario.origin, scenario.repository, scenario.old, scenario.new)
        let expected = try repository.diffTrees(old: old, new: new)
        #expect(expected.contains { $0.additions + $0.deletions > 0 })

        let counts = LineCounts()
        Self.countAhead(counts, origin: origin, old: old, new: new).wait()
        let ahead = counts.counted.ahead
        #expect(ahead > 0)
        // Every pair of the diff made ahead (without rename detection) was counted there.
        #expect(ahead == (try Self.pairsWithoutRenames(repository, old: old, new: new)))
        #expect(try repository.diffTrees(old: old, new: new, lineCounts: counts) == expected)
        // The diff counted only its renames (which the diff ahead, without rename detection, has as a removal
        // and an addition), and nothing was counted twice.
        let renames = expected.filter { $0.status == .renamed }.count
        #expect(counts.counted.byOwner == renames)
        #expect(counts.counted.ahead == ahead)
    }

    /// The handle counting ahead reads the same attributes: files they make binary are binary in its counts.
    @Test func attributesDecideAheadAsInTheDiff() throws {
        let fixture = try GitFixture(files: ["a.txt": "one\n", "b.dat": "one\n", "dir/d.txt": "one\n"])
        let base = try fixture.revParse("main", in: fixture.origin)
        let changed = try fixture.commit(["a.txt": "one\ntwo\n", "b.dat": "one\ntwo\n", "dir/d.txt": "one\nthree\n"],
                                         on: "main", message: "edit", in: fixture.origin)
        try Data("*.dat -diff\ndir/d.txt binary\n".utf8).write(to: fixture.origin.appendingPathComponent("info/attributes"))
        let repository = try Repository.open(at: fixture.origin.path)
        let old = try repository.treeID(ofCommit: #require(ObjectID(hex: base)))
        let new = try repository.treeID(ofCommit: #require(ObjectID(hex: changed)))

        let counts = LineCounts()
        Self.countAhead(counts, origin: fixture.origin, old: old, new: new).wait()
        let changes = try repository.diffTrees(old: old, new: new, lineCounts: counts)
        #expect(counts.counted.ahead == 3 && counts.counted.byOwner == 0)
        #expect(changes.map { "\($0.path) \($0.isBinary) +\($0.additions)" } == ["a.txt false +1", "b.dat true +0", "dir/d.txt true +0"])
    }

    @Test func bothThreadsCountingAtOnceGiveTheSameChanges() throws {
        let scenario = try Scenario(seed: 6)
        let (origin, repository, old, new) = (scenario.origin, scenario.repository, scenario.old, scenario.new)
        let expected = try repository.diffTrees(old: old, new: new)
        let renames = expected.filter { $0.status == .renamed }.count
        let pairs = try Self.pairsWithoutRenames(repository, old: old, new: new) + renames
        for _ in 0..<20 {
            let counts = LineCounts()
            let group = Self.countAhead(counts, origin: origin, old: old, new: new)
            let changes = try repository.diffTrees(old: old, new: new, lineCounts: counts)
            group.wait()
            #expect(changes == expected)
            let counted = counts.counted
            #expect(counted.ahead + counted.byOwner >= expected.count)
            // Each pair of either diff was counted exactly once, by one thread or the other.
            #expect(counted.ahead + counted.byOwner == pairs)
        }
    }

    @Test func nothingIsCountedAheadAfterTheStop() throws {
        let scenario = try Scenario(seed: 2)
        let (origin, repository, old, new) = (scenario.origin, scenario.repository, scenario.old, scenario.new)
        let counts = LineCounts()
        counts.stop()
        Self.countAhead(counts, origin: origin, old: old, new: new).wait()
        #expect(counts.counted.ahead == 0)
        let changes = try repository.diffTrees(old: old, new: new, lineCounts: counts)
        #expect(changes == (try repository.diffTrees(old: old, new: new)))
        #expect(counts.counted.byOwner == changes.count)
    }

    /// A blob missing from the repository fails the count ahead; the diff then counts the pair itself and
    /// reports the error, as it does without counts made ahead.
    @Test func aPairThatFailsAheadIsReportedByTheDiff() throws {
        let fixture = try GitFixture(files: ["a.txt": "one\n", "b.txt": "one\n"])
        let base = try fixture.revParse("main", in: fixture.origin)
        let changed = try fixture.commit(["a.txt": "one\ntwo\n", "b.txt": "one\nthree\n"], on: "main", message: "edit",
                                         in: fixture.origin)
        let blob = try fixture.revParse("\(changed):a.txt", in: fixture.origin)
        try FileManager.default.removeItem(at: fixture.origin.appendingPathComponent("objects/\(blob.prefix(2))/\(blob.dropFirst(2))"))
        let repository = try Repository.open(at: fixture.origin.path)
        let old = try repository.treeID(ofCommit: #require(ObjectID(hex: base)))
        let new = try repository.treeID(ofCommit: #require(ObjectID(hex: changed)))

        let counts = LineCounts()
        Self.countAhead(counts, origin: fixture.origin, old: old, new: new).wait()
        #expect(counts.counted.ahead == 1)  // b.txt
        let error = try #require(throws: GitError.self) { try repository.diffTrees(old: old, new: new, lineCounts: counts) }
        #expect(error.description.contains(blob), "\(error)")
    }
}
