/// The Markdown body of a promotion's pull request, within a provider's length limit.
///
/// The plan as `--output markdown` shows it, without the result line (the pull request is the result). When it
/// is too long, the per-file detail is shortened step by step, never the component table; the full plan is
/// what `--body-file` receives.
public enum ProposalBody {
    /// The body for `report`, at most `limit` characters (UTF-16 code units, which count no fewer than the
    /// providers' characters), and whether it had to be shortened.
    public static func make(_ report: PromotionReport, limit: Int) -> (text: String, shortened: Bool) {
        let full = full(report)
        if length(full) <= limit { return (full, false) }
        let note = "> **Note:** the per-file detail is shortened to fit the pull request; "
            + "`keos-promote diff` (or the job's `--body-file`) shows all of it."
        var text = full
        for detail in [MarkdownReportRenderer.Detail.filesPerComponent(20), .filesPerComponent(5), .components] {
            text = MarkdownReportRenderer(detail: detail, showsResult: false, note: note).render(report)
            if length(text) <= limit { return (text, true) }
        }
        // Only a plan with thousands of components gets here: cut at a line, and say so.
        let marker = "\n\n… (cut to fit the pull request)\n"
        let units = Array(text.utf16.prefix(max(0, limit - length(marker))))
        var cut = String(decoding: units, as: UTF16.self)
        if let newline = cut.lastIndex(of: "\n") { cut = String(cut[..<newline]) }
        return (cut + marker, true)
    }

    /// The whole plan, as `--body-file` receives it and a proposal without a token prints it.
    public static func full(_ report: PromotionReport) -> String {
        MarkdownReportRenderer(showsResult: false).render(report)
    }

    /// The title: the merge commit's subject, `Promote main@<short> to production`.
    public static func title(_ report: PromotionReport, shortRevision: String) -> String {
        PromotionMessage.subject(sourceBranch: report.source.branch, targetBranch: report.target.branch,
                                 shortRevision: shortRevision)
    }

    static func length(_ text: String) -> Int { text.utf16.count }
}
