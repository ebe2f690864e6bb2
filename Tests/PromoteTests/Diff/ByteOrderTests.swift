import Testing
@testable import Promote

/// `ByteOrder` sorts and compares by UTF-8 bytes, as Git does, whatever the strings hold.
@Suite struct ByteOrderTests {
    /// Empty, prefixes, bytes above 0x7F, NFC against NFD, a NUL, and a name from a non-Latin script.
    static let strings = ["", "a", "ab", "abc", "b", "B", "a/b", "a-b", "a.b", "é", "e\u{301}", "z", "~", "\u{7F}",
                          "\u{80}", "日本", "日", "a\u{0}b", "a\u{0}", "production", "prod", "ü", "u\u{308}"]

    @Test func precedesIsTheOrderOfTheBytes() {
        for left in Self.strings {
            for right in Self.strings {
                let expected = Array(left.utf8).lexicographicallyPrecedes(Array(right.utf8))
                #expect(ByteOrder.precedes(left, right) == expected, "\(left.debugDescription) < \(right.debugDescription)")
            }
        }
    }

    @Test func sameIsEqualBytesNotCanonicalEquivalence() {
        #expect(ByteOrder.same("é", "é"))
        #expect(!ByteOrder.same("é", "e\u{301}"))
        #expect(ByteOrder.same(nil, nil))
        #expect(!ByteOrder.same("a", nil))
    }
}
