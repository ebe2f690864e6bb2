import Foundation
import NIOHTTP1
import Promote

/// GitHub's REST API for the pull requests of one repository (github.com or GitHub Enterprise Server).
struct GitHubPullRequests: PullRequestHost {
    let api: HostingAPI
    let owner: String
    let name: String

    init(endpoint: ProposalEndpoint, token: String) {
        api = HostingAPI(endpoint: endpoint, headers: [
            ("Authorization", "Bearer \(token)"),
            ("Accept", "application/vnd.github+json"),
            ("X-GitHub-Api-Version", "2022-11-28"),
            ("User-Agent", "keos-promote"),
        ], token: token)
        let parts = endpoint.repository.split(separator: "/", maxSplits: 1).map(String.init)
        owner = parts.first ?? ""
        name = parts.count > 1 ? parts[1] : ""
    }

    private var pulls: String { "/repos/\(HostingAPI.encoded(owner))/\(HostingAPI.encoded(name))/pulls" }

    func openPullRequests(into targetBranch: String) throws(PromoteError) -> [PullRequest] {
        var next: String? = pulls + HostingAPI.query([("state", "open"), ("base", targetBranch), ("per_page", "100")])
        var found: [PullRequest] = []
        var pages = 0
        while let url = next, pages < 100 {
            pages += 1
            let answer = try api.send(.GET, url, action: "list the open pull requests into \(targetBranch)")
            let page = try api.decode([Wire].self, answer, action: "list the open pull requests")
            let repository = api.endpoint.repository.lowercased()
            found += page.filter { $0.head.repo?.full_name.lowercased() == repository }.map(\.pullRequest)
            // Only links below the API root are followed: the token goes nowhere else.
            next = Self.nextLink(answer.headers.first(name: "Link")).flatMap { $0.hasPrefix(api.endpoint.apiURL + "/") ? $0 : nil }
        }
        return found
    }

    func create(_ draft: PullRequestDraft) throws(PromoteError) -> PullRequest {
        let answer = try api.send(.POST, pulls, json: ["title": draft.title, "head": draft.sourceBranch,
                                                       "base": draft.targetBranch, "body": draft.body],
                                  action: "open a pull request from \(draft.sourceBranch) into \(draft.targetBranch)")
        return try api.decode(Wire.self, answer, action: "open the pull request").pullRequest
    }

    func update(_ pullRequest: PullRequest, with draft: PullRequestDraft) throws(PromoteError) -> PullRequest {
        let answer = try api.send(.PATCH, "\(pulls)/\(pullRequest.number)", json: ["title": draft.title, "body": draft.body],
                                  action: "update pull request #\(pullRequest.number)")
        return try api.decode(Wire.self, answer, action: "update the pull request").pullRequest
    }

    func close(_ pullRequest: PullRequest, comment: String) throws(PromoteError) {
        _ = try api.send(.POST, "/repos/\(HostingAPI.encoded(owner))/\(HostingAPI.encoded(name))/issues/\(pullRequest.number)/comments",
                         json: ["body": comment], action: "comment on pull request #\(pullRequest.number)")
        _ = try api.send(.PATCH, "\(pulls)/\(pullRequest.number)", json: ["state": "closed"],
                         action: "close pull request #\(pullRequest.number)")
    }

    /// The `rel="next"` URL of a `Link` header.
    static func nextLink(_ header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count >= 2, pieces.dropFirst().contains(where: { $0.replacingOccurrences(of: " ", with: "") == "rel=\"next\"" }),
                  pieces[0].hasPrefix("<"), pieces[0].hasSuffix(">") else { continue }
            return String(pieces[0].dropFirst().dropLast())
        }
        return nil
    }

    /// A pull request as the API sends it (the fields used).
    private struct Wire: Decodable {
        struct Head: Decodable {
            struct Repo: Decodable { var full_name: String }
            var ref: String
            var repo: Repo?
        }

        var number: Int
        var html_url: String
        var head: Head

        var pullRequest: PullRequest { PullRequest(number: number, url: html_url, sourceBranch: head.ref) }
    }
}
