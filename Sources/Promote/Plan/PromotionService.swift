import Foundation

/// Runs the SPEC's pipeline — open, fetch, resolve, verify, plan, act — for each command.
///
/// Never touches the working tree, the index or HEAD of the clone; writes only objects, the target branch on
/// the remote (without force), the remote-tracking refs, and a local target branch that pointed at the old tip.
public final class PromotionService {
    let options: PromoteOptions
    let context: ServiceContext
    let repository: Repository
    /// The `--url` mirror, holding its cache lock while the service lives.
    let mirror: MirrorCache?

    /// Opens the clone (or, with `--url`, the cache mirror of the remote, created on first use); throws
    /// `PromoteError.badInput` when the clone is missing, not a repository, or shallow.
    public init(options: PromoteOptions, context: ServiceContext) throws {
        self.options = options
        self.context = context
        if let url = options.remoteURL {
            let mirror = try MirrorCache(url: url, remote: options.remote, environment: context.environment,
                                         log: { context.log($0) })
            self.mirror = mirror
            self.repository = mirror.repository
        } else {
            self.mirror = nil
            self.repository = try context.headStart?.takeRepository(openedAt: options.repositoryPath)
                ?? Repository.open(at: options.repositoryPath)
        }
        var transport = TransportSettings(sshKey: options.sshKey, knownHosts: options.knownHosts,
                                          environment: context.environment)
        transport.instanceURLs = repository.transport.instanceURLs
        repository.transport = transport
    }

    // MARK: Commands

    /// `promote`: verify, plan and (unless a dry run) write the promotion — or, with `--propose`, propose it.
    public func promote() -> CommandOutcome {
        if options.propose { return propose() }
        return run(.promote) { report in
            let state = try prepare(report: &report, verificationRequired: true)
            if report.action == .fastForward, let note = unsignedFastForwardNote(state.plan) { report.warnings.append(note) }
            if report.action == .none || options.dryRun { return }
            guard context.confirm(report) else {
                throw PromoteError(.runtime, "promotion cancelled; nothing was written")
            }
            try write(state: state, report: &report)
        }
    }

    /// `verify`: is the revision reconciled on every staging cluster? With `--wait`, checks again until it
    /// is or the time is up.
    public func verify() -> CommandOutcome {
        run(.verify) { report in
            guard let provider = stagingProvider else {
                throw PromoteError(.badInput, "nothing to verify against: pass --kubeconfig/--context (the staging clusters' API) or --staging-status FILE (one per staging cluster)")
            }
            try fetchIfWanted()
            var wait = options.waitTimeout.map { StagingWait(timeout: $0, start: context.now()) }
            while true {
                do {
                    try verifyOnce(provider, report: &report)
                    return
                } catch let error as PromoteError where error.kind == .notVerified {
                    let now = context.now()
                    guard var schedule = wait, let delay = schedule.nextDelay(now: now) else { throw error }
                    wait = schedule
                    context.waitProgress?(schedule.progressLine(now: now, delay: delay, reason: error.message))
                    context.sleep(delay)
                    if options.fetch { try fetchBranches([options.sourceBranch]) }
                }
            }
        }
    }

    /// One check of staging: read the clusters, resolve the revision, verify; throws when not reconciled.
    private func verifyOnce(_ provider: any StagingSnapshotProvider, report: inout PromotionReport) throws {
        let sourceTip = try branchTip(options.sourceBranch)
        report.source.revision = sourceTip
        report.target.revision = try? branchTip(options.targetBranch)
        let snapshots = try loadSnapshots(provider, report: &report)
        let revision = try resolveRevision(sourceTip: sourceTip, snapshots: snapshots)
        report.source.revision = revision
        report.source.tip = revision == sourceTip ? nil : sourceTip
        let verification = try verify(revision, snapshots: snapshots)
        report.verification = verification.report
        if let error = verification.error { throw error }
    }

    /// `--staging-status` files when given, else the source the caller configured (the clusters' API).
    private var stagingProvider: (any StagingSnapshotProvider)? {
        options.stagingStatusFiles.isEmpty ? context.stagingProvider : StagingStatusFiles(options.stagingStatusFiles)
    }

    /// Reads the clusters; their warnings go to the report once.
    private func loadSnapshots(_ provider: any StagingSnapshotProvider, report: inout PromotionReport) throws -> [ClusterSnapshot] {
        let read = try provider.readSnapshots()
        for warning in read.warnings where !report.warnings.contains(warning) {
            report.warnings.append(warning)
        }
        return read.clusters
    }

    /// `diff`: what the target would receive; verification is reported, not enforced.
    public func diff() -> CommandOutcome {
        run(.diff) { report in
            _ = try prepare(report: &report, verificationRequired: false)
        }
    }

    /// `status`: tips, the revision staging runs, and the commits and components waiting for promotion.
    public func status() -> CommandOutcome {
        run(.status) { report in
            let state = try prepare(report: &report, verificationRequired: false)
            let waiting = try repository.commits(from: state.sourceTip, excluding: state.plan.targetTip, limit: 200)
            // One history walk tells which of them the revision contains (not one ancestry question each).
            let promoted = Set(try repository.commits(from: state.revision, excluding: state.plan.targetTip))
            report.waitingCommits = try waiting.map { id in
                let info = try repository.commitInfo(id)
                return PromotionReport.WaitingCommit(id: id, summary: info.summary, author: info.author, time: info.time,
                                                     included: promoted.contains(id))
            }
            try addDashboard(to: &report, state: state)
        }
    }

    // MARK: Pipeline

    /// Everything `write` needs after planning.
    struct PreparedState {
        var sourceTip: ObjectID
        var revision: ObjectID
        var plan: Plan
        var verifiedOn: [String]?
    }

    /// Runs `body` on a fresh report and turns every error into the outcome's failure.
    func run(_ command: PromotionReport.Command, _ body: (inout PromotionReport) throws -> Void) -> CommandOutcome {
        var report = PromotionReport(
            command: command,
            source: .init(branch: options.sourceBranch, revision: nil),
            target: .init(branch: options.targetBranch, revision: nil),
            dryRun: options.dryRun
        )
        do {
            let lock = try lockClone(for: command)
            try withExtendedLifetime(lock) { try body(&report) }
            return CommandOutcome(report: report)
        } catch let error as PromoteError {
            return CommandOutcome(report: report, failure: error)
        } catch let error as GitError {
            return CommandOutcome(report: report, failure: PromoteError(.runtime, CredentialRedaction.redact(error.description)))
        } catch {
            return CommandOutcome(report: report, failure: PromoteError(.runtime, CredentialRedaction.redact("\(error)")))
        }
    }

    /// Fetch, resolve, verify and plan; fills the report. Verification failures throw only when required;
    /// conflicts throw unless `conflictsStop` is false (a proposal goes on, for a person to resolve them).
    func prepare(report: inout PromotionReport, verificationRequired: Bool, conflictsStop: Bool = true) throws -> PreparedState {
        try fetchIfWanted()
        let sourceTip = try branchTip(options.sourceBranch)
        let targetTip = try branchTip(options.targetBranch)
        report.source.revision = sourceTip
        report.target.revision = targetTip

        let provider = options.skipVerify ? nil : stagingProvider
        if verificationRequired && provider == nil && !options.skipVerify {
            throw PromoteError(.badInput, "no staging status to verify against: pass --kubeconfig/--context (the staging clusters' API) or --staging-status FILE, or --skip-verify to promote without verification")
        }
        if options.skipVerify {
            report.warnings.append("staging verification skipped (--skip-verify): this revision has not been checked on staging")
        }
        let snapshots = try provider.flatMap { try readStaging($0, verificationRequired: verificationRequired, report: &report) }
        let revision: ObjectID
        do {
            revision = try resolveRevision(sourceTip: sourceTip, snapshots: snapshots)
        } catch let error as PromoteError where error.kind == .notVerified && !verificationRequired {
            // diff and status still answer when staging cannot name one revision: they show the source tip.
            report.warnings.append("\(error.message); showing \(options.sourceBranch)'s tip instead")
            revision = sourceTip
        }
        report.source.revision = revision
        report.source.tip = revision == sourceTip ? nil : sourceTip

        var verifiedOn: [String]?
        if let snapshots {
            let verification = try verify(revision, snapshots: snapshots)
            report.verification = verification.report
            if verificationRequired, let error = verification.error { throw error }
            if verification.isReconciled { verifiedOn = verification.report.clusters.map(\.name) }
        }

        let plan = try makePlan(revision: revision, targetTip: targetTip)
        apply(plan, to: &report)
        if conflictsStop && !plan.conflicts.isEmpty {
            throw PromoteError(.conflict, "merging \(options.sourceBranch)@\(repository.shortID(revision)) into \(options.targetBranch) conflicts in \(plan.conflicts.count) path(s): \(Self.conflictSummary(plan))")
        }
        return PreparedState(sourceTip: sourceTip, revision: revision, plan: plan, verifiedOn: verifiedOn)
    }

    /// Reads staging. For `diff` and `status` with a source nobody named (the kubeconfig's current context),
    /// an unreadable or unrelated cluster is a warning, not a failure: they answer without verification.
    private func readStaging(_ provider: any StagingSnapshotProvider, verificationRequired: Bool,
                             report: inout PromotionReport) throws -> [ClusterSnapshot]? {
        guard !verificationRequired && !options.hasStagingSource else { return try loadSnapshots(provider, report: &report) }
        do {
            let snapshots = try loadSnapshots(provider, report: &report)
            _ = try stagingScopeDiscovery(snapshots)
            return snapshots
        } catch let error as PromoteError {
            report.warnings.append("staging not checked: \(error.message) (name the staging clusters with --context or --staging-status to make this an error)")
            return nil
        }
    }

    /// Throws when a snapshot has no GitRepository of this repository (so a non-staging context is noticed).
    private func stagingScopeDiscovery(_ snapshots: [ClusterSnapshot]) throws -> [StagingDiscovery] {
        let scope = try stagingScope()
        return try snapshots.map { try StagingDiscovery(snapshot: $0, scope: scope) }
    }

    private func apply(_ plan: Plan, to report: inout PromotionReport) {
        report.target.revision = plan.targetTip
        report.mergeBase = plan.mergeBase
        report.action = plan.reportAction
        report.diff = plan.diff
        report.conflicts = plan.conflicts
        report.result = .init(pushed: false, commit: plan.action == .fastForward ? plan.revision : nil)
    }

    /// `components/a (2 paths), update/x.yaml` — the conflicting paths grouped by component.
    static func conflictSummary(_ plan: Plan) -> String {
        var groups: [String] = []
        for component in plan.diff.components {
            let paths = component.files.filter { $0.conflict == true }.map(\.path)
            if !paths.isEmpty { groups.append("\(component.name): \(paths.joined(separator: ", "))") }
        }
        let outside = plan.diff.outsideComponents.filter { $0.conflict == true }.map(\.path)
        if !outside.isEmpty { groups.append("outside components: \(outside.joined(separator: ", "))") }
        if groups.isEmpty { groups = plan.conflicts }
        return DisplayText.escaped(groups.joined(separator: "; "))
    }

    // MARK: Steps

    private func fetchIfWanted() throws {
        guard options.fetch else { return }
        try fetchBranches([options.sourceBranch, options.targetBranch])
    }

    func fetchBranches(_ branches: [String]) throws {
        context.log("fetching \(branches.joined(separator: ", ")) from \(options.remote)")
        let refspecs = branches.map { "+refs/heads/\($0):\(trackingReference($0))" }
        let advertised: Set<String>
        do {
            advertised = try repository.fetch(remote: options.remote, refspecs: refspecs, progress: context.transferProgress)
        } catch let error as GitError {
            throw InterruptedTransfer.fetchFailed(error)
        }
        // A branch deleted on the remote must not be planned from a stale remote-tracking ref.
        for branch in branches where !advertised.contains("refs/heads/\(branch)") {
            try repository.deleteReference(trackingReference(branch))
        }
    }

    func trackingReference(_ branch: String) -> String { Self.trackingReference(branch, remote: options.remote) }

    static func trackingReference(_ branch: String, remote: String) -> String { "refs/remotes/\(remote)/\(branch)" }

    /// The reference a plan reads `branch`'s tip from: the remote-tracking branch as last fetched; the local
    /// branch only when there is no such remote.
    static func tipReference(of branch: String, remote: String, in repository: Repository) -> String {
        repository.hasRemote(remote) ? trackingReference(branch, remote: remote) : "refs/heads/\(branch)"
    }

    /// The tip of `branch` (`tipReference`); throws `badInput` when there is none.
    private func branchTip(_ branch: String) throws -> ObjectID {
        let hasRemote = repository.hasRemote(options.remote)
        if !hasRemote && options.fetch {
            throw PromoteError(.badInput, "no remote named '\(DisplayText.escaped(options.remote))' in this repository (use --remote, or --no-fetch to use local branches)")
        }
        if let tip = try repository.referenceTarget(Self.tipReference(of: branch, remote: options.remote, in: repository)) {
            return tip
        }
        if hasRemote {
            let hint = options.fetch ? "" : " (no remote-tracking branch; run without --no-fetch)"
            throw PromoteError(.badInput, "branch '\(DisplayText.escaped(branch))' not found on remote '\(DisplayText.escaped(options.remote))'\(hint)")
        }
        throw PromoteError(.badInput, "branch '\(DisplayText.escaped(branch))' not found")
    }

    /// `--revision`, else what staging runs, else the source tip; always on the source branch.
    private func resolveRevision(sourceTip: ObjectID, snapshots: [ClusterSnapshot]?) throws -> ObjectID {
        let revision: ObjectID
        if let text = options.revision {
            revision = try repository.resolveCommit(text)
        } else if let snapshots {
            revision = try StagingRevisionResolver.resolve(scope: try stagingScope(), snapshots: snapshots, graph: repository)
        } else {
            revision = sourceTip
        }
        guard try repository.isAncestor(revision, of: sourceTip) else {
            throw PromoteError(.badInput, "revision \(repository.shortID(revision)) is not reachable from \(DisplayText.escaped(options.sourceBranch)) (\(repository.shortID(sourceTip))); only revisions on \(DisplayText.escaped(options.sourceBranch)) can be promoted")
        }
        return revision
    }

    /// Which GitRepositories belong to this repository: the remote's URL as written in the config, and the source.
    private func stagingScope() throws -> StagingScope {
        guard let url = repository.remoteURL(options.remote) else {
            throw PromoteError(.badInput, "remote '\(DisplayText.escaped(options.remote))' has no URL; staging verification matches GitRepositories by the remote's URL")
        }
        return StagingScope(repositoryURL: url, branch: options.sourceBranch, kustomizations: options.stagingKustomizations)
    }

    private func verify(_ revision: ObjectID, snapshots: [ClusterSnapshot]) throws -> StagingVerification {
        let scope = try stagingScope()
        let request = StagingVerificationRequest(
            repositoryURL: scope.repositoryURL, sourceBranch: options.sourceBranch, revision: revision,
            componentsDirectory: options.componentsDirectory, minimumSoak: options.minimumSoak, now: context.now(),
            kustomizations: options.stagingKustomizations)
        return try StagingVerifier.verify(request, snapshots: snapshots, graph: repository)
    }

    // MARK: Planning

    /// A complete plan against one target tip.
    struct Plan {
        var revision: ObjectID
        var targetTip: ObjectID
        var mergeBase: ObjectID?
        var action: PlannedAction
        /// The tree the target receives (nil for `none` and for conflicts).
        var resultTree: ObjectID?
        var conflicts: [String]
        var diff: ComponentDiff

        var reportAction: PromotionReport.Action {
            switch action {
            case .none: .none
            case .fastForward: .fastForward
            case .merge: .merge
            }
        }
    }

    func makePlan(revision: ObjectID, targetTip: ObjectID) throws -> Plan {
        let ahead = context.headStart?.diffAhead(from: targetTip, to: revision, layout: layout)
            ?? Self.startDiffAhead(in: repository, layout: layout, from: targetTip, to: revision)
        let facts = PlanFacts(
            revision: revision,
            targetTip: targetTip,
            revisionIsInTarget: try repository.isAncestor(revision, of: targetTip),
            targetIsAncestorOfRevision: try repository.isAncestor(targetTip, of: revision)
        )
        let action = try Planner.action(for: facts, policy: options.fastForward, targetBranch: options.targetBranch)
        let mergeBase = try repository.mergeBase(targetTip, revision)
        var plan = Plan(revision: revision, targetTip: targetTip, mergeBase: mergeBase, action: action,
                        resultTree: nil, conflicts: [], diff: ComponentDiff(components: [], outsideComponents: []))
        let targetTree = try repository.treeID(ofCommit: targetTip)
        switch action {
        case .none:
            ahead.stop()
            return plan
        case .fastForward, .merge(treeOfRevision: true):
            let tree = try repository.treeID(ofCommit: revision)
            plan.resultTree = tree
            plan.diff = try componentDiff(from: targetTree, to: tree, conflicts: [], ahead: ahead)
        case .merge(treeOfRevision: false):
            switch try repository.mergeCommits(ours: targetTip, theirs: revision) {
            case .clean(let tree):
                plan.resultTree = tree
                plan.diff = try componentDiff(from: targetTree, to: tree, conflicts: [], ahead: ahead)
            case .conflicts(let paths):
                plan.conflicts = paths
                let baseTree = try mergeBase.map { try repository.treeID(ofCommit: $0) }
                let revisionTree = try repository.treeID(ofCommit: revision)
                plan.diff = try componentDiff(from: baseTree, to: revisionTree, conflicts: Set(paths), ahead: ahead)
            }
        }
        return plan
    }

    /// Starts the merge-base walk of the plan's two commits, which then counts the lines and parses the YAML of
    /// the files that differ between them (listed by this thread while the walk runs), on its own thread and
    /// handle: what the diff of a fast-forward or of a merge that only one side changed will ask for, done while
    /// this thread merges. On a single core nothing is done ahead: the second handle reads the blobs again,
    /// which pays only when another core does it.
    static func startDiffAhead(in repository: Repository, layout: RepositoryLayout,
                               from targetTip: ObjectID, to revision: ObjectID) -> DiffAhead {
        let ahead = DiffAhead()
        guard Cores.available > 1 else { return ahead }
        repository.startMergeBases(targetTip, revision, afterwards: ahead.work(layout: layout))
        return ahead
    }

    // MARK: Writing

    /// Commits (for a merge) and pushes without force; re-fetches and re-plans when the target moved.
    private func write(state: PreparedState, report: inout PromotionReport) throws {
        var plan = state.plan
        for attempt in 0...max(0, options.retries) {
            if plan.action == .none {
                context.log("\(options.targetBranch) already contains \(repository.shortID(plan.revision)); nothing to push")
                return
            }
            let commit = try commitFor(plan, state: state)
            report.result = .init(pushed: false, commit: commit)
            try context.beforePush?(attempt)
            let rejection: String
            do {
                if try push(commit, to: options.targetBranch) {
                    // Another run pushed this very commit meanwhile (a merge made in the same second by the same
                    // identity is the same commit): the target already has the promotion; nothing was written.
                    context.log("\(options.targetBranch) on \(options.remote) already pointed at \(repository.shortID(commit)), pushed by another run; nothing left to promote")
                    try fetchBranches([options.targetBranch])
                    apply(try makePlan(revision: state.revision, targetTip: try branchTip(options.targetBranch)), to: &report)
                    return
                }
                try recordPush(of: commit, replacing: plan.targetTip)
                report.result = .init(pushed: true, commit: commit)
                context.log("pushed \(options.targetBranch): \(repository.shortID(plan.targetTip)) → \(repository.shortID(commit))")
                return
            } catch let rejected as PushRejected {
                rejection = CredentialRedaction.redact(rejected.description)
            } catch let error as GitError where error.isConcurrentModification {
                rejection = CredentialRedaction.redact(error.message)
            }
            try fetchBranches([options.targetBranch])
            let newTip = try branchTip(options.targetBranch)
            guard newTip != plan.targetTip else {
                throw PromoteError(.runtime, "the remote refused the push of \(options.targetBranch): \(rejection)")
            }
            guard attempt < options.retries else { break }
            context.log("\(options.targetBranch) moved to \(repository.shortID(newTip)) meanwhile; re-planning (retry \(attempt + 1) of \(options.retries))")
            plan = try makePlan(revision: state.revision, targetTip: newTip)
            apply(plan, to: &report)
            if !plan.conflicts.isEmpty {
                throw PromoteError(.conflict, "after \(options.targetBranch) moved, merging conflicts in \(plan.conflicts.count) path(s): \(Self.conflictSummary(plan))")
            }
        }
        throw PromoteError(.targetMoved, "\(options.targetBranch) kept moving on \(options.remote) during the promotion; gave up after \(options.retries) retries — run again later")
    }

    /// The commit the target should point at: the revision for a fast-forward, else a new merge commit (signed
    /// when signing is on; every re-plan signs its new commit again).
    private func commitFor(_ plan: Plan, state: PreparedState) throws -> ObjectID {
        guard case .merge = plan.action, let tree = plan.resultTree else { return plan.revision }
        let message = PromotionMessage.make(
            sourceBranch: options.sourceBranch, targetBranch: options.targetBranch, revision: plan.revision,
            shortRevision: repository.shortID(plan.revision), diff: plan.diff, verifiedOn: state.verifiedOn)
        let identity = CommitIdentity.resolve(environment: context.environment, repository: repository)
        var sign: ((String) throws -> String)?
        if let settings = options.signing, settings.enabled {
            let signer = try CommitSigner.resolve(settings, gitConfig: repository.configString,
                                                  committer: identity.committer, interactive: context.interactive)
            sign = { [context] content in
                context.log("signing the merge commit with \(signer.keyDescription) (\(signer.program))")
                return try signer.sign(content, environment: context.environment)
            }
        }
        return try repository.createCommit(tree: tree, parents: [plan.targetTip, plan.revision], message: message,
                                           author: identity.author, committer: identity.committer, sign: sign)
    }

    /// With signing on, a fast-forward writes no commit of ours: the target gets the source's own commits.
    private func unsignedFastForwardNote(_ plan: Plan) -> String? {
        guard options.signing?.enabled == true else { return nil }
        return "fast-forward: \(options.targetBranch) will point at \(options.sourceBranch)'s own commit \(repository.shortID(plan.revision)), which keos-promote does not sign (signing applies to merge commits); use --no-ff for a signed merge commit"
    }

    /// Pushes `commit` to `branch` on the remote without force, through a scratch ref (libgit2 pushes refs, not ids).
    /// Returns whether the remote's branch already pointed at `commit`, so the push changed nothing.
    @discardableResult
    func push(_ commit: ObjectID, to branch: String) throws -> Bool {
        let scratch = scratchReference(for: branch)
        try repository.setReference(scratch, to: commit, message: "keos-promote: prepare push")
        defer { try? repository.deleteReference(scratch) }
        context.log("pushing \(repository.shortID(commit)) to \(options.remote) \(branch)")
        do {
            let before = try repository.push(remote: options.remote, refspecs: ["\(scratch):refs/heads/\(branch)"],
                                             progress: context.transferProgress)
            return before["refs/heads/\(branch)"] == .some(commit)
        } catch let error as GitError where !error.isConcurrentModification && InterruptedTransfer.isNetwork(error) {
            throw InterruptedTransfer.pushFailed(error, target: branch, remote: options.remote)
        }
    }

    /// After a successful push: the remote-tracking ref follows, and a local target branch that pointed at the
    /// old tip moves too — unless it is checked out, because that would change what the working tree shows.
    private func recordPush(of commit: ObjectID, replacing oldTip: ObjectID) throws {
        try repository.setReference(trackingReference(options.targetBranch), to: commit,
                                    message: "keos-promote: pushed \(options.targetBranch)")
        let local = "refs/heads/\(options.targetBranch)"
        guard let localTip = try repository.referenceTarget(local), localTip == oldTip else { return }
        if !repository.isBare && repository.headReferenceName == local {
            context.log("note: local branch \(options.targetBranch) is checked out, so it was left as is; run `git pull` to update it")
            return
        }
        try? repository.updateReference(local, to: commit, expecting: oldTip,
                                        message: "keos-promote: follow \(options.remote)/\(options.targetBranch)")
    }
}

extension PromotionService {
    /// Where the components and their environments are, as the options say.
    var layout: RepositoryLayout { options.layout }

    /// The per-component diff from tree `old` (nil: empty) to tree `new`, with `conflicts` flagged; lines counted
    /// and YAML parsed (or being parsed) `ahead` are not counted or parsed again.
    func componentDiff(from old: ObjectID?, to new: ObjectID, conflicts: Set<String>,
                       ahead: DiffAhead) throws -> ComponentDiff {
        let directory = options.componentsDirectory
        let layout = self.layout
        let changes = try repository.diffTrees(old: old, new: new, lineCounts: ahead.lineCounts)
        // Only the components that changed are looked up, not the whole components folder.
        let changed = Set(changes.flatMap { [$0.path, $0.oldPath].compactMap { $0.flatMap(layout.component(of:)) } })
        let oldComponents = try old.map { try repository.entryNames(inFolder: directory, ofTree: $0, among: changed) } ?? []
        let newComponents = try repository.entryNames(inFolder: directory, ofTree: new, among: changed)
        let builder = ComponentDiffBuilder(componentsDir: directory, environments: options.environmentFolders,
                                           blobs: repository, manifests: ahead.manifests)
        return builder.build(changes: changes, oldComponents: oldComponents, newComponents: newComponents, conflicts: conflicts)
    }
}
