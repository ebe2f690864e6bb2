import Foundation

/// What a command did or would do: the one value every renderer (text, JSON, Markdown) reads.
///
/// Encoded as JSON it is the SPEC's schemaVersion 1 document.
public struct PromotionReport: Codable, Sendable, Equatable {
    public struct BranchState: Codable, Sendable, Equatable {
        public var branch: String
        /// For the source: the revision being promoted; for the target: the tip the plan starts from.
        public var revision: ObjectID?
        /// The branch tip on the remote, when it differs from `revision` (the source ahead of what staging runs).
        public var tip: ObjectID?

        public init(branch: String, revision: ObjectID?, tip: ObjectID? = nil) {
            self.branch = branch
            self.revision = revision
            self.tip = tip
        }

        private enum CodingKeys: String, CodingKey { case branch, revision, tip }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(branch, forKey: .branch)
            try container.encode(revision, forKey: .revision)
            try container.encodeIfPresent(tip, forKey: .tip)
        }
    }

    public enum Command: String, Codable, Sendable { case promote, verify, diff, status }

    /// What the promotion does to the target branch.
    public enum Action: String, Codable, Sendable {
        case none
        case fastForward = "fast-forward"
        case merge
        case propose
    }

    /// What was written.
    public struct Result: Codable, Sendable, Equatable {
        /// Whether the target branch (or proposal branch) was pushed.
        public var pushed: Bool
        /// The commit the target now points at (or would point at), when known.
        public var commit: ObjectID?
        /// The proposal branch, in propose mode.
        public var branch: String?
        /// The pull request URL, in propose mode.
        public var pullRequest: String?
        /// In propose mode without a provider token: the page on which a person opens the pull request.
        public var compareURL: String?

        public init(pushed: Bool, commit: ObjectID?, branch: String? = nil, pullRequest: String? = nil,
                    compareURL: String? = nil) {
            self.pushed = pushed
            self.commit = commit
            self.branch = branch
            self.pullRequest = pullRequest
            self.compareURL = compareURL
        }

        private enum CodingKeys: String, CodingKey { case pushed, commit, branch, pullRequest, compareURL }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(pushed, forKey: .pushed)
            try container.encode(commit, forKey: .commit)
            try container.encodeIfPresent(branch, forKey: .branch)
            try container.encodeIfPresent(pullRequest, forKey: .pullRequest)
            try container.encodeIfPresent(compareURL, forKey: .compareURL)
        }
    }

    /// A failure, as the CLI reports it; `code` is the exit code.
    public struct Failure: Codable, Sendable, Equatable {
        public var code: Int
        public var message: String

        public init(code: Int, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// One commit waiting on the source branch (for `status`).
    public struct WaitingCommit: Codable, Sendable, Equatable {
        public var id: ObjectID
        public var summary: String
        public var author: String
        /// Commit time, seconds since 1970.
        public var time: Int64
        /// Whether the revision being promoted contains it (false: newer than what staging runs).
        public var included: Bool

        public init(id: ObjectID, summary: String, author: String, time: Int64, included: Bool = true) {
            self.id = id
            self.summary = summary
            self.author = author
            self.time = time
            self.included = included
        }
    }

    public var schemaVersion: Int = 1
    public var command: Command
    public var source: BranchState
    public var target: BranchState
    public var mergeBase: ObjectID?
    public var verification: VerificationReport
    public var components: [ComponentChange]
    public var outsideComponents: [FileChange]
    public var action: Action
    public var result: Result
    /// Paths that conflict in the merge, sorted; empty when the merge is clean.
    public var conflicts: [String]
    /// Commits on the source up to the revision that the target lacks, newest first (`status`, `promote`).
    public var waitingCommits: [WaitingCommit]?
    /// Per environment: branch tip and what its clusters run (`status`).
    public var environments: [EnvironmentStatus]?
    /// Commits and components waiting for promotion, and the age of the oldest commit (`status`).
    public var waiting: WaitingSummary?
    /// Things the user must know, such as a skipped verification.
    public var warnings: [String]
    public var dryRun: Bool
    public var error: Failure?

    public init(command: Command, source: BranchState, target: BranchState, mergeBase: ObjectID? = nil,
                verification: VerificationReport = .skipped, diff: ComponentDiff = ComponentDiff(components: [], outsideComponents: []),
                action: Action = .none, result: Result = Result(pushed: false, commit: nil), conflicts: [String] = [],
                waitingCommits: [WaitingCommit]? = nil, warnings: [String] = [], dryRun: Bool = false,
                error: Failure? = nil) {
        self.command = command
        self.source = source
        self.target = target
        self.mergeBase = mergeBase
        self.verification = verification
        self.components = diff.components
        self.outsideComponents = diff.outsideComponents
        self.action = action
        self.result = result
        self.conflicts = conflicts
        self.waitingCommits = waitingCommits
        self.warnings = warnings
        self.dryRun = dryRun
        self.error = error
    }

    /// The per-component part of the report.
    public var diff: ComponentDiff {
        get { ComponentDiff(components: components, outsideComponents: outsideComponents) }
        set {
            components = newValue.components
            outsideComponents = newValue.outsideComponents
        }
    }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion, command, source, target, mergeBase, verification, components, outsideComponents
        case action, result, conflicts, waitingCommits, environments, waiting, warnings, dryRun, error
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schemaVersion, forKey: .schemaVersion)
        try container.encode(command, forKey: .command)
        try container.encode(source, forKey: .source)
        try container.encode(target, forKey: .target)
        try container.encode(mergeBase, forKey: .mergeBase)
        try container.encode(verification, forKey: .verification)
        try container.encode(components, forKey: .components)
        try container.encode(outsideComponents, forKey: .outsideComponents)
        try container.encode(action, forKey: .action)
        try container.encode(result, forKey: .result)
        try container.encode(conflicts, forKey: .conflicts)
        try container.encodeIfPresent(waitingCommits, forKey: .waitingCommits)
        try container.encodeIfPresent(environments, forKey: .environments)
        try container.encodeIfPresent(waiting, forKey: .waiting)
        try container.encode(warnings, forKey: .warnings)
        try container.encode(dryRun, forKey: .dryRun)
        try container.encodeIfPresent(error, forKey: .error)
    }
}
