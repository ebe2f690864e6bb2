import CTreeModeParse
import Testing
@testable import Promote

/// libgit2 reads tree entries' modes through `git__strntol32`, which `CTreeModeParse` answers itself for short
/// octal and decimal numbers: for every input the wrapped function gives libgit2's own result, end and return code.
@Suite("Tree entry modes parsed without libgit2's general number parser")
struct TreeModeParseTests {
    /// What one call gave: its return code, and when it succeeded the number and how many bytes it read.
    struct Parsed: Equatable, CustomStringConvertible {
        let code: Int32
        let value: Int32?
        let consumed: Int?
        var description: String { "code \(code), value \(value.map(String.init) ?? "-"), read \(consumed.map(String.init) ?? "-")" }
    }

    static func parse(_ text: String, length: Int? = nil, base: Int32,
                      with function: (UnsafeMutablePointer<Int32>, UnsafePointer<CChar>, Int,
                                      UnsafeMutablePointer<UnsafePointer<CChar>?>, Int32) -> Int32) -> Parsed {
        text.withCString { start in
            var value: Int32 = -7
            var end: UnsafePointer<CChar>?
            let code = function(&value, start, length ?? text.utf8.count, &end, base)
            return code == 0 ? Parsed(code: code, value: value, consumed: end.map { $0 - start })
                             : Parsed(code: code, value: nil, consumed: nil)
        }
    }

    static let inputs: [(text: String, length: Int?, base: Int32)] = [
        // Modes as trees hold them, followed by the entry's name.
        ("100644 release.yaml", nil, 8), ("100755 run.sh", nil, 8), ("40000 base", nil, 8), ("120000 link", nil, 8),
        ("160000 module", nil, 8), ("040000 padded", nil, 8), ("0", nil, 8), ("644", 2, 8),
        // Where libgit2 decides: spaces, signs, no digit, digits out of the base, numbers too long to be sure of.
        ("", nil, 8), (" 644", nil, 8), ("+644", nil, 8), ("-644", nil, 8), ("8", nil, 8), ("9x", nil, 8),
        ("x644", nil, 8), ("7777777777", nil, 8), ("17777777777", nil, 8), ("20000000000", nil, 8),
        ("00000000000644", nil, 8), ("777777777777777777777777", nil, 8),
        // Decimal, as signatures' time zones and other callers use it, and a base the shortcut leaves alone.
        ("0200 tz", nil, 10), ("999999999", nil, 10), ("2147483647", nil, 10), ("2147483648", nil, 10),
        ("12a", nil, 10), ("ff", nil, 16), ("644", nil, 0),
    ]

    /// libgit2 keeps its error messages in state `git_libgit2_init` sets up.
    init() { _ = Libgit2.ready }

    @Test("every input gives libgit2's own result")
    func sameAsLibgit2() {
        for input in Self.inputs {
            let wrapped = Self.parse(input.text, length: input.length, base: input.base, with: keos_strntol32)
            let own = Self.parse(input.text, length: input.length, base: input.base, with: keos_strntol32_unwrapped)
            #expect(wrapped == own, "\(input.text.debugDescription) base \(input.base)")
        }
    }

    #if os(Linux)
    @Test("a tree's modes read as numbers")
    func modesRead() {
        #expect(Self.parse("100644 release.yaml", base: 8, with: keos_strntol32) == Parsed(code: 0, value: 0o100644, consumed: 6))
        #expect(Self.parse("40000 base", base: 8, with: keos_strntol32) == Parsed(code: 0, value: 0o40000, consumed: 5))
        #expect(Self.parse("20000000000", base: 8, with: keos_strntol32).code < 0)
    }
    #endif
}
