/// Turns a `PromotionReport` into the bytes one output format prints.
public protocol ReportRenderer: Sendable {
    /// The whole output, ending with a newline.
    func render(_ report: PromotionReport) throws -> String
}

/// The `--output` formats.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, json, markdown

    /// The renderer for this format; `useColor` matters for `text` only (the CLI sets it for a terminal
    /// without `NO_COLOR`).
    public func renderer(useColor: Bool) -> any ReportRenderer {
        switch self {
        case .text: TextReportRenderer(useColor: useColor)
        case .json: JSONReportRenderer()
        case .markdown: MarkdownReportRenderer()
        }
    }
}
