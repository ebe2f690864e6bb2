import ArgumentParser
import Foundation
import Promote

/// Runs one service command and turns its outcome into output and an exit code.
struct CommandRunner {
    let common: CommonOptions
    let assumeYes: Bool
    var diffExitCode = false
    let console = Console.current()

    /// Remembers whether the plan was already shown at the confirmation prompt.
    final class PromptState: @unchecked Sendable {
        var planShown = false
    }

    func run(_ name: PromotionReport.Command, _ options: PromoteOptions,
             _ command: (PromotionService) -> CommandOutcome) throws {
        let promptState = PromptState()
        let progress = ProgressLine(console: console, verbose: common.verbose, quiet: common.quiet)
        var context = ServiceContext(
            environment: console.environment,
            log: { [console, common] line in
                if common.verbose { console.err(DisplayText.escaped(line)) }
            },
            confirm: { [console, common, assumeYes] report in
                guard !assumeYes, console.isInteractive else { return true }
                console.out(ReportRendering.render(report, format: common.output, color: console.colorOnStdout))
                promptState.planShown = true
                let question = "Promote \(report.source.branch)@\(report.source.revision?.prefix(12) ?? "?") into \(report.target.branch) (\(report.action.rawValue))? [y/N] "
                FileHandle.standardError.write(Data(question.utf8))
                let answer = console.readAnswer()?.trimmingCharacters(in: .whitespaces).lowercased()
                return answer == "y" || answer == "yes"
            },
            stagingProvider: StagingClusters.provider(options, requestTimeout: common.requestTimeoutSeconds, console: console)
        )
        context.progress = { line in progress.show(line) }

        let outcome: CommandOutcome
        do {
            outcome = command(try PromotionService(options: options, context: context))
            progress.clear()
        } catch let error as PromoteError {
            fail(error, report: PromotionReport(command: name, source: .init(branch: options.sourceBranch, revision: nil),
                                                target: .init(branch: options.targetBranch, revision: nil),
                                                dryRun: options.dryRun), informative: false)
        }

        for warning in outcome.report.warnings {
            console.err("warning: \(DisplayText.escaped(warning))")
        }
        if let failure = outcome.failure {
            let informative = failure.kind == .notVerified || failure.kind == .conflict || failure.kind == .targetMoved
            fail(failure, report: outcome.report, informative: informative)
        }
        if !(promptState.planShown && common.output == .text) || outcome.report.result.pushed {
            emit(outcome.report, shownBefore: promptState.planShown)
        }
        if diffExitCode && !outcome.report.diff.isEmpty {
            throw ExitCode(ExitStatus.differences)
        }
    }

    /// Prints the report (always as JSON or Markdown; as text when `informative`), the one-line error on
    /// stderr, and exits with the kind's code.
    private func fail(_ error: PromoteError, report: PromotionReport, informative: Bool) -> Never {
        let code = ExitStatus.code(for: error.kind)
        var report = report
        report.error = .init(code: Int(code), message: error.message)
        if common.output != .text || informative {
            emit(report, shownBefore: false)
        }
        console.err("error: \(DisplayText.escaped(error.message))")
        exit(code)
    }

    private func emit(_ report: PromotionReport, shownBefore: Bool) {
        if shownBefore && common.output == .text {
            console.out(ReportRendering.resultLine(report))
        } else {
            console.out(ReportRendering.render(report, format: common.output, color: console.colorOnStdout))
        }
        if !common.quiet || common.output != .text {
            appendStepSummary(report)
        }
    }

    /// Appends the Markdown plan to `$GITHUB_STEP_SUMMARY` when GitHub Actions set it.
    private func appendStepSummary(_ report: PromotionReport) {
        guard let path = console.environment["GITHUB_STEP_SUMMARY"], !path.isEmpty else { return }
        let markdown = ReportRendering.render(report, format: .markdown, color: false)
        guard let handle = FileHandle(forWritingAtPath: path) else {
            console.err("warning: cannot write GITHUB_STEP_SUMMARY file \(DisplayText.escaped(path))")
            return
        }
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data((markdown.hasSuffix("\n") ? markdown : markdown + "\n").utf8))
    }
}
