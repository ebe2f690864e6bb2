/// Who the merge commit is by: git's own rules, so CI can set it the way it sets it for git.
public struct CommitIdentity: Sendable, Equatable {
    public var author: Identity
    public var committer: Identity

    /// `GIT_COMMITTER_NAME`/`EMAIL`, else `user.name`/`user.email`, else `keos-promote`; the author likewise
    /// from `GIT_AUTHOR_*`, falling back to the committer.
    public static func resolve(environment: [String: String], userName: String?, userEmail: String?) -> CommitIdentity {
        func value(_ key: String) -> String? {
            guard let text = environment[key], !text.isEmpty else { return nil }
            return text
        }
        let committer = Identity(
            name: value("GIT_COMMITTER_NAME") ?? userName ?? "keos-promote",
            email: value("GIT_COMMITTER_EMAIL") ?? userEmail ?? "keos-promote@localhost"
        )
        let author = Identity(
            name: value("GIT_AUTHOR_NAME") ?? committer.name,
            email: value("GIT_AUTHOR_EMAIL") ?? committer.email
        )
        return CommitIdentity(author: author, committer: committer)
    }

    static func resolve(environment: [String: String], repository: Repository) -> CommitIdentity {
        resolve(environment: environment, userName: repository.configString("user.name"),
                userEmail: repository.configString("user.email"))
    }
}
