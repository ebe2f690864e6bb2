import Foundation
import Testing
import TestSupport
@testable import Promote

/// `GitPath`: decoding repository bytes and recognising what a decoding may stand for.
@Suite("Git paths")
struct GitPathTests {
    @Test("names that may stand for invalid bytes are recognised as Foundation's substring search does")
    func mayStandForInvalidBytes() {
        let samples = ["app", "", "a\\xFF", "\\x", "\\", "x\\", "\\X1", "\u{FFFD}", "a\u{FFFD}b", "é", "\u{FFFC}",
                       "\u{FEFF}", "日本", GitPath.decode([0x61, 0xFF, 0x62]), GitPath.decode([0xC3])]
        var generator = SeededGenerator(seed: 7)
        let alphabet: [Character] = ["a", "\\", "x", "X", "\u{FFFD}", "\u{FFFC}", "é", "日", "\u{EFBF}"]
        let generated = (0..<2_000).map { _ in
            String((0..<Int.random(in: 0...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        for name in samples + generated {
            #expect(GitPath.mayStandForInvalidBytes(name) == (name.contains("\\x") || name.contains("\u{FFFD}")), "\(name)")
        }
        #expect(GitPath.mayStandForInvalidBytes(GitPath.decode([0x61, 0xFF])))
    }
}
