/// The report as GitHub-flavoured Markdown, for pull-request bodies and `$GITHUB_STEP_SUMMARY`: title,
/// summary, verification table, component table, details per component, outside components, conflicts.
///
/// Names, paths, revisions and values are code spans and messages escaped prose (`MarkdownText`), so
/// nothing from a repository can format, link, mention, break a table or carry a control character.
public struct MarkdownReportRenderer: ReportRenderer {
    /// How much per-file detail to show; a pull-request body shortens it to fit the provider's limit.
    public enum Detail: Sendable, Equatable {
        /// Every file of every component.
        case full
        /// At most this many files per component (and outside components), then how many more there are.
        case filesPerComponent(Int)
        /// The component table only: no file lists, no releases; at most 100 conflicting paths.
        case components
    }

    public var detail: Detail
    /// Whether the result line is shown; a pull-request body leaves it out (the pull request is the result).
    public var showsResult: Bool
    /// A remark under the summary, in Markdown (for example that the detail was shortened).
    public var note: String?

    public init(detail: Detail = .full, showsResult: Bool = true, note: String? = nil) {
        self.detail = detail
        self.showsResult = showsResult
        self.note = note
    }

    public func render(_ report: PromotionReport) -> String {
        var blocks: [String] = [title(report), overview(report)]
        if let dashboard = dashboard(report) { blocks.append(dashboard) }
        if let waiting = report.waitingCommits { blocks.append(waitingCommits(waiting, report)) }
        blocks.append(verification(report.verification))
        if report.command != .verify && !(report.components.isEmpty && report.outsideComponents.isEmpty) {
            if !report.components.isEmpty { blocks.append(componentTable(report.components)) }
            if detail != .components {
                blocks += report.components.map(details)
            }
            if !report.outsideComponents.isEmpty {
                blocks.append((["### Outside components", ""] + fileItems(report.outsideComponents)).joined(separator: "\n"))
            }
        }
        if !report.conflicts.isEmpty { blocks.append(conflicts(report)) }
        return blocks.joined(separator: "\n\n") + "\n"
    }

    private func title(_ report: PromotionReport) -> String {
        switch report.command {
        case .promote:
            "## Promote " + (ReportWording.branch(report.source) + " to " + .literal(report.target.branch)).markdown
        default:
            "## keos-promote \(report.command.rawValue): "
                + (ReportWording.branch(report.source) + " → " + ReportWording.branch(report.target)).markdown
        }
    }

    private func overview(_ report: PromotionReport) -> String {
        var lines: [String] = []
        if showsResult, let result = ReportWording.result(report) {
            lines.append("**Result:** " + result.markdown)
        }
        var facts = (Phrase.words("Source ") + ReportWording.branch(report.source) + ", target "
                     + ReportWording.branch(report.target)).markdown
        if report.command != .verify {
            facts += ", merge base " + ReportWording.revision(report.mergeBase).markdown
                + ", action **\(report.action.rawValue)**"
        }
        if report.dryRun { facts += " (dry run)" }
        lines.append(facts + ".")
        if let tip = report.source.tip {
            lines.append(MarkdownText.code(report.source.branch) + " is at " + ReportWording.revision(tip).markdown
                         + ", ahead of the revision shown.")
        }
        if report.command != .verify { lines.append("Summary: " + ReportWording.summary(report) + ".") }
        lines += report.warnings.map { "> **Warning:** " + MarkdownText.prose($0) }
        if let note { lines.append(note) }
        return lines.joined(separator: "\n\n")
    }

    private func waitingCommits(_ commits: [PromotionReport.WaitingCommit], _ report: PromotionReport) -> String {
        var lines = ["### Waiting on " + MarkdownText.code(report.source.branch) + " ("
                     + ReportWording.count(commits.count, "commit") + ")", ""]
        if commits.isEmpty { lines.append("None.") }
        lines += commits.map { commit in
            "- " + MarkdownText.code(commit.id.prefix(ReportWording.shortRevisionLength)) + " "
                + MarkdownText.prose(commit.summary) + " (" + MarkdownText.prose(commit.author) + ")"
                + (commit.included ? "" : " — " + ReportWording.notIncluded)
        }
        return lines.joined(separator: "\n")
    }

    private func verification(_ verification: VerificationReport) -> String {
        var lines = ["### Verification: \(verification.status.rawValue)"]
        guard !verification.clusters.isEmpty else { return lines.joined() }
        lines += ["", MarkdownText.row(["Cluster", "Revision", "Ready", "Problems"]), "| --- | --- | --- | --- |"]
        for cluster in verification.clusters {
            let ready = cluster.objects.filter(\.ready).count
            let problems = cluster.objects.filter { !$0.ready }.map { ReportWording.problem($0).markdown }
            lines.append(MarkdownText.row([
                MarkdownText.code(cluster.name),
                cluster.revision.map(MarkdownText.code) ?? "none",
                "\(ready) of \(cluster.objects.count)",
                problems.joined(separator: "<br>"),
            ]))
        }
        return lines.joined(separator: "\n")
    }

    private func componentTable(_ components: [ComponentChange]) -> String {
        var lines = ["### Components", "", MarkdownText.row(["Component", "Change", "Production", "Files", "Lines"]),
                     "| --- | --- | --- | ---: | --- |"]
        for component in components {
            lines.append(MarkdownText.row([
                MarkdownText.code(component.name), component.change.rawValue,
                ReportWording.affectsProduction(component), String(component.files.count),
                ReportWording.lineCounts(component),
            ]))
        }
        return lines.joined(separator: "\n")
    }

    private func details(_ component: ComponentChange) -> String {
        var lines = ["#### " + MarkdownText.code(component.name) + " (" + component.change.rawValue
                     + (component.affectsProduction ? ", affects production)" : ", staging only)"), ""]
        lines += fileItems(component.files)
        if !component.releases.isEmpty {
            lines += ["", "Releases:", ""] + component.releases.map { "- " + ReportWording.release($0).markdown }
        }
        return lines.joined(separator: "\n")
    }

    /// The files as list items, as many as `detail` allows, then how many more there are.
    private func fileItems(_ files: [FileChange]) -> [String] {
        let shown: Int
        switch detail {
        case .full: shown = files.count
        case .filesPerComponent(let limit): shown = min(files.count, max(0, limit))
        case .components: shown = 0
        }
        var items = files.prefix(shown).map(fileItem)
        if shown < files.count {
            items.append("- … and " + ReportWording.count(files.count - shown, shown == 0 ? "file" : "more file"))
        }
        return items
    }

    private func fileItem(_ file: FileChange) -> String {
        let notes = ReportWording.notes(file).map { $0 == "conflict" ? "**conflict**" : $0 }
        return "- " + ([file.change.rawValue, file.environment.rawValue, ReportWording.path(file).markdown,
                        ReportWording.lineCounts(file)] + notes).joined(separator: " · ")
    }

    private func conflicts(_ report: PromotionReport) -> String {
        var lines = ["### Conflicts (" + ReportWording.count(report.conflicts.count, "path") + ")", ""]
        var listed = 0
        let most = detail == .components ? 100 : Int.max
        for group in ReportWording.conflictGroups(report) {
            let owner = group.component.map(MarkdownText.code) ?? "outside components"
            for path in group.paths where listed < most {
                lines.append("- " + owner + ": " + MarkdownText.code(path))
                listed += 1
            }
        }
        if listed < report.conflicts.count {
            lines.append("- … and " + ReportWording.count(report.conflicts.count - listed, "more path"))
        }
        return lines.joined(separator: "\n")
    }
}
