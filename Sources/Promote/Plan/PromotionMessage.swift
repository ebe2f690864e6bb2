/// The merge commit message the SPEC prescribes: subject, changed components, trailers.
public enum PromotionMessage {
    /// `Promote main@<short> to production`, a body listing the changed components and files outside them,
    /// and the trailers `Promoted-Revision` and `Verified-On` (or `Verification: skipped`).
    public static func make(sourceBranch: String, targetBranch: String, revision: ObjectID, shortRevision: String,
                            diff: ComponentDiff, verifiedOn clusters: [String]?) -> String {
        var lines = [subject(sourceBranch: sourceBranch, targetBranch: targetBranch, shortRevision: shortRevision), ""]
        if diff.components.isEmpty {
            lines.append("No component changes.")
        } else {
            lines.append("Components:")
            for component in diff.components {
                let environments = Set(component.files.map(\.environment))
                let scope = Environment.allCases.filter(environments.contains).map(\.rawValue).joined(separator: ", ")
                let production = component.affectsProduction ? "" : " (staging only)"
                lines.append("- \(DisplayText.escaped(component.name)): \(component.change.rawValue) in \(scope)\(production)")
            }
        }
        if !diff.outsideComponents.isEmpty {
            lines.append("")
            lines.append("Outside components:")
            for file in diff.outsideComponents {
                lines.append("- \(DisplayText.escaped(file.path))")
            }
        }
        lines.append("")
        lines.append("Promoted-Revision: \(revision.hex)")
        if let clusters {
            lines.append("Verified-On: \(clusters.map(DisplayText.escaped).joined(separator: ", "))")
        } else {
            lines.append("Verification: skipped")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `Promote main@<short> to production`: the merge commit's subject and a proposal's title.
    public static func subject(sourceBranch: String, targetBranch: String, shortRevision: String) -> String {
        "Promote \(sourceBranch)@\(shortRevision) to \(targetBranch)"
    }
}
