import Foundation
import Promote

/// Chooses the renderer for an output format.
enum ReportRendering {
    /// The whole report in `format`; colour only for text and only when `color` is true.
    static func render(_ report: PromotionReport, format: OutputFormat, color: Bool) -> String {
        let renderer = (ReportFormat(rawValue: format.rawValue) ?? .text).renderer(useColor: color)
        do {
            return try renderer.render(report)
        } catch {
            return errorDocument(code: 1, message: "cannot render the report: \(error)")
        }
    }

    /// One line saying what was written, for after the plan was already shown at the prompt.
    static func resultLine(_ report: PromotionReport) -> String {
        guard report.result.pushed, let commit = report.result.commit else { return "" }
        return "pushed \(DisplayText.escaped(report.target.branch)) → \(commit.prefix(12))\n"
    }

    /// The JSON document for a failure that happened before there was anything else to report.
    static func errorDocument(code: Int, message: String) -> String {
        let object: [String: Any] = ["schemaVersion": 1, "error": ["code": code, "message": message]]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
