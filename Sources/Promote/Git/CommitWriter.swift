import CGit2

/// Who a commit is by: name and email, with the time taken when the commit is written.
public struct Identity: Sendable, Equatable {
    public var name: String
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }
}

extension Repository {
    /// Writes a commit object for `tree` with `parents` (first parent first); moves no reference. The objects
    /// planning made (the merged trees) are stored in the repository first.
    ///
    /// With `sign`, the commit carries the signature `sign` returns for the unsigned commit object's text
    /// (in the `gpgsig` header, as git writes it); whatever `sign` throws is thrown unchanged.
    public func createCommit(tree: ObjectID, parents: [ObjectID], message: String, author: Identity,
                             committer: Identity, sign: ((String) throws -> String)? = nil) throws -> ObjectID {
        let treeObject = try lookupTree(tree)
        let parentObjects = try parents.map { try lookupCommit($0) }
        let authorSignature = try signature(author)
        defer { git_signature_free(authorSignature) }
        let committerSignature = try signature(committer)
        defer { git_signature_free(committerSignature) }

        var content = git_buf()
        defer { git_buf_dispose(&content) }
        var parentPointers: [OpaquePointer?] = parentObjects.map { $0.pointer }
        _ = try withExtendedLifetime(parentObjects) {
            try parentPointers.withUnsafeMutableBufferPointer { buffer in
                try check(git_commit_create_buffer(&content, pointer, authorSignature, committerSignature, "UTF-8",
                                                   message, treeObject.pointer, buffer.count, buffer.baseAddress),
                          "create commit")
            }
        }
        let text = String(cString: content.ptr)
        var signatureText = try sign?(text)
        // libgit2 ends the header field itself; a trailing newline would leave an empty continuation line.
        while signatureText?.last?.isNewline == true { signatureText?.removeLast() }
        var out = git_oid()
        try savePendingObjects()
        try check(git_commit_create_with_signature(&out, pointer, text, signatureText, signatureText == nil ? nil : "gpgsig"),
                  "write commit")
        return ObjectID(out)
    }

    private func signature(_ identity: Identity) throws -> UnsafeMutablePointer<git_signature> {
        var signature: UnsafeMutablePointer<git_signature>?
        try check(git_signature_now(&signature, identity.name, identity.email), "make signature for \(identity.name)")
        return signature!
    }
}
