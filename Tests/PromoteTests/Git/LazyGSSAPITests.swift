import CLazyGSSAPI
import Testing

/// libgit2's Negotiate authentication reaches MIT's GSSAPI through CLazyGSSAPI, which opens the library on the
/// first call instead of at every start.
@Suite struct LazyGSSAPITests {
    #if os(Linux)
    @Test func theLibraryOpensAndCallsReachIt() {
        #expect(keos_gssapi_available() == 1)
        #expect(keos_gssapi_mechanism_count() > 0)
        // The name type libgit2 passes is replaced by the library's own: the import completes.
        #expect(keos_gssapi_import_service("HTTP@git.example.com") == 0)
    }
    #endif
}
