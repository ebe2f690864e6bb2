/// The questions verification asks of the repository; `Repository` answers them, tests may fake them.
public protocol RevisionGraph {
    /// Whether commit `id` is present in the local repository.
    func containsCommit(_ id: ObjectID) -> Bool
    /// Whether `ancestor` is `descendant` or one of its ancestors.
    func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) throws -> Bool
    /// The id of the tree or blob at `path` (no leading `./` or `/`) in `commit`; `nil` when absent.
    func entryID(atPath path: String, in commit: ObjectID) throws -> ObjectID?
}
