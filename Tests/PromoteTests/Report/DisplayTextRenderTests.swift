import Testing
@testable import Promote

@Suite("Display text for rendering")
struct DisplayTextRenderTests {
    @Test("terminal controls are escaped: ESC, CSI, OSC, C1, DEL, NUL, line breaks, backslash")
    func terminalControls() {
        #expect(DisplayText.escaped("\u{1B}[31mred\u{1B}[0m") == "\\u{1B}[31mred\\u{1B}[0m")
        #expect(DisplayText.escaped("\u{1B}]8;;https://x\u{7}link\u{1B}]8;;\u{7}") == "\\u{1B}]8;;https://x\\u{7}link\\u{1B}]8;;\\u{7}")
        #expect(DisplayText.escaped("\u{9B}2J") == "\\u{9B}2J")
        #expect(DisplayText.escaped("a\u{7F}b\u{0}c") == "a\\u{7F}b\\u{0}c")
        #expect(DisplayText.escaped("line\nnext\r\ttab") == "line\\nnext\\r\\ttab")
        #expect(DisplayText.escaped("C:\\path") == "C:\\\\path")
    }

    @Test("bidi overrides and isolates, zero-width and other invisible characters are escaped",
          arguments: [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200B, 0x200D, 0x200E,
                      0x061C, 0xFEFF, 0x00AD, 0x00A0, 0x2028, 0x2029, 0x3164, 0x115F, 0xE000, 0x0378, 0xE0041])
    func invisibles(value: UInt32) {
        let scalar = Unicode.Scalar(value)!
        let hex = String(value, radix: 16, uppercase: true)
        #expect(DisplayText.escaped("a\(Character(scalar))b") == "a\\u{\(hex)}b")
    }

    @Test("printable text is left alone, in any script")
    func printable() {
        for text in ["metrics-server", "café", "cafe\u{301}", "日本語", "🚀 launch", "Ñandú", "a b", "ä|`x`*_"] {
            #expect(DisplayText.escaped(text) == text)
        }
    }

    @Test("display width counts wide characters twice and combining marks not at all")
    func width() {
        #expect(DisplayText.width(of: "abc") == 3)
        #expect(DisplayText.width(of: "日本") == 4)
        #expect(DisplayText.width(of: "cafe\u{301}") == 4)
        #expect(DisplayText.width(of: "🚀") == 2)
        #expect(DisplayText.width(of: DisplayText.escaped("\u{1B}")) == 6)
    }

    /// The ASCII shortcuts (no Unicode property lookups) decide as the properties do.
    @Test("ASCII is escaped and measured as its Unicode properties say, alone and within other text")
    func asciiShortcuts() {
        func reference(_ scalar: Unicode.Scalar) -> String {
            switch scalar {
            case "\\": return "\\\\"
            case "\t": return "\\t"
            case "\n": return "\\n"
            case "\r": return "\\r"
            default:
                let category = scalar.properties.generalCategory
                let hidden: [Unicode.GeneralCategory] = [.control, .format, .lineSeparator, .paragraphSeparator, .surrogate,
                                                         .privateUse, .unassigned]
                let escape = hidden.contains(category) || (category == .spaceSeparator && scalar != " ")
                return escape ? "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}" : String(scalar)
            }
        }
        let ascii = (0..<0x80).map { Unicode.Scalar(UInt8($0)) }
        for scalar in ascii {
            #expect(DisplayText.escaped(String(scalar)) == reference(scalar), "\(scalar.value)")
            #expect(DisplayText.width(of: scalar) == 1, "\(scalar.value)")
            for other in ["a", "\\", "\u{7F}", "é", "\u{202E}", "日"] {
                let text = "x" + String(scalar) + other
                #expect(DisplayText.escaped(text) == text.unicodeScalars.map(reference).joined(), "\(scalar.value) \(other)")
            }
        }
        #expect(DisplayText.width(of: "plain ascii") == 11)
        #expect(DisplayText.width(of: "ascii 日本") == 10)
    }

    @Test("Markdown code spans hold backticks and survive tables")
    func markdownCode() {
        #expect(MarkdownText.code("plain") == "`plain`")
        #expect(MarkdownText.code("a`b") == "``a`b``")
        #expect(MarkdownText.code("`edge`") == "`` `edge` ``")
        #expect(MarkdownText.code("x\u{1B}[0m") == "`x\\u{1B}[0m`")
        #expect(MarkdownText.code("") == "\"\"")
        #expect(MarkdownText.cell(MarkdownText.code("a|b")) == "`a\\|b`")
        #expect(MarkdownText.prose("*bold* [link](x) <b> `c` $x$ &amp;") == "\\*bold\\* \\[link\\](x) \\<b\\> \\`c\\` \\$x\\$ \\&amp;")
    }
}
