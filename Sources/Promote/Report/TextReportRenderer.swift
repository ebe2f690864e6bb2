/// The report for a person at a terminal: header, verification, a table of components, their files and
/// releases, files outside components, conflicts, and the result.
///
/// Every name, path and message is escaped (`DisplayText`); colour is used only when `useColor` is true,
/// and with it off the output contains no escape byte at all.
public struct TextReportRenderer: ReportRenderer {
    /// Whether to use ANSI colour (the CLI decides: a terminal, and no `NO_COLOR`).
    public var useColor: Bool

    public init(useColor: Bool = false) {
        self.useColor = useColor
    }

    public func render(_ report: PromotionReport) -> String {
        let terminal = TerminalStyle(useColor: useColor)
        var sections: [[String]] = [header(report, terminal)]
        if report.environments != nil { sections.append(dashboard(report, terminal)) }
        if let waiting = report.waitingCommits { sections.append(waitingCommits(waiting, report, terminal)) }
        if report.command != .verify {
            if report.components.isEmpty && report.outsideComponents.isEmpty {
                sections.append([ReportWording.summary(report)])
            } else {
                sections.append(summaryAndTable(report, terminal))
                sections += report.components.map { details($0, terminal) }
                if !report.outsideComponents.isEmpty {
                    sections.append([terminal.paint("outside components", .bold)]
                                    + fileLines(report.outsideComponents, terminal))
                }
            }
        }
        if !report.conflicts.isEmpty { sections.append(conflicts(report, terminal)) }
        if let result = ReportWording.result(report) {
            sections.append([terminal.paint(result.text, report.error == nil ? .bold : .red)])
        }
        return sections.map { $0.joined(separator: "\n") }.joined(separator: "\n\n") + "\n"
    }

    private func header(_ report: PromotionReport, _ terminal: TerminalStyle) -> [String] {
        var title = terminal.paint("keos-promote \(report.command.rawValue)", .bold) + ": "
            + (ReportWording.branch(report.source) + " → " + ReportWording.branch(report.target)).text
        if report.dryRun { title += " (dry run)" }
        var lines = [title]
        if let tip = report.source.tip {
            lines.append(DisplayText.escaped(report.source.branch) + " is at " + ReportWording.revision(tip).text
                         + ", ahead of the revision shown")
        }
        if report.command != .verify {
            lines.append("merge base " + ReportWording.revision(report.mergeBase).text
                         + ", action " + report.action.rawValue)
        }
        let status = report.verification.status
        lines.append("verification: " + terminal.paint(status.rawValue, TerminalStyle.style(for: status)))
        for cluster in report.verification.clusters {
            lines.append("  " + ReportWording.cluster(cluster).text)
            for object in cluster.objects where !object.ready {
                lines.append("    " + terminal.paint("✗", .red) + " " + ReportWording.problem(object).text)
            }
        }
        for warning in report.warnings {
            lines.append(terminal.paint("warning:", .yellow) + " " + DisplayText.escaped(warning))
        }
        return lines
    }

    private func waitingCommits(_ commits: [PromotionReport.WaitingCommit], _ report: PromotionReport,
                                _ terminal: TerminalStyle) -> [String] {
        var lines = ["waiting on " + DisplayText.escaped(report.source.branch) + ": "
                     + ReportWording.count(commits.count, "commit") + (commits.isEmpty ? "" : ", newest first")]
        for commit in commits {
            lines.append("  " + terminal.paint(commit.id.prefix(ReportWording.shortRevisionLength), .yellow) + " "
                         + DisplayText.escaped(commit.summary) + " (" + DisplayText.escaped(commit.author) + ")"
                         + (commit.included ? "" : " — " + ReportWording.notIncluded))
        }
        return lines
    }

    private func summaryAndTable(_ report: PromotionReport, _ terminal: TerminalStyle) -> [String] {
        guard !report.components.isEmpty else { return [ReportWording.summary(report)] }
        typealias Cell = TextTable.Cell
        let heading = ["COMPONENT", "CHANGE", "PRODUCTION", "FILES", "LINES"].enumerated().map { index, title in
            Cell(text: title, style: .bold, alignRight: index == 3)
        }
        let rows = report.components.map { component in
            [Cell(text: DisplayText.escaped(component.name)),
             Cell(text: component.change.rawValue, style: TerminalStyle.style(forChange: component.change.rawValue)),
             Cell(text: ReportWording.affectsProduction(component), style: component.affectsProduction ? .bold : .dim),
             Cell(text: String(component.files.count), alignRight: true),
             Cell(text: ReportWording.lineCounts(component))]
        }
        return [ReportWording.summary(report)] + TextTable(rows: [heading] + rows).lines(terminal, indent: "  ")
    }

    private func details(_ component: ComponentChange, _ terminal: TerminalStyle) -> [String] {
        let title = terminal.paint(DisplayText.escaped(component.name), .bold) + ": " + component.change.rawValue
            + (component.affectsProduction ? ", affects production" : ", staging only")
        let releases = component.releases.map { "  " + ReportWording.release($0).text }
        return [title] + fileLines(component.files, terminal) + releases
    }

    private func fileLines(_ files: [FileChange], _ terminal: TerminalStyle) -> [String] {
        typealias Cell = TextTable.Cell
        let rows = files.map { file in
            let notes = ReportWording.notes(file).map { "(\($0))" }
            return [Cell(text: file.change.rawValue, style: TerminalStyle.style(forChange: file.change.rawValue)),
                    Cell(text: file.environment.rawValue, style: file.environment == .production ? .bold : nil),
                    Cell(text: ([ReportWording.path(file).text, ReportWording.lineCounts(file)] + notes)
                        .joined(separator: "  "),
                         style: file.conflict == true ? .red : nil)]
        }
        return TextTable(rows: rows).lines(terminal, indent: "  ")
    }

    private func conflicts(_ report: PromotionReport, _ terminal: TerminalStyle) -> [String] {
        var lines = [terminal.paint("conflicts", .red) + " (" + ReportWording.count(report.conflicts.count, "path") + ")"]
        for group in ReportWording.conflictGroups(report) {
            let owner = group.component.map(DisplayText.escaped) ?? "outside components"
            lines += group.paths.map { "  " + owner + ": " + DisplayText.escaped($0) }
        }
        return lines
    }
}
