import ArgumentParser
import Foundation
import Logging
import Promote
import PromoteHosting

/// Runs one service command and turns its outcome into output and an exit code.
struct CommandRunner {
    let common: CommonOptions
    let assumeYes: Bool
    var diffExitCode = false
    /// `--body-file` of `--propose`: the body goes there, so stdout keeps the report.
    var bodyFile: String?
    let console = Console.current()

    /// Remembers whether the plan was already shown at the confirmation prompt.
    final class PromptState: @unchecked Sendable {
        var planShown = false
    }

    /// Builds the options (defaults, then the config file, then the flags, then `configure` for the command's
    /// own flags), runs `command`, prints the outcome and exits with its code.
    func run(_ name: PromotionReport.Command, configure: (inout PromoteOptions) throws(PromoteError) -> Void = { _ in },
             _ command: (PromotionService) -> CommandOutcome) throws {
        let logger = Logger.console(verbose: common.verbose, quiet: common.quiet, color: console.colorOnStderr)
        let options: PromoteOptions
        do {
            options = try resolveOptions(configure, logger: logger)
        } catch let error as PromoteError {
            fail(error, report: PromotionReport(command: name, source: .init(branch: common.source ?? "main", revision: nil),
                                                target: .init(branch: common.target ?? "production", revision: nil)),
                 informative: false, logger: logger)
        }
        let promptState = PromptState()
        let progress = ProgressLine(console: console, verbose: common.verbose, quiet: common.quiet)
        let transfer = console.stderrIsTerminal && !common.quiet ? ProgressReporter() : nil
        var context = ServiceContext(
            environment: console.environment,
            log: { line in logger.info("\(line)") },
            confirm: { [console, common, assumeYes] report in
                guard !assumeYes, console.isInteractive else { return true }
                if common.output == .text {
                    console.out(ReportRendering.render(report, format: .text, color: console.colorOnStdout))
                    promptState.planShown = true
                } else {
                    // stdout carries exactly one JSON or Markdown document: the plan for the person goes to stderr.
                    StderrStream.shared.write(ReportRendering.render(report, format: .text, color: console.colorOnStderr))
                }
                let question = "Promote \(DisplayText.escaped(report.source.branch))@\(report.source.revision?.prefix(12) ?? "?") into \(DisplayText.escaped(report.target.branch)) (\(report.action.rawValue))? [y/N] "
                StderrStream.shared.write(question)
                let answer = console.readAnswer()?.trimmingCharacters(in: .whitespaces).lowercased()
                return answer == "y" || answer == "yes"
            },
            stagingProvider: StagingClusters.provider(options, requestTimeout: common.requestTimeoutSeconds, console: console),
            transferProgress: transfer?.handler
        )
        context.waitProgress = { line in progress.show(line) }
        context.pullRequestHost = PullRequestHosts.make
        context.interactive = console.isInteractive
        context.headStart = KeosPromote.headStart

        let outcome: CommandOutcome
        do {
            let service = try PromotionService(options: options, context: context)
            outcome = command(service)
            // Left for the end of the process to reclaim (`KeosPromote.finish`): freeing the caches and mapped packs
            // of its repository handles would take 0.4 ms just before the process ends anyway.
            _ = Unmanaged.passRetained(service)
            progress.clear()
        } catch let error as PromoteError {
            fail(error, report: PromotionReport(command: name, source: .init(branch: options.sourceBranch, revision: nil),
                                                target: .init(branch: options.targetBranch, revision: nil),
                                                dryRun: options.dryRun), informative: false, logger: logger)
        }

        for warning in outcome.report.warnings {
            logger.warning("\(warning)")
        }
        if let failure = outcome.failure {
            let informative = failure.kind == .notVerified || failure.kind == .conflict || failure.kind == .targetMoved
            fail(failure, report: outcome.report, informative: informative, logger: logger)
        }
        if !(promptState.planShown && common.output == .text) || outcome.report.result.pushed {
            emit(outcome.report, shownBefore: promptState.planShown)
        }
        if diffExitCode && !outcome.report.diff.isEmpty {
            throw ExitCode(ExitStatus.differences)
        }
    }

    /// Defaults, then the config file, then the flags, then the command's own flags.
    private func resolveOptions(_ configure: (inout PromoteOptions) throws(PromoteError) -> Void, logger: Logger) throws -> PromoteOptions {
        var options = PromoteOptions()
        let request = common.startingFlags.configRequest
        if let loaded = try KeosPromote.headStart.map({ try $0.loadConfig(request) }) ?? ConfigLoader.load(request) {
            logger.debug("configuration from \(loaded.origin)")
            loaded.config.apply(to: &options)
        } else {
            logger.debug("no configuration file; using flags and defaults")
        }
        common.apply(to: &options)
        try configure(&options)
        guard options.sourceBranch != options.targetBranch else {
            throw PromoteError(.badInput, "source and target are the same branch '\(DisplayText.escaped(options.sourceBranch))' (check --source, --target and the config file's branches)")
        }
        logger.debug("remote \(options.remote), source \(options.sourceBranch), target \(options.targetBranch), components \(options.componentsDirectory), staging status \(options.stagingStatusFiles.isEmpty ? "none" : options.stagingStatusFiles.joined(separator: ", "))")
        return options
    }

    /// Prints the report (always as JSON or Markdown; as text when `informative` and not `--quiet`), appends
    /// it to `$GITHUB_STEP_SUMMARY`, prints the one-line error on stderr, and exits with the kind's code.
    private func fail(_ error: PromoteError, report: PromotionReport, informative: Bool, logger: Logger) -> Never {
        let code = ExitStatus.code(for: error.kind)
        var report = report
        report.error = .init(code: Int(code), message: error.message)
        if common.output != .text || informative {
            emit(report, shownBefore: false)
        } else {
            appendStepSummary(report)
        }
        logger.error("\(error.message)")
        KeosPromote.finish(code)
    }

    /// Prints the report on stdout (not the text report with `--quiet`) and appends the Markdown plan to
    /// `$GITHUB_STEP_SUMMARY` when set.
    private func emit(_ report: PromotionReport, shownBefore: Bool) {
        if let url = report.result.compareURL, report.result.pullRequest == nil, common.output == .text, bodyFile == nil {
            // A proposal without a token: the body and where to open the pull request are the data asked for.
            console.out(ProposalBody.full(report) + "\nOpen the pull request: \(url)\n")
        } else if !(common.quiet && common.output == .text) {
            if shownBefore && common.output == .text {
                console.out(ReportRendering.resultLine(report))
            } else {
                console.out(ReportRendering.render(report, format: common.output, color: console.colorOnStdout))
            }
        }
        appendStepSummary(report)
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
