/// How a revision a Kustomization reports relates to the revision R being verified.
///
/// The one place that applies the descendant rule: a descendant D of R counts for R only when the
/// Kustomization's applied folder (see `AppliedFolder`) has the same tree at R and D.
enum RevisionStanding: Equatable {
    /// No revision reported.
    case none
    /// Not a Git revision Flux writes.
    case unreadable(String)
    /// A revision of another branch (or a tag, or a pinned commit).
    case otherBranch(AppliedRevision)
    /// A commit the local clone does not have.
    case unknown(AppliedRevision)
    /// R itself.
    case exact(AppliedRevision)
    /// A descendant of R that applies the same folder tree: counts as R.
    case sameContentDescendant(AppliedRevision, folder: String)
    /// A descendant of R that changes the folder: R's content is no longer what runs.
    case changedDescendant(AppliedRevision, folder: String)
    /// An ancestor of R: not there yet.
    case older(AppliedRevision)
    /// Neither ancestor nor descendant of R.
    case diverged(AppliedRevision)

    /// Whether the reported revision counts as R.
    var countsAsRevision: Bool {
        switch self {
        case .exact, .sameContentDescendant: return true
        default: return false
        }
    }

    /// The standing of `text` (as Flux wrote it) against `revision` for a Kustomization applying `folder`.
    static func of(_ text: String?, revision: ObjectID, branch: String, folder: String, graph: some RevisionGraph) throws -> RevisionStanding {
        guard let text, !text.isEmpty else { return .none }
        guard let applied = AppliedRevision(text) else { return .unreadable(text) }
        guard applied.branch == branch else { return .otherBranch(applied) }
        if applied.commit == revision { return .exact(applied) }
        guard graph.containsCommit(applied.commit) else { return .unknown(applied) }
        if try graph.isAncestor(revision, of: applied.commit) {
            let same = try graph.entryID(atPath: folder, in: revision) == graph.entryID(atPath: folder, in: applied.commit)
            return same ? .sameContentDescendant(applied, folder: folder) : .changedDescendant(applied, folder: folder)
        }
        if try graph.isAncestor(applied.commit, of: revision) { return .older(applied) }
        return .diverged(applied)
    }
}

/// Orders revisions along history.
enum RevisionLine {
    /// The revision every other one descends from, when all of them lie on one line of history
    /// (pairwise ancestor-related); `nil` when some diverge, or when `revisions` is empty.
    static func oldest(of revisions: [ObjectID], graph: some RevisionGraph) throws -> ObjectID? {
        var distinct: [ObjectID] = []
        for revision in revisions where !distinct.contains(revision) { distinct.append(revision) }
        guard var oldest = distinct.first else { return nil }
        for (index, first) in distinct.enumerated() {
            for second in distinct[(index + 1)...] {
                if try graph.isAncestor(first, of: second) { continue }
                if try graph.isAncestor(second, of: first) { continue }
                return nil
            }
        }
        for candidate in distinct.dropFirst() where try graph.isAncestor(candidate, of: oldest) {
            oldest = candidate
        }
        return oldest
    }
}
