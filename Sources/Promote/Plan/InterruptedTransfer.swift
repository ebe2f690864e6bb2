import CGit2

/// What a fetch or push that broke off (connection refused, dropped, reset) means for the person who ran it.
enum InterruptedTransfer {
    /// Whether libgit2 classed `error` as a network failure (not a refusal by the server or a local problem).
    static func isNetwork(_ error: GitError) -> Bool {
        [GIT_ERROR_OS, GIT_ERROR_NET, GIT_ERROR_SSH, GIT_ERROR_HTTP].contains { Int32($0.rawValue) == error.errorClass }
    }

    /// A fetch that failed: nothing but objects was written, so running again is safe.
    static func fetchFailed(_ error: GitError) -> PromoteError {
        let hint = isNetwork(error) ? " (the connection failed; no branch was changed: run again)" : ""
        return PromoteError(.runtime, CredentialRedaction.redact(error.description) + hint)
    }

    /// A push whose connection broke: the server may or may not have updated the target before it did.
    static func pushFailed(_ error: GitError, target: String, remote: String) -> PromoteError {
        PromoteError(.runtime, CredentialRedaction.redact(error.description)
            + " (the connection broke during the push: \(target) on \(remote) is either unchanged or already promoted; run again to finish, or to find nothing left to do)")
    }
}
