import Foundation

/// Everything a command was asked to do, copied from flags (and later the config file).
public struct PromoteOptions: Sendable, Equatable {
    /// The local clone (`-C`); opened as is, never created.
    public var repositoryPath = "."
    public var remote = "origin"
    public var sourceBranch = "main"
    public var targetBranch = "production"
    public var componentsDirectory = "components"
    /// `--revision`: what to promote; `nil` means what staging runs (or the source tip without verification).
    public var revision: String?
    /// `false` with `--no-fetch`.
    public var fetch = true
    /// `--staging-status` arguments: `FILE` or `NAME=FILE`.
    public var stagingStatusFiles: [String] = []
    public var skipVerify = false
    /// `--min-soak`, in seconds.
    public var minimumSoak: TimeInterval?
    public var fastForward = FastForwardPolicy.allowed
    public var dryRun = false
    /// How often to re-fetch and re-plan after the remote rejected the push because the target moved.
    public var retries = 3
    /// The folder names that mark base, staging and production (config `environments`).
    public var environmentFolders = EnvironmentFolders.standard
    /// Kubeconfig for the staging clusters (config `staging.kubeconfig`), for verification through the
    /// Kubernetes API; `nil`: `KUBECONFIG`, then `~/.kube/config`.
    public var kubeconfig: String?
    /// Kubeconfig contexts, one per staging cluster (config `staging.contexts`).
    public var contexts: [String] = []
    /// Kustomizations to verify instead of discovering them (config `staging.kustomizations`); `nil`: discover.
    public var stagingKustomizations: [FluxObjectKey]?
    /// Flux status of the production clusters (`status --production-status`, config `production.statusFiles`):
    /// `FILE` or `NAME=FILE`; only `status` reads them, to show what production runs.
    public var productionStatusFiles: [String] = []
    /// Commit signing (config `signing`); read and checked, not used yet.
    public var signing: SigningSettings?
    /// Pull-request provider (config `proposal`); read and checked, not used yet.
    public var proposal: ProposalSettings?

    public init() {}

    /// Whether any source of staging status was given.
    public var hasStagingSource: Bool { !stagingStatusFiles.isEmpty }
}

/// What the service needs from the outside world; injected so tests need no globals.
public struct ServiceContext: Sendable {
    /// Process environment (identity variables, `GITHUB_STEP_SUMMARY`, …).
    public var environment: [String: String]
    /// The current time.
    public var now: @Sendable () -> Date
    /// Progress and notes for stderr (already one line each).
    public var log: @Sendable (String) -> Void
    /// Asked before anything is written; `false` aborts with nothing written.
    public var confirm: @Sendable (PromotionReport) -> Bool
    /// Test seam: runs after the commit is created and right before each push.
    public var beforePush: (@Sendable (_ attempt: Int) throws -> Void)?
    /// Fetch and push progress, for a progress line on a terminal; `nil`: not reported.
    public var progress: TransferProgressHandler?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                now: @escaping @Sendable () -> Date = { Date() },
                log: @escaping @Sendable (String) -> Void = { _ in },
                confirm: @escaping @Sendable (PromotionReport) -> Bool = { _ in true },
                beforePush: (@Sendable (Int) throws -> Void)? = nil, progress: TransferProgressHandler? = nil) {
        self.environment = environment
        self.now = now
        self.log = log
        self.confirm = confirm
        self.beforePush = beforePush
        self.progress = progress
    }
}

/// A finished command: the report to render, and the failure that decides the exit code, if any.
public struct CommandOutcome: Sendable {
    public var report: PromotionReport
    public var failure: PromoteError?

    public init(report: PromotionReport, failure: PromoteError? = nil) {
        self.report = report
        self.failure = failure
    }
}
