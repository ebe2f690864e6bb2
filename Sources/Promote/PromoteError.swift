/// The one error type of the Promote module: a kind that decides the exit code, and an actionable message.
///
/// Only the CLI maps kinds to exit codes; everything below it throws `PromoteError` (or `GitError`,
/// which the service wraps).
public struct PromoteError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// I/O, git or network failure (exit 1).
        case runtime
        /// Bad usage, configuration or input: unknown revision, shallow clone, malformed file (exit 2).
        case badInput
        /// Staging has not reconciled the revision, or it is unhealthy (exit 3, retry later).
        case notVerified
        /// The merge conflicts or cannot be done without a person (exit 4).
        case conflict
        /// The target moved during the promotion and retries ran out (exit 5, retry later).
        case targetMoved
    }

    public var kind: Kind
    /// One line, naming what is wrong; never contains a credential.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
