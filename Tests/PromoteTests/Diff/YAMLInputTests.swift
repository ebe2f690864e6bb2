import CYAMLInput
import CYaml
import Foundation
import Testing

/// libyaml's input decoding with `CYAMLInput`'s ASCII shortcut gives the events, marks and errors it gives without
/// it: plain ASCII, characters of two to four bytes anywhere (also across the 16 KiB raw buffer's refills), a byte
/// order mark, control characters and invalid UTF-8.
@Suite("libyaml's input read with the ASCII shortcut")
struct YAMLInputTests {
    static let manifest = "apiVersion: helm.toolkit.fluxcd.io/v2\r\nkind: HelmRelease\nmetadata:\n  name: podinfo\n\tspec: {}\n"
    static let long = String(repeating: "key-0123456789: value-abcdefghijklmnopqrstuvwxyz\n", count: 1_000)

    static let inputs: [(name: String, bytes: [UInt8])] = [
        ("empty", []),
        ("ascii", Array(manifest.utf8)),
        ("no final newline", Array("a: b".utf8)),
        ("two bytes in the middle", Array("a: caf\u{e9}\nb: 1\n".utf8)),
        ("three and four bytes first", Array("\u{2603}: \u{1F680}\nb: 1\n".utf8)),
        ("non-ASCII last", Array("a: \u{e9}".utf8)),
        ("byte order mark", [0xEF, 0xBB, 0xBF] + Array("a: 1\n".utf8)),
        ("control character", Array("a: b\u{1}c\n".utf8)),
        ("delete character", Array("a: b\u{7f}\n".utf8)),
        ("invalid UTF-8", Array("a: ".utf8) + [0xFF] + Array(" b\n".utf8)),
        ("truncated character", Array("a: ".utf8) + [0xC3]),
        ("NEL and no-break space", Array("a: x\u{85}y\u{a0}z\n".utf8)),
        ("long ASCII, refilled", Array(long.utf8)),
        ("long, non-ASCII after the first refill", Array((long + "z: \u{e9}\n" + long).utf8)),
        ("exactly one raw buffer", Array(String(repeating: "a: bcdefghijklmn\n", count: 16_384 / 17).utf8) + Array(repeating: UInt8(ascii: "#"), count: 16_384 % 17)),
        ("invalid YAML", Array("a: [1, 2\n".utf8)),
        // Characters the 16 KiB raw buffer cuts in two, and a bad byte where it ends.
        ("two bytes cut by a refill", Array(("a: " + String(repeating: "b", count: 16_380) + "\u{e9}\n").utf8)),
        ("four bytes cut by a refill", Array(("a: " + String(repeating: "b", count: 16_379) + "\u{1F680}\n").utf8)),
        ("a control character last in the raw buffer", Array(("a: " + String(repeating: "b", count: 16_380) + "\u{1}\n").utf8)),
    ]

    /// Everything the parser reported for `bytes`: each event with its marks and text, then its error if any.
    static func parse(_ bytes: [UInt8], shortcut: Bool, explicitEncoding: Bool) -> [String] {
        keos_yaml_input_shortcut(shortcut ? 1 : 0)
        defer { keos_yaml_input_shortcut(1) }
        var parser = yaml_parser_t()
        var event = yaml_event_t()
        var report: [String] = []
        yaml_parser_initialize(&parser)
        defer { yaml_parser_delete(&parser) }
        if explicitEncoding { yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING) }
        bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let problem = parser.problem.map { String(cString: $0) } ?? "-"
                    report.append("error \(parser.error.rawValue) \(problem) at \(parser.problem_offset) value \(parser.problem_value) mark \(parser.problem_mark.index):\(parser.problem_mark.line):\(parser.problem_mark.column)")
                    break
                }
                defer { yaml_event_delete(&event) }
                var line = "event \(event.type.rawValue) \(event.start_mark.index):\(event.start_mark.line):\(event.start_mark.column)-\(event.end_mark.index)"
                if event.type == YAML_SCALAR_EVENT {
                    let scalar = event.data.scalar
                    line += " " + String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self).debugDescription
                }
                report.append(line)
                if event.type == YAML_STREAM_END_EVENT { break }
            }
        }
        return report
    }

    @Test("the same events, marks and errors with and without the shortcut")
    func sameAsLibyaml() {
        for input in Self.inputs {
            for explicit in [true, false] {
                let fast = Self.parse(input.bytes, shortcut: true, explicitEncoding: explicit)
                let own = Self.parse(input.bytes, shortcut: false, explicitEncoding: explicit)
                #expect(fast == own, "\(input.name), encoding \(explicit ? "set" : "detected")")
            }
        }
    }

    #if os(Linux)
    @Test("ASCII input is copied by the shortcut, and a control character is still libyaml's error")
    func shortcutTaken() {
        let before = keos_yaml_input_bytes_copied_on_this_thread()
        let events = Self.parse(Array(Self.long.utf8), shortcut: true, explicitEncoding: true)
        #expect(keos_yaml_input_bytes_copied_on_this_thread() - before == UInt(Self.long.utf8.count))
        #expect(events.last?.hasPrefix("event \(YAML_STREAM_END_EVENT.rawValue)") == true)
        let control = Self.parse(Array("a: b\u{1}c\n".utf8), shortcut: true, explicitEncoding: true)
        #expect(control.last?.hasPrefix("error \(YAML_READER_ERROR.rawValue) control characters are not allowed at 4 value 1") == true, "\(control)")
    }
    #endif
}
