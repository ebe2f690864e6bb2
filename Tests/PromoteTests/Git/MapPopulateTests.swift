import CMapPopulate
import Testing
@testable import Promote

/// libgit2's mappings of a small pack and its index are populated when they are made (`CMapPopulate`), and what
/// is read from them is what git wrote.
@Suite("Small packs populated when mapped")
struct MapPopulateTests {
    @Test("a small pack and its index are populated by the thread that maps them, and read as git wrote them")
    func smallPackPopulated() throws {
        let (fixture, files) = try PackInflateTests.packedFixture()
        let repository = try Repository.open(at: fixture.origin.path)
        let before = keos_mappings_populated_on_this_thread()
        try PackInflateTests.expectReadAsWritten(files, in: fixture, through: repository)
        #if os(Linux)
        // The index and the pack's window; packed-refs too where git wrote one.
        #expect(keos_mappings_populated_on_this_thread() - before >= 2)
        #endif
    }
}
