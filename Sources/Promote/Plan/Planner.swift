/// Whether the target may simply be moved forward to the revision.
public enum FastForwardPolicy: String, Sendable, Equatable {
    /// Fast-forward when possible, else merge (`--ff`, the default, as `git merge` does).
    case allowed
    /// Always create a merge commit (`--no-ff`).
    case never
    /// Only fast-forward; refuse when a merge would be needed (`--ff-only`).
    case only
}

/// The facts about the two branches that decide the action; computed by the service from the repository.
public struct PlanFacts: Sendable, Equatable {
    public var revision: ObjectID
    public var targetTip: ObjectID
    /// The revision is the target tip or one of its ancestors.
    public var revisionIsInTarget: Bool
    /// The target tip is the revision or one of its ancestors.
    public var targetIsAncestorOfRevision: Bool

    public init(revision: ObjectID, targetTip: ObjectID, revisionIsInTarget: Bool, targetIsAncestorOfRevision: Bool) {
        self.revision = revision
        self.targetTip = targetTip
        self.revisionIsInTarget = revisionIsInTarget
        self.targetIsAncestorOfRevision = targetIsAncestorOfRevision
    }
}

/// What the promotion does, decided from values only.
public enum PlannedAction: Sendable, Equatable {
    /// The revision is already in the target: nothing to write.
    case none
    /// Move the target to the revision.
    case fastForward
    /// Create a merge commit with parents (target tip, revision); `treeOfRevision` when the merge result is
    /// simply the revision's tree (a forced merge commit over a possible fast-forward).
    case merge(treeOfRevision: Bool)
}

/// Chooses none / fast-forward / merge.
public enum Planner {
    /// The action for `facts` under `policy`; throws `PromoteError.conflict` for `--ff-only` when the target
    /// has commits the revision lacks.
    public static func action(for facts: PlanFacts, policy: FastForwardPolicy, targetBranch: String) throws -> PlannedAction {
        if facts.revisionIsInTarget { return .none }
        if facts.targetIsAncestorOfRevision {
            return policy == .never ? .merge(treeOfRevision: true) : .fastForward
        }
        if policy == .only {
            throw PromoteError(.conflict, "cannot fast-forward \(targetBranch) to \(facts.revision.prefix(12)): \(targetBranch) has commits that the revision lacks; rerun without --ff-only to merge")
        }
        return .merge(treeOfRevision: false)
    }
}
