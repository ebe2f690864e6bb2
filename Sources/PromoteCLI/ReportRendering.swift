import Foundation
import Promote

/// Chooses the renderer for an output format. (Placeholder until the renderers land.)
enum ReportRendering {
    static func render(_ report: PromotionReport, format: OutputFormat, color: Bool) -> String {
        switch format {
        case .json, .markdown, .text:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: (try? encoder.encode(report)) ?? Data(), as: UTF8.self) + "\n"
        }
    }

    static func resultLine(_ report: PromotionReport) -> String {
        report.result.pushed ? "pushed \(report.target.branch) → \(report.result.commit?.hex ?? "")\n" : ""
    }

    static func errorDocument(code: Int, message: String) -> String {
        let object: [String: Any] = ["schemaVersion": 1, "error": ["code": code, "message": message]]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
