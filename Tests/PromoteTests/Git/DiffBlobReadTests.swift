import CDiffBlobRead
import Foundation
import Testing
import TestSupport
@testable import Promote

/// libgit2's diff asks for a blob's size before it reads the blob; `CDiffBlobRead` reads the blob whole at once
/// instead. Patches, line counts and renames stay git's, for packed and deltified blobs too, and a missing blob
/// is still an error.
@Suite("The diff reads each blob once")
struct DiffBlobReadTests {
    @Test("packed, deltified blobs: the same names, statuses and line counts as git", arguments: [3, 6] as [UInt64])
    func packedDiffMatchesGit(seed: UInt64) throws {
        let scenario = try DiffOracleTests.scenario(seed: seed)
        let origin = scenario.fixture.origin
        try scenario.fixture.git("repack", "-a", "-d", "-f", "--quiet", in: origin)
        #expect(try scenario.fixture.git("count-objects", "-v", in: origin).contains("count: 0"))
        let repository = try Repository.open(at: origin.path)
        let old = try repository.treeID(ofCommit: ObjectID(hex: scenario.production)!)
        let new = try repository.treeID(ofCommit: ObjectID(hex: scenario.main)!)

        let before = keos_diff_blob_reads_on_this_thread()
        let ours = try repository.diffTrees(old: old, new: new)
        let reads = keos_diff_blob_reads_on_this_thread() - before

        let nameStatus = try scenario.fixture.diffNameStatus(from: scenario.production, to: scenario.main, in: origin)
        let numstat = try scenario.fixture.diffNumstat(from: scenario.production, to: scenario.main, in: origin)
        #expect(ours.map(DiffOracleTests.nameStatusLine).sorted() == nameStatus.map(DiffOracleTests.nameStatusLine).sorted())
        #expect(ours.map(DiffOracleTests.numstatLine).sorted() == numstat.map(DiffOracleTests.numstatLine).sorted())
        #if os(Linux)
        // Every changed file has at least one side whose blob the diff reads.
        #expect(reads >= ours.count)
        #endif
    }

    @Test("a blob missing from the repository is an error naming it")
    func missingBlobIsAnError() throws {
        let fixture = try GitFixture(files: ["a.txt": "one\n"])
        let base = try fixture.revParse("main", in: fixture.origin)
        let changed = try fixture.commit(["a.txt": "one\ntwo\n"], on: "main", message: "edit", in: fixture.origin)
        let blob = try fixture.revParse("\(changed):a.txt", in: fixture.origin)
        let loose = fixture.origin.appendingPathComponent("objects/\(blob.prefix(2))/\(blob.dropFirst(2))")
        try FileManager.default.removeItem(at: loose)

        let repository = try Repository.open(at: fixture.origin.path)
        let old = try repository.treeID(ofCommit: ObjectID(hex: base)!)
        let new = try repository.treeID(ofCommit: ObjectID(hex: changed)!)
        let error = try #require(throws: GitError.self) { try repository.diffTrees(old: old, new: new) }
        #expect(error.description.contains(blob), "\(error)")
    }
}
