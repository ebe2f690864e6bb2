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
    /// Writes a commit object for `tree` with `parents` (first parent first); moves no reference.
    public func createCommit(tree: ObjectID, parents: [ObjectID], message: String, author: Identity,
                             committer: Identity) throws -> ObjectID {
        let treeObject = try lookupTree(tree)
        let parentObjects = try parents.map { try lookupCommit($0) }
        let authorSignature = try signature(author)
        defer { git_signature_free(authorSignature) }
        let committerSignature = try signature(committer)
        defer { git_signature_free(committerSignature) }

        var out = git_oid()
        var parentPointers: [OpaquePointer?] = parentObjects.map { $0.pointer }
        _ = try withExtendedLifetime(parentObjects) {
            try parentPointers.withUnsafeMutableBufferPointer { buffer in
                try check(git_commit_create(&out, pointer, nil, authorSignature, committerSignature, "UTF-8",
                                            message, treeObject.pointer, buffer.count, buffer.baseAddress),
                          "create commit")
            }
        }
        return ObjectID(out)
    }

    private func signature(_ identity: Identity) throws -> UnsafeMutablePointer<git_signature> {
        var signature: UnsafeMutablePointer<git_signature>?
        try check(git_signature_now(&signature, identity.name, identity.email), "make signature for \(identity.name)")
        return signature!
    }
}
