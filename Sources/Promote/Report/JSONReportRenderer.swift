import Foundation

/// The SPEC's schemaVersion 1 JSON document.
///
/// Deterministic byte for byte: pretty-printed with keys sorted (so the order never depends on the
/// encoder), slashes left unescaped, a trailing newline. `JSONEncoder` escapes control characters; bidi,
/// zero-width and other characters that `DisplayText` escapes are written as `\uXXXX` as well, so the
/// JSON is still valid, decodes to the same strings, and is harmless when printed on a terminal.
public struct JSONReportRenderer: ReportRenderer {
    public init() {}

    public func render(_ report: PromotionReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(report), as: UTF8.self)
        return Self.escapingInvisibles(json) + "\n"
    }

    /// `json` with every invisible or steering character outside ASCII (and DEL) as a `\uXXXX` escape.
    ///
    /// Safe because such characters can only occur inside JSON strings: the structure is ASCII, and the
    /// encoder already escaped the ASCII control characters.
    static func escapingInvisibles(_ json: String) -> String {
        let isASCII = json.utf8.withContiguousStorageIfAvailable { $0.allSatisfy { $0 < 0x7F } }
            ?? json.utf8.allSatisfy { $0 < 0x7F }
        if isASCII { return json }
        var result = ""
        result.unicodeScalars.reserveCapacity(json.unicodeScalars.count)
        for scalar in json.unicodeScalars {
            guard scalar.value >= 0x7F, DisplayText.needsEscape(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            for unit in String(scalar).utf16 {
                let hex = String(unit, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return result
    }
}
