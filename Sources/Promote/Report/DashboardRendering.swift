extension TextReportRenderer {
    /// The `status` dashboard: a table of environments, then what waits.
    func dashboard(_ report: PromotionReport, _ terminal: TerminalStyle) -> [String] {
        typealias Cell = TextTable.Cell
        guard let environments = report.environments else { return [] }
        let heading = ["ENVIRONMENT", "BRANCH", "TIP", "RUNNING"].map { Cell(text: $0, style: .bold) }
        let rows = zip(environments, ReportWording.environmentRows(environments)).map { environment, phrases in
            phrases.enumerated().map { index, phrase in
                Cell(text: phrase.text, style: index == 3 && environment.clusters.isEmpty ? .dim : nil)
            }
        }
        var lines = TextTable(rows: [heading] + rows).lines(terminal, indent: "  ")
        if let waiting = report.waiting {
            lines.append(terminal.paint(ReportWording.waiting(waiting).text, waiting.commits > 0 ? .yellow : .green))
        }
        return lines
    }
}

extension MarkdownReportRenderer {
    /// The `status` dashboard: a table of environments, then what waits.
    func dashboard(_ report: PromotionReport) -> String? {
        guard let environments = report.environments else { return nil }
        var lines = ["### Environments", "", MarkdownText.row(["Environment", "Branch", "Tip", "Running"]),
                     "| --- | --- | --- | --- |"]
        lines += ReportWording.environmentRows(environments).map { MarkdownText.row($0.map(\.markdown)) }
        if let waiting = report.waiting {
            lines += ["", "**Waiting:** " + ReportWording.waiting(waiting).markdown + "."]
        }
        return lines.joined(separator: "\n")
    }
}
