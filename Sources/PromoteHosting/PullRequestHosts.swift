import Promote

/// The pull-request API clients: GitHub pull requests and GitLab merge requests.
public enum PullRequestHosts {
    /// The client for `endpoint`'s provider, authenticated with `token`.
    public static let make: PullRequestHostFactory = { endpoint, token in
        switch endpoint.provider {
        case .github: GitHubPullRequests(endpoint: endpoint, token: token)
        case .gitlab: GitLabMergeRequests(endpoint: endpoint, token: token)
        }
    }
}
