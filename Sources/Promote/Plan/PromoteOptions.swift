import Foundation

/// Everything a command was asked to do, copied from flags (and later the config file).
public struct PromoteOptions: Sendable, Equatable {
    /// The local clone (`-C`); opened as is, never created.
    public var repositoryPath = "."
    /// `--url`: work in a cache mirror of this remote instead of a local clone.
    public var remoteURL: String?
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
    /// `--kubeconfig` or config `staging.kubeconfig`: the kubeconfig to read staging clusters from (else
    /// `KUBECONFIG`, `~/.kube/config`).
    public var kubeconfig: String?
    /// `--context` or config `staging.contexts`: one staging cluster each; empty means the current context.
    public var contexts: [String] = []
    /// `verify --wait`: how long to keep checking staging before giving up (exit 3).
    public var waitTimeout: TimeInterval?
    public var skipVerify = false
    /// `--min-soak`, in seconds.
    public var minimumSoak: TimeInterval?
    public var fastForward = FastForwardPolicy.allowed
    public var dryRun = false
    /// How often to re-fetch and re-plan after the remote rejected the push because the target moved.
    public var retries = 3
    /// The folder names that mark base, staging and production (config `environments`).
    public var environmentFolders = EnvironmentFolders.standard
    /// Kustomizations to verify instead of discovering them (config `staging.kustomizations`); `nil`: discover.
    public var stagingKustomizations: [FluxObjectKey]?
    /// Flux status of the production clusters (`status --production-status`, config `production.statusFiles`):
    /// `FILE` or `NAME=FILE`; only `status` reads them, to show what production runs.
    public var productionStatusFiles: [String] = []
    /// Signing of merge commits (`--sign`, `--signing-key`, config `signing`); `nil` or not enabled: unsigned.
    public var signing: SigningSettings?
    /// `--propose`: push `promote/<revision>` and open or update a pull request instead of writing the target.
    public var propose = false
    /// `--body-file`: where the full Markdown plan of a proposal goes.
    public var bodyFile: String?
    /// Pull-request provider, API and repository (config `proposal`, then `--provider`, `--api-url`, `--repository`).
    public var proposal: ProposalSettings?
    /// `--ssh-key`: the SSH private key to use (else `KEOS_PROMOTE_SSH_KEY`, the agent, `~/.ssh/id_ed25519`/`id_ecdsa`).
    public var sshKey: String?
    /// `--known-hosts`: the trusted SSH host keys (default `~/.ssh/known_hosts`).
    public var knownHosts: String?

    public init() {}

    /// Whether a source of staging status was named explicitly (files, a kubeconfig or contexts).
    public var hasStagingSource: Bool { !stagingStatusFiles.isEmpty || kubeconfig != nil || !contexts.isEmpty }

    /// Where the components and their environments are.
    var layout: RepositoryLayout { RepositoryLayout(componentsDir: componentsDirectory, environments: environmentFolders) }
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
    /// Where staging status comes from when no `--staging-status` file is given: the clusters API.
    public var stagingProvider: (any StagingSnapshotProvider)?
    /// Waits between the checks of `verify --wait`; injectable so tests need not sleep.
    public var sleep: @Sendable (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) }
    /// A one-line progress note while `verify --wait` waits; each replaces the previous one.
    public var waitProgress: (@Sendable (String) -> Void)?
    /// Fetch and push progress, for a progress line on a terminal; `nil`: not reported.
    public var transferProgress: TransferProgressHandler?
    /// The pull-request API clients of `--propose`; `nil`: no API, a proposal shows the compare URL only.
    public var pullRequestHost: PullRequestHostFactory?
    /// Whether a person can answer prompts (a signing program's passphrase); without one, nothing asks.
    public var interactive = false
    /// The plan's first steps, started while the command line was parsed; `nil`: none.
    public var headStart: PlanHeadStart?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                now: @escaping @Sendable () -> Date = { Date() },
                log: @escaping @Sendable (String) -> Void = { _ in },
                confirm: @escaping @Sendable (PromotionReport) -> Bool = { _ in true },
                beforePush: (@Sendable (Int) throws -> Void)? = nil,
                stagingProvider: (any StagingSnapshotProvider)? = nil, transferProgress: TransferProgressHandler? = nil) {
        self.environment = environment
        self.now = now
        self.log = log
        self.confirm = confirm
        self.beforePush = beforePush
        self.stagingProvider = stagingProvider
        self.transferProgress = transferProgress
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
