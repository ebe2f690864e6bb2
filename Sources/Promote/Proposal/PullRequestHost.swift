/// An open pull request (GitHub) or merge request (GitLab), as a proposal needs it.
public struct PullRequest: Sendable, Equatable {
    /// The number people use: GitHub's `number`, GitLab's `iid`.
    public var number: Int
    /// The page of the pull request (`html_url`, `web_url`).
    public var url: String
    /// The branch it proposes (`head.ref`, `source_branch`).
    public var sourceBranch: String

    public init(number: Int, url: String, sourceBranch: String) {
        self.number = number
        self.url = url
        self.sourceBranch = sourceBranch
    }
}

/// What a new or updated pull request says.
public struct PullRequestDraft: Sendable, Equatable {
    public var title: String
    public var body: String
    public var sourceBranch: String
    public var targetBranch: String

    public init(title: String, body: String, sourceBranch: String, targetBranch: String) {
        self.title = title
        self.body = body
        self.sourceBranch = sourceBranch
        self.targetBranch = targetBranch
    }
}

/// A provider's pull-request API for one repository (GitHub pull requests, GitLab merge requests).
///
/// Every failure is a `PromoteError` with a one-line message that names the provider and never the token.
public protocol PullRequestHost: Sendable {
    /// The open pull requests into `targetBranch` whose branch lives in this repository (not in a fork).
    func openPullRequests(into targetBranch: String) throws(PromoteError) -> [PullRequest]
    /// Opens a pull request.
    func create(_ draft: PullRequestDraft) throws(PromoteError) -> PullRequest
    /// Replaces the title and body of an open pull request.
    func update(_ pullRequest: PullRequest, with draft: PullRequestDraft) throws(PromoteError) -> PullRequest
    /// Comments on a pull request, then closes it (without merging).
    func close(_ pullRequest: PullRequest, comment: String) throws(PromoteError)
}

/// Makes the API client of `endpoint`, authenticated with `token`.
public typealias PullRequestHostFactory = @Sendable (_ endpoint: ProposalEndpoint, _ token: String) -> any PullRequestHost
