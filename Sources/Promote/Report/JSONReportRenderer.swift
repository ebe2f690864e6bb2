/// The SPEC's schemaVersion 1 JSON document.
///
/// Deterministic byte for byte: pretty-printed with keys sorted, slashes left unescaped, a trailing newline.
/// Control characters are escaped as JSON requires; bidi, zero-width and other characters that `DisplayText`
/// escapes are written as `\uXXXX` as well, so the JSON is still valid, decodes to the same strings, and is
/// harmless when printed on a terminal (`ReportJSONWriter`).
public struct JSONReportRenderer: ReportRenderer {
    public init() {}

    public func render(_ report: PromotionReport) throws -> String {
        ReportJSONWriter.document(report)
    }
}
