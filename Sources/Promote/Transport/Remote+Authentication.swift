import CGit2

extension Repository {
    /// The callbacks' state for one operation on `remote`, from its (push) URL and `transport`.
    func authentication(for remote: OpaquePointer, push: Bool) -> AuthenticationState {
        let pushURL = push ? git_remote_pushurl(remote) : nil
        let url = (pushURL ?? git_remote_url(remote)).map { String(cString: $0) } ?? ""
        return AuthenticationState(settings: transport, url: url)
    }

    /// Runs a libgit2 transfer; when a callback diagnosed why the connection was refused, throws that
    /// diagnosis (`PromoteError.runtime`) instead of libgit2's generic message.
    func diagnosed(_ context: TransferContext, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as GitError {
            if let failure = context.authentication?.failure {
                throw PromoteError(.runtime, CredentialRedaction.redact(failure))
            }
            throw GitError(code: error.code, errorClass: error.errorClass, operation: error.operation,
                           message: CredentialRedaction.redact(error.message))
        }
    }
}
