import Foundation
import NIOHTTP1
import Promote

/// GitLab's REST API (v4) for the merge requests of one project (gitlab.com or self-managed).
struct GitLabMergeRequests: PullRequestHost {
    let api: HostingAPI

    init(endpoint: ProposalEndpoint, token: String) {
        api = HostingAPI(endpoint: endpoint, headers: [
            ("PRIVATE-TOKEN", token),
            ("Accept", "application/json"),
            ("User-Agent", "keos-promote"),
        ], token: token)
    }

    /// `/projects/group%2Fsubgroup%2Fname/merge_requests`.
    private var mergeRequests: String { "/projects/\(HostingAPI.encoded(api.endpoint.repository))/merge_requests" }

    func openPullRequests(into targetBranch: String) throws(PromoteError) -> [PullRequest] {
        var found: [PullRequest] = []
        var page: String? = "1"
        while let number = page, found.count < 10_000 {
            let url = mergeRequests + HostingAPI.query([("state", "opened"), ("target_branch", targetBranch),
                                                        ("per_page", "100"), ("page", number)])
            let answer = try api.send(.GET, url, action: "list the open merge requests into \(targetBranch)")
            let items = try api.decode([Wire].self, answer, action: "list the open merge requests")
            found += items.filter { $0.source_project_id == $0.target_project_id }.map(\.pullRequest)
            page = answer.headers.first(name: "X-Next-Page").flatMap { Int($0) }.map(String.init)
        }
        return found
    }

    func create(_ draft: PullRequestDraft) throws(PromoteError) -> PullRequest {
        let answer = try api.send(.POST, mergeRequests, json: [
            "source_branch": draft.sourceBranch, "target_branch": draft.targetBranch,
            "title": draft.title, "description": draft.body,
        ], action: "open a merge request from \(draft.sourceBranch) into \(draft.targetBranch)")
        return try api.decode(Wire.self, answer, action: "open the merge request").pullRequest
    }

    func update(_ pullRequest: PullRequest, with draft: PullRequestDraft) throws(PromoteError) -> PullRequest {
        let answer = try api.send(.PUT, "\(mergeRequests)/\(pullRequest.number)",
                                  json: ["title": draft.title, "description": draft.body],
                                  action: "update merge request !\(pullRequest.number)")
        return try api.decode(Wire.self, answer, action: "update the merge request").pullRequest
    }

    func close(_ pullRequest: PullRequest, comment: String) throws(PromoteError) {
        _ = try api.send(.POST, "\(mergeRequests)/\(pullRequest.number)/notes", json: ["body": comment],
                         action: "comment on merge request !\(pullRequest.number)")
        _ = try api.send(.PUT, "\(mergeRequests)/\(pullRequest.number)", json: ["state_event": "close"],
                         action: "close merge request !\(pullRequest.number)")
    }

    /// A merge request as the API sends it (the fields used).
    private struct Wire: Decodable {
        var iid: Int
        var web_url: String
        var source_branch: String
        var source_project_id: Int?
        var target_project_id: Int?

        var pullRequest: PullRequest { PullRequest(number: iid, url: web_url, sourceBranch: source_branch) }
    }
}
