import Foundation

/// A plan's first steps, taken on another core while the command line is still being parsed.
///
/// swift-argument-parser takes about 4 ms to parse a command line (it reflects every option). Meanwhile, on
/// the thread that initialised libgit2, this takes the steps `PromotionService` takes first, for the flags the
/// arguments seem to give (`StartingFlags`): it loads the config file, opens the clone, resolves the target's
/// and the source's tips as last fetched, and then runs their merge-base walk, which goes on to count the lines
/// and parse the YAML of the files that differ once the plan has listed them. The service uses what matches its
/// real options — the config loaded for the same request, the handle opened at the same path (whose merge-base
/// walk for the two commits is this one), the lines counted and the YAML parsed for the same commits and layout —
/// and does the rest itself.
/// A wrong guess costs the other core's time, nothing else: these steps only read, and what does not match
/// is not used.
public final class PlanHeadStart: @unchecked Sendable {
    /// The parts the service used (for tests).
    enum Part: Hashable {
        case config, repository, diffAhead
    }

    private let flags: StartingFlags
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var config: (request: ConfigLoader.Request, loaded: Result<LoadedConfig?, PromoteError>)?
    /// Whether the steps up to the merge-base walk are done (what they give is then set).
    private var handedOver = false
    private var repository: Repository?
    private var ahead: PlanAhead?
    private var usedParts: Set<Part> = []

    /// Lines being counted and YAML being parsed for a plan from `targetTip` to `revision`.
    private struct PlanAhead {
        let targetTip: ObjectID
        let revision: ObjectID
        let layout: RepositoryLayout
        let diff: DiffAhead
    }

    /// The steps for `flags`, to `run()`; `nil` on a single core, where they would only take turns with the parser.
    public init?(_ flags: StartingFlags) {
        guard Cores.available > 1 else { return nil }
        self.flags = flags
    }

    /// Takes the steps on the calling thread, which does nothing else meanwhile: hands over the config and the
    /// opened clone, then runs the merge-base walk and the work for the diff that follows it.
    public func run() {
        let request = flags.configRequest
        // The clone (not with `--url`, which works on the cache mirror), opened once for the config and the plan:
        // the config file cannot move it.
        let clone = flags.url == nil ? try? Repository.open(at: request.repositoryPath) : nil
        let loaded = Result { () throws(PromoteError) in try ConfigLoader.load(request, repository: clone) }
        condition.withLock {
            config = (request, loaded)
            condition.broadcast()
        }
        var options = PromoteOptions()
        if case .success(let file?) = loaded { file.config.apply(to: &options) }
        flags.apply(to: &options)
        // A config file in error ends the run.
        var opened = clone
        if case .failure = loaded { opened = nil }
        let started = opened.flatMap { try? Self.startPlan(in: $0, options: options) }
        condition.withLock {
            repository = opened
            ahead = started?.ahead
            handedOver = true
            condition.broadcast()
        }
        started?.walk.run()
    }

    /// What `PromotionService.makePlan` starts with for a plan from the target's tip to the revision: a
    /// merge-base walk, registered with `repository` but not yet run, that works ahead for the diff afterwards.
    private static func startPlan(in repository: Repository,
                                  options: PromoteOptions) throws -> (ahead: PlanAhead, walk: MergeBaseWalk)? {
        func tip(_ branch: String) throws -> ObjectID? {
            try repository.referenceTarget(PromotionService.tipReference(of: branch, remote: options.remote, in: repository))
        }
        guard let targetTip = try tip(options.targetBranch), let sourceTip = try tip(options.sourceBranch) else { return nil }
        let revision = try options.revision.map { try repository.resolveCommit($0) } ?? sourceTip
        let diff = DiffAhead()
        guard let walk = repository.prepareMergeBases(targetTip, revision, afterwards: diff.work(layout: options.layout)) else {
            return nil
        }
        return (PlanAhead(targetTip: targetTip, revision: revision, layout: options.layout, diff: diff), walk)
    }

    /// What `ConfigLoader.load(request)` gives: loaded ahead when `request` is the one guessed.
    public func loadConfig(_ request: ConfigLoader.Request) throws(PromoteError) -> LoadedConfig? {
        let known = condition.awaitValue { config }
        guard known.request == request else { return try ConfigLoader.load(request) }
        use(.config)
        return try known.loaded.get()
    }

    /// The handle opened at `path`, once, when that is the path guessed; waits until it is handed over, so no
    /// other thread uses it after.
    func takeRepository(openedAt path: String) -> Repository? {
        let taken: Repository? = condition.awaitValue { () -> Repository?? in
            guard handedOver else { return nil }
            guard let opened = repository, opened.openedPath == path else { return .some(nil) }
            repository = nil
            return .some(opened)
        }
        if taken != nil { use(.repository) }
        return taken
    }

    /// The lines counted and the YAML parsed (or being done) for a plan from `targetTip` to `revision` with
    /// `layout`, when those are the ones guessed.
    func diffAhead(from targetTip: ObjectID, to revision: ObjectID, layout: RepositoryLayout) -> DiffAhead? {
        let found: DiffAhead? = condition.awaitValue { () -> DiffAhead?? in
            guard handedOver else { return nil }
            guard let ahead, ahead.targetTip == targetTip, ahead.revision == revision, ahead.layout == layout else {
                return .some(nil)
            }
            return .some(ahead.diff)
        }
        if found != nil { use(.diffAhead) }
        return found
    }

    private func use(_ part: Part) {
        condition.withLock { _ = usedParts.insert(part) }
    }

    /// The parts the service used so far.
    var used: Set<Part> { condition.withLock { usedParts } }
}
