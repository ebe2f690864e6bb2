import CGit2
import CPackInflate
import Foundation
import Testing
import TestSupport
@testable import Promote

/// Packed objects are inflated by libdeflate where libgit2 gives a whole object at once (`CPackInflate`), and by
/// libgit2's zlib path otherwise: the bytes read are git's either way, and a damaged object is an error.
@Suite("Packed objects inflated through libdeflate")
struct PackInflateTests {
    /// A release file of `lines` lines that differ enough to be compressed with dynamic Huffman codes, as real
    /// manifests are; versions differ in their first line only, so git stores one as a delta of the other.
    static func manifest(version: Int, lines: Int = 400) -> String {
        "version: \(version)\n" + (0..<lines).map { "  key-\($0): value-\($0 * 7919 % 1013)\n" }.joined()
    }

    /// A bare repository whose two versions of a large file, a tiny file and an empty one are packed, the second
    /// large version as a delta against the first.
    static func packedFixture() throws -> (fixture: GitFixture, files: [String: String]) {
        let fixture = try GitFixture(files: ["release.yaml": .text(manifest(version: 1)), "tiny.txt": "x\n", "empty": ""])
        try fixture.commit(["release.yaml": .text(manifest(version: 2))], on: "main", message: "bump", in: fixture.origin)
        try fixture.git("repack", "-a", "-d", "-f", "--quiet", in: fixture.origin)
        #expect(try fixture.git("count-objects", "-v", in: fixture.origin).contains("count: 0"))
        return (fixture, ["main:release.yaml": manifest(version: 2), "main~1:release.yaml": manifest(version: 1),
                          "main:tiny.txt": "x\n", "main:empty": ""])
    }

    @Test("whole, deltified, tiny and empty packed blobs read as git wrote them")
    func packedBlobsReadAsWritten() throws {
        let (fixture, files) = try Self.packedFixture()
        let repository = try Repository.open(at: fixture.origin.path)
        let before = keos_pack_objects_inflated_on_this_thread()
        try Self.expectReadAsWritten(files, in: fixture, through: repository)
        #if os(Linux)
        // The first large version at least (the second may be a delta too small to count); the tiny ones go to zlib.
        #expect(keos_pack_objects_inflated_on_this_thread() > before)
        #endif
    }

    /// A packed object stored whole is inflated by libdeflate alone: no zlib state is made for its stream. A delta's
    /// 32-byte size read, which goes to zlib, gets one and still reads right.
    @Test("a whole packed object makes no zlib state; a delta's size read makes one")
    func zlibStateOnlyWhenZlibInflates() throws {
        let (fixture, files) = try Self.packedFixture()
        let objects = try fixture.git("verify-pack", "-v", try Self.packIndex(of: fixture), in: fixture.origin)
        let entries = objects.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        // `sha1 type size size-in-pack offset`, with `depth base` after them for a delta.
        func stored(_ revision: String) throws -> (id: String, isDelta: Bool) {
            let id = try fixture.revParse(revision, in: fixture.origin)
            let line = try #require(entries.first { $0.first == Substring(id) })
            return (id, line.count > 5)
        }
        let versions = try ["main:release.yaml", "main~1:release.yaml"].map { ($0, try stored($0)) }
        let (wholeRevision, whole) = try #require(versions.first { !$0.1.isDelta })
        let (deltaRevision, delta) = try #require(versions.first { $0.1.isDelta })

        let repository = try Repository.open(at: fixture.origin.path)
        let states = keos_zlib_inflate_states_made_on_this_thread()
        let inflated = keos_pack_objects_inflated_on_this_thread()
        #expect(try repository.blobData(try #require(ObjectID(hex: whole.id))) == Data(files[wholeRevision]!.utf8))
        #if os(Linux)
        #expect(keos_pack_objects_inflated_on_this_thread() == inflated + 1)
        #expect(keos_zlib_inflate_states_made_on_this_thread() == states)
        #endif
        #expect(try repository.blobData(try #require(ObjectID(hex: delta.id))) == Data(files[deltaRevision]!.utf8))
        #if os(Linux)
        #expect(keos_zlib_inflate_states_made_on_this_thread() > states)
        #endif
    }

    /// libgit2 learns a delta's size from its first 32 bytes, inflated into a buffer that small: that partial
    /// read goes to zlib and must still give the size.
    @Test("a deltified blob's size is read from the start of its delta")
    func deltaHeaderGivesTheSize() throws {
        let (fixture, _) = try Self.packedFixture()
        let objects = try fixture.git("verify-pack", "-v", try Self.packIndex(of: fixture), in: fixture.origin)
        let newer = try fixture.revParse("main:release.yaml", in: fixture.origin)
        let older = try fixture.revParse("main~1:release.yaml", in: fixture.origin)
        // git stores one version whole and the other as a delta against it (`depth` and `base` follow).
        let entries = objects.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        let deltified = try #require(entries.first { line in
            (line.first == Substring(older) || line.first == Substring(newer)) && line.count > 5
        })
        let id = String(deltified[0])
        let repository = try Repository.open(at: fixture.origin.path)
        var odb: OpaquePointer?
        #expect(git_repository_odb(&odb, repository.pointer) == 0)
        defer { git_odb_free(odb) }
        var oid = try #require(ObjectID(hex: id)).oid
        var size = 0
        var type = GIT_OBJECT_INVALID
        #expect(git_odb_read_header(&size, &type, odb, &oid) == 0)
        #expect(size == Self.manifest(version: id == older ? 1 : 2).utf8.count)
        #expect(type == GIT_OBJECT_BLOB)
    }

    @Test("a damaged packed object is an error, not other bytes")
    func damagedObjectIsAnError() throws {
        let (fixture, _) = try Self.packedFixture()
        let index = try Self.packIndex(of: fixture)
        let newer = try fixture.revParse("main:release.yaml", in: fixture.origin)
        let line = try #require(try fixture.git("verify-pack", "-v", index, in: fixture.origin)
            .split(separator: "\n").first { $0.hasPrefix(newer) })
        // sha1 type size size-in-pack offset: flip one byte in the middle of the compressed data.
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        let inPack = try #require(Int(fields[3]))
        let offset = try #require(Int(fields[4]))
        let pack = URL(fileURLWithPath: String(index.dropLast(4)) + ".pack")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: pack.path)
        var bytes = try Data(contentsOf: pack)
        bytes[offset + inPack / 2] ^= 0x5a
        try bytes.write(to: pack)

        let id = try #require(ObjectID(hex: newer))
        let repository = try Repository.open(at: fixture.origin.path)
        let before = keos_pack_objects_inflated_on_this_thread()
        #expect(throws: GitError.self) { try repository.blobData(id) }
        #expect(keos_pack_objects_inflated_on_this_thread() == before)
    }

    /// Loose objects of every size the header-first path sees: one smaller than its 64-byte first read, ones that
    /// fit the thread's first buffer and outgrow it, and one above the 8 MiB it buffers (left to zlib).
    static func looseFixture() throws -> (fixture: GitFixture, files: [String: String]) {
        let files = ["tiny.txt": "x\n", "release.yaml": manifest(version: 1), "large.yaml": manifest(version: 2, lines: 4_000),
                     "huge.yaml": manifest(version: 3, lines: 380_000)]
        let fixture = try GitFixture(files: files.mapValues { .text($0) })
        #expect(!(try fixture.git("count-objects", "-v", in: fixture.origin).contains("count: 0\n")))
        return (fixture, Dictionary(uniqueKeysWithValues: files.map { ("main:\($0.key)", $0.value) }))
    }

    @Test("loose objects read header first, tiny to above the buffered limit, read as git wrote them")
    func looseObjectsReadAsWritten() throws {
        let (fixture, files) = try Self.looseFixture()
        let repository = try Repository.open(at: fixture.origin.path)
        let before = keos_pack_objects_inflated_on_this_thread()
        let states = keos_zlib_inflate_states_made_on_this_thread()
        try Self.expectReadAsWritten(files, in: fixture, through: repository)
        #if os(Linux)
        // release.yaml and large.yaml (the tiny blob fits its first read; the huge one is zlib's, with a state of its own).
        #expect(keos_pack_objects_inflated_on_this_thread() - before >= 2)
        #expect(keos_zlib_inflate_states_made_on_this_thread() - states >= 1)
        #endif
    }

    @Test("a loose object's header alone, then the object: sizes, types and bytes as git wrote them")
    func looseHeaderThenObject() throws {
        let (fixture, files) = try Self.looseFixture()
        let repository = try Repository.open(at: fixture.origin.path)
        var odb: OpaquePointer?
        #expect(git_repository_odb(&odb, repository.pointer) == 0)
        defer { git_odb_free(odb) }
        for (revision, contents) in files.sorted(by: { $0.key < $1.key }) {
            var oid = try #require(ObjectID(hex: try fixture.revParse(revision, in: fixture.origin))).oid
            var size = 0
            var type = GIT_OBJECT_INVALID
            #expect(git_odb_read_header(&size, &type, odb, &oid) == 0)
            #expect(size == contents.utf8.count && type == GIT_OBJECT_BLOB, "\(revision)")
            #expect(try repository.blobData(ObjectID(oid)) == Data(contents.utf8), "\(revision)")
        }
    }

    @Test("a damaged loose object is an error, not other bytes")
    func damagedLooseObjectIsAnError() throws {
        let (fixture, _) = try Self.looseFixture()
        let blob = try fixture.revParse("main:large.yaml", in: fixture.origin)
        let loose = fixture.origin.appendingPathComponent("objects/\(blob.prefix(2))/\(blob.dropFirst(2))")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: loose.path)
        var bytes = try Data(contentsOf: loose)
        bytes[bytes.count / 2] ^= 0x5a
        try bytes.write(to: loose)

        let repository = try Repository.open(at: fixture.origin.path)
        #expect(throws: GitError.self) { try repository.blobData(try #require(ObjectID(hex: blob))) }
    }

    /// Expects each revision's blob (`rev:path` → contents), read through `repository`, to hold what git wrote.
    static func expectReadAsWritten(_ files: [String: String], in fixture: GitFixture, through repository: Repository) throws {
        for (revision, contents) in files.sorted(by: { $0.key < $1.key }) {
            let id = try #require(ObjectID(hex: try fixture.revParse(revision, in: fixture.origin)))
            #expect(try repository.blobData(id) == Data(contents.utf8), "\(revision)")
        }
    }

    /// The path of the one pack's index in the fixture's origin.
    static func packIndex(of fixture: GitFixture) throws -> String {
        let folder = fixture.origin.appendingPathComponent("objects/pack")
        let index = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasSuffix(".idx") })
        return folder.appendingPathComponent(index).path
    }
}
