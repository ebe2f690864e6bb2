import ArgumentParser
import Foundation
import Promote
import PromoteKube

/// Builds the Kubernetes API source of staging status from the flags and the environment.
enum StagingClusters {
    /// The clusters' API as the staging source, or `nil` when `--staging-status` files are given or no
    /// kubeconfig or in-cluster configuration exists (see `StagingSourceSelection`).
    static func provider(_ options: PromoteOptions, requestTimeout: TimeInterval?, console: Console) -> (any StagingSnapshotProvider)? {
        guard options.stagingStatusFiles.isEmpty else { return nil }
        guard let clusters = StagingSourceSelection.choose(
            kubeconfig: options.kubeconfig, contexts: options.contexts, environment: console.environment,
            fileExists: { FileManager.default.fileExists(atPath: $0) }) else { return nil }
        var client = KubeClientOptions()
        if let requestTimeout {
            client.requestTimeout = requestTimeout
            client.connectTimeout = min(requestTimeout, client.connectTimeout)
        }
        return KubeStagingSource(clusters, environment: console.environment, interactive: console.isInteractive, options: client)
    }
}

extension CommonOptions {
    /// `--request-timeout` in seconds.
    var requestTimeoutSeconds: TimeInterval? { requestTimeout.flatMap(DurationText.seconds) }

    /// Cross-flag rules of the staging sources.
    func validateStagingClusters() throws {
        if !stagingStatus.isEmpty && (kubeconfig != nil || !contexts.isEmpty) {
            throw ValidationError("--staging-status reads status from files; it cannot be combined with --kubeconfig or --context")
        }
        var seen: Set<String> = []
        for context in contexts {
            guard !context.isEmpty else { throw ValidationError("--context must not be empty") }
            guard seen.insert(context).inserted else { throw ValidationError("--context \(context) is given twice") }
        }
        if let kubeconfig, kubeconfig.isEmpty { throw ValidationError("--kubeconfig must not be empty") }
        if let requestTimeout {
            guard let seconds = DurationText.seconds(requestTimeout), seconds > 0 else {
                throw ValidationError("--request-timeout: '\(requestTimeout)' is not a positive duration (use e.g. 10s, 1m)")
            }
        }
    }
}

/// The progress line of `verify --wait`: rewritten in place on a terminal, a log line with `--verbose`.
final class ProgressLine: @unchecked Sendable {
    private let console: Console
    private let verbose: Bool
    private let quiet: Bool
    private let lock = NSLock()
    private var shown = false

    init(console: Console, verbose: Bool, quiet: Bool) {
        self.console = console
        self.verbose = verbose
        self.quiet = quiet
    }

    func show(_ line: String) {
        let text = DisplayText.escaped(line)
        if console.stderrIsTerminal && !quiet && !verbose {
            lock.lock()
            defer { lock.unlock() }
            let width = max(20, Self.terminalWidth() - 1)
            let fitted = text.count > width ? String(text.prefix(width - 1)) + "…" : text
            FileHandle.standardError.write(Data("\r\u{1B}[K\(fitted)".utf8))
            shown = true
        } else if verbose {
            console.err(text)
        }
    }

    /// Removes the line before anything else is printed.
    func clear() {
        lock.lock()
        defer { lock.unlock() }
        guard shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        shown = false
    }

    private static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }
}
