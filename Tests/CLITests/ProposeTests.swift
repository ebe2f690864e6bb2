import Foundation
import Testing
import TestSupport

/// The sample served over `git://` and a fake provider API on 127.0.0.1, for `--propose`.
final class ProposalWorld: @unchecked Sendable {
    static let repository = "acme/keos-system-services"

    let world: SampleWorld
    let daemon: GitDaemon
    let api: PullRequestAPIServer
    let token: String

    init(_ provider: PullRequestAPIServer.Provider, conflict: Bool = false) throws {
        world = try SampleWorld()
        daemon = try world.serveOrigin()
        if conflict {
            let tip = try world.makeConflict()
            _ = try world.write(world.fluxStatus(revision: tip, url: daemon.url("origin.git")), named: "staging-1")
        }
        token = provider == .github ? "ghp_Test0nly5ecretT0ken4keos" : "glpat-Test0nly5ecretT0ken4keos"
        api = try PullRequestAPIServer(provider, repository: Self.repository, token: token, gitRepository: world.origin)
    }

    var tokenVariable: String { api.provider == .github ? "GITHUB_TOKEN" : "GITLAB_TOKEN" }

    /// `keos-promote --propose` against the fake API, with the token unless `token` is nil.
    func propose(_ extra: String..., token: String?? = .none) throws -> ProcessResult {
        let value = token ?? self.token
        return try world.keos(["--propose", "--provider", api.provider.rawValue, "--api-url", api.apiURL,
                               "--repository", Self.repository] + extra,
                              environment: value.map { [tokenVariable: $0] } ?? [:])
    }

    /// The proposal branch of `revision` on the origin, if any.
    func proposalBranch(_ revision: String) -> String? {
        try? world.revParse("refs/heads/promote/\(revision.prefix(12))", in: world.origin)
    }

    /// A new commit on the origin's main that changes the app's values; staging runs it.
    func advanceMain() throws -> String {
        let path = "components/observability/controllers/base/newer.yaml"
        let tip = try world.commitOnOrigin([path: "replicas: 3\n"], on: "main", message: "observability: newer")
        _ = try world.write(world.fluxStatus(revision: tip, url: daemon.url("origin.git")), named: "staging-1")
        return tip
    }

    func expectNoToken(_ result: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!result.stdout.contains(token) && !result.stderr.contains(token), "the token was printed\n\(result)",
                sourceLocation: sourceLocation)
    }
}

@Suite("Propose: pull requests on GitHub and GitLab") struct ProposeTests {
    @Test("GitHub: pushes promote/<revision> at the verified revision and opens the pull request")
    func gitHubOpensPullRequest() throws {
        let env = try ProposalWorld(.github)
        let result = try env.propose("--staging-status", env.world.stagingStatus.path, "--output", "json", "-v")

        #expect(result.status == 0, "\(result)\n\(env.api.log)")
        env.expectNoToken(result)
        let tip = env.world.mainTip
        #expect(env.proposalBranch(tip) == tip, "promote/<12 hex> points at the verified revision")
        #expect(try env.world.revParse("refs/heads/production", in: env.world.origin) == env.world.productionTip,
                "production itself is not written")

        let requests = try env.api.requests()
        let creates = requests.filter { $0.method == "POST" && $0.path == "/repos/acme/keos-system-services/pulls" }
        #expect(creates.count == 1, "\(requests.map { "\($0.method) \($0.path)" })")
        let create = try #require(creates.first)
        #expect(create.field("base") == "production")
        #expect(create.field("head") == "promote/\(tip.prefix(12))")
        #expect(create.field("title") == "Promote main@\(tip.prefix(7)) to production")
        let body = try #require(create.field("body"))
        #expect(body.contains("## Promote"), "\(body)")
        #expect(body.contains("`observability`"), "the body is the Markdown plan\n\(body)")
        #expect(!body.contains("**Result:**"), "no result line in a pull request body")
        for request in requests {
            #expect(request.headers["authorization"] == "Bearer \(env.token)")
            #expect(request.headers["accept"] == "application/vnd.github+json")
            #expect(request.headers["x-github-api-version"] == "2022-11-28")
            #expect(request.headers["user-agent"]?.hasPrefix("keos-promote") == true)
        }

        try ReportSchema.expectValid(result)
        let report = try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any]
        #expect(report?["action"] as? String == "propose")
        let resultObject = report?["result"] as? [String: Any]
        #expect(resultObject?["pushed"] as? Bool == true)
        #expect(resultObject?["commit"] as? String == tip)
        #expect(resultObject?["branch"] as? String == "promote/\(tip.prefix(12))")
        #expect(resultObject?["pullRequest"] as? String == "https://github.example.com/acme/keos-system-services/pull/1")
        let pulls = try env.api.pullRequests()
        #expect(pulls.count == 1 && pulls.first?["state"] as? String == "open")
    }

    @Test("GitHub: proposing twice leaves one pull request, updated")
    func gitHubTwiceUpdates() throws {
        let env = try ProposalWorld(.github)
        let first = try env.propose("--skip-verify")
        #expect(first.status == 0, "\(first)\n\(env.api.log)")
        let second = try env.propose("--skip-verify")
        #expect(second.status == 0, "\(second)\n\(env.api.log)")
        env.expectNoToken(second)

        let pulls = try env.api.pullRequests()
        #expect(pulls.count == 1, "\(pulls)")
        let requests = try env.api.requests()
        #expect(requests.filter { $0.method == "POST" && $0.path.hasSuffix("/pulls") }.count == 1)
        let patches = requests.filter { $0.method == "PATCH" && $0.path == "/repos/acme/keos-system-services/pulls/1" }
        #expect(patches.count == 1, "\(requests.map { "\($0.method) \($0.path)" })")
        #expect(patches.first?.field("title") == "Promote main@\(env.world.mainTip.prefix(7)) to production")
        #expect(patches.first?.field("body")?.contains("## Promote") == true)
        #expect(second.stdout.contains("pull/1"), "\(second)")
    }

    @Test("A person's commits on promote/<revision> survive the next proposal of that revision")
    func personsCommitsSurvive() throws {
        let env = try ProposalWorld(.github)
        let first = try env.propose("--skip-verify")
        #expect(first.status == 0, "\(first)\n\(env.api.log)")
        let tip = env.world.mainTip
        let branch = "promote/\(tip.prefix(12))"
        // Someone fixes something on the proposal branch, as they would to resolve a conflict.
        let theirs = try env.world.commitOnOrigin(["components/observability/controllers/base/fix.yaml": "fixed: true\n"],
                                                  on: branch, message: "observability: fix on the proposal")

        let second = try env.propose("--skip-verify", "-v")
        #expect(second.status == 0, "\(second)\n\(env.api.log)")
        #expect(env.proposalBranch(tip) == theirs, "the person's commit is still the branch's tip")
        #expect(second.stderr.contains("already holds \(tip.prefix(7))"), "\(second)")
        let pulls = try env.api.pullRequests()
        #expect(pulls.count == 1 && pulls.first?["state"] as? String == "open", "\(pulls)")
    }

    @Test("A proposal branch rewritten without the revision is refused (exit 1) and left as it is")
    func rewrittenProposalBranchIsRefused() throws {
        let env = try ProposalWorld(.github)
        #expect(try env.propose("--skip-verify").status == 0)
        let tip = env.world.mainTip
        let branch = "promote/\(tip.prefix(12))"
        // The branch now holds production's tip: not the revision, and not a descendant of it.
        _ = try env.world.git("update-ref", "refs/heads/\(branch)", env.world.productionTip, in: env.world.origin)

        let second = try env.propose("--skip-verify")
        #expect(second.status == 1, "\(second)")
        #expect(second.stderr.contains("refused the push of \(branch)"), "\(second)")
        #expect(second.stderr.contains("refs/heads/\(branch) rejected:"), "libgit2's own refusal reads as the server's\n\(second)")
        #expect(second.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }.count == 1, "\(second)")
        #expect(env.proposalBranch(tip) == env.world.productionTip, "nothing was forced")
        env.expectNoToken(second)
    }

    @Test("GitHub: a newer revision closes the older pull request with a comment pointing at the new one")
    func gitHubNewerClosesOlder() throws {
        let env = try ProposalWorld(.github)
        let first = try env.propose("--skip-verify")
        #expect(first.status == 0, "\(first)")
        let newer = try env.advanceMain()
        let second = try env.propose("--staging-status", env.world.stagingStatus.path)
        #expect(second.status == 0, "\(second)\n\(env.api.log)")

        let pulls = try env.api.pullRequests()
        #expect(pulls.count == 2, "\(pulls)")
        let old = pulls.first { $0["number"] as? Int == 1 }
        let new = pulls.first { $0["number"] as? Int == 2 }
        #expect(old?["state"] as? String == "closed")
        #expect(new?["state"] as? String == "open")
        #expect((new?["head"] as? [String: Any])?["ref"] as? String == "promote/\(newer.prefix(12))")
        let comments = try env.api.comments()
        #expect(comments.count == 1, "\(comments)")
        #expect(comments.first?["number"] as? Int == 1)
        let comment = comments.first?["body"] as? String ?? ""
        #expect(comment.contains("#2") && comment.contains("/pull/2"), "\(comment)")
        let requests = try env.api.requests()
        let commentIndex = requests.firstIndex { $0.method == "POST" && $0.path.hasSuffix("/issues/1/comments") }
        let closeIndex = requests.firstIndex { $0.method == "PATCH" && $0.path.hasSuffix("/pulls/1") && $0.field("state") == "closed" }
        #expect(commentIndex != nil && closeIndex != nil && commentIndex! < closeIndex!, "comment, then close")
    }

    @Test("Older promotions on a later page are closed; other branches, forks and newer revisions stay open",
          arguments: [PullRequestAPIServer.Provider.github, .gitlab])
    func onlyOlderPromotionsAreClosed(provider: PullRequestAPIServer.Provider) throws {
        let env = try ProposalWorld(provider)
        let older = env.world.mainTip
        try env.world.git("push", "--quiet", "origin", "\(older):refs/heads/promote/\(older.prefix(12))")
        let proposed = try env.advanceMain()
        let middle = try env.world.commitOnOrigin(["components/storage/controllers/base/x.yaml": "x: 1\n"], on: "main",
                                                  message: "storage: x")
        let features = (1...120).map { "feature/\($0)" }
        try env.api.seed(features + ["promote/\(older.prefix(12))", "promote/\(middle.prefix(12))"],
                         forks: ["promote/\(older.prefix(12))"], into: "production")

        // Propose `proposed`, made before `middle`: the older one is closed, `middle` (newer) stays open.
        let result = try env.propose("--skip-verify", "--revision", proposed)
        #expect(result.status == 0, "\(result)\n\(env.api.log)")
        let pulls = try env.api.pullRequests()
        func state(_ branch: String, fork: Bool = false) -> String? {
            pulls.first { pull in
                let head = (pull["head"] as? [String: Any])
                let ref = head?["ref"] as? String ?? pull["source_branch"] as? String
                let fromFork = ((head?["repo"] as? [String: Any])?["full_name"] as? String).map { $0 != ProposalWorld.repository }
                    ?? ((pull["source_project_id"] as? Int) != (pull["target_project_id"] as? Int))
                return ref == branch && fromFork == fork
            }?["state"] as? String
        }
        let open = provider == .github ? "open" : "opened"
        #expect(state("promote/\(older.prefix(12))") == "closed", "the older promotion, on the second page, is closed")
        #expect(state("promote/\(middle.prefix(12))") == open, "a newer revision stays open")
        #expect(state("promote/\(older.prefix(12))", fork: true) == open, "a fork's branch is not ours")
        #expect(state("feature/7") == open && state("feature/120") == open)
        #expect(state("promote/\(proposed.prefix(12))") == open)
        #expect(try env.api.comments().count == 1)
        let lists = try env.api.requests().filter { $0.method == "GET" }
        #expect(lists.count == 2, "two pages: \(lists.map(\.query))")
    }

    @Test("GitLab: a refused token and a refused merge request are clear errors")
    func gitLabErrors() throws {
        let env = try ProposalWorld(.gitlab)
        let refused = try env.propose("--staging-status", env.world.stagingStatus.path, token: .some("glpat-NotTheRightOne99"))
        expectOneLineError(refused, code: 1, mentions: ["GitLab", "GITLAB_TOKEN", "401 Unauthorized"], reportOnStdout: true)
        #expect(!refused.stderr.contains("glpat-NotTheRightOne99") && !refused.stdout.contains("glpat-NotTheRightOne99"))

        try env.api.failNext("POST", pathSuffix: "/merge_requests", status: 403, body: ["message": "403 Forbidden"])
        let forbidden = try env.propose("--staging-status", env.world.stagingStatus.path)
        expectOneLineError(forbidden, code: 1, mentions: ["403 Forbidden", "GITLAB_TOKEN", "write access"], reportOnStdout: true)
        env.expectNoToken(forbidden)
    }

    @Test("GitHub: a refused token (401) is a clear error without the token")
    func gitHubUnauthorized() throws {
        let env = try ProposalWorld(.github)
        let wrong = "ghp_Wr0ngT0kenThatMustNotShow"
        let result = try env.propose("--staging-status", env.world.stagingStatus.path, token: .some(wrong))
        expectOneLineError(result, code: 1, mentions: ["GitHub", "GITHUB_TOKEN", "401", "Bad credentials"], reportOnStdout: true)
        #expect(!result.stdout.contains(wrong) && !result.stderr.contains(wrong), "\(result)")
        env.expectNoToken(result)
    }

    @Test("GitHub: a 422 shows GitHub's message and errors")
    func gitHubValidationFailed() throws {
        let env = try ProposalWorld(.github)
        try env.api.failNext("POST", pathSuffix: "/pulls", status: 422, body: [
            "message": "Validation Failed",
            "errors": [["resource": "PullRequest", "code": "custom", "message": "No commits between production and promote/x"]],
            "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
        ])
        let result = try env.propose("--staging-status", env.world.stagingStatus.path)
        expectOneLineError(result, code: 1, mentions: ["422", "Validation Failed", "No commits between production and promote/x"],
                           reportOnStdout: true)
        env.expectNoToken(result)
    }

    @Test("GitHub: 5xx answers are retried; when they persist, a clear error")
    func gitHubServerErrors() throws {
        let env = try ProposalWorld(.github)
        try env.api.failNext("GET", pathSuffix: "/pulls", status: 502, body: ["message": "Server Error"], times: 2)
        let recovered = try env.propose("--skip-verify")
        #expect(recovered.status == 0, "two 502s, then an answer\n\(recovered)")
        #expect(try env.api.pullRequests().count == 1)

        try env.api.failNext("PATCH", pathSuffix: "/pulls/1", status: 503, body: ["message": "Service Unavailable"], times: 10)
        let failed = try env.propose("--staging-status", env.world.stagingStatus.path)
        expectOneLineError(failed, code: 1, mentions: ["503", "attempts", "try again later"], reportOnStdout: true)
        #expect(try env.api.requests().filter { $0.method == "PATCH" }.count == 4, "retried, then gave up")
        env.expectNoToken(failed)
    }

    @Test("GitHub: a 429 (secondary rate limit) is retried, not reported")
    func gitHubRateLimited() throws {
        let env = try ProposalWorld(.github)
        try env.api.failNext("POST", pathSuffix: "/pulls", status: 429,
                             body: ["message": "You have exceeded a secondary rate limit."], times: 1)
        let result = try env.propose("--skip-verify")
        #expect(result.status == 0, "\(result)\n\(env.api.log)")
        #expect(try env.api.requests().filter { $0.method == "POST" && $0.path.hasSuffix("/pulls") }.count == 2, "refused once, then opened")
        #expect(try env.api.pullRequests().count == 1)
        env.expectNoToken(result)
    }

    @Test("GitHub: a pull request opened although the answer was lost is found and updated, not opened twice")
    func gitHubLostAnswer() throws {
        let env = try ProposalWorld(.github)
        try env.api.failNext("POST", pathSuffix: "/pulls", status: 502, body: ["message": "Bad Gateway"], times: 4,
                             afterHandling: true)
        let result = try env.propose("--staging-status", env.world.stagingStatus.path)
        #expect(result.status == 0, "\(result)\n\(env.api.log)")
        #expect(try env.api.pullRequests().count == 1)
        #expect(try env.api.requests().contains { $0.method == "PATCH" && $0.path.hasSuffix("/pulls/1") })
        #expect(result.stdout.contains("pull/1"), "\(result)")
    }

    @Test("A conflicting proposal still opens the pull request, lists the paths and exits 4")
    func conflictStillProposes() throws {
        let env = try ProposalWorld(.github, conflict: true)
        let result = try env.propose("--staging-status", env.world.stagingStatus.path)

        #expect(result.status == 4, "\(result)\n\(env.api.log)")
        let tip = try env.world.revParse("refs/heads/main", in: env.world.origin)
        #expect(env.proposalBranch(tip) == tip)
        let create = try #require(try env.api.requests().first { $0.method == "POST" && $0.path.hasSuffix("/pulls") })
        let body = try #require(create.field("body"))
        #expect(body.contains("### Conflicts"), "\(body)")
        for path in SampleWorld.conflictingPaths {
            #expect(body.contains(path), "the body names \(path)\n\(body)")
        }
        let errors = result.stderrLines.filter { $0.hasPrefix("error:") }
        #expect(errors.count == 1 && errors[0].contains("pull/1") && errors[0].contains("conflict"), "\(result)")
    }

    @Test("Without a token: the compare URL and the body, exit 0, no API call")
    func noTokenPrintsCompareURL() throws {
        let env = try ProposalWorld(.github)
        let result = try env.propose("--skip-verify", token: .some(nil))

        #expect(result.status == 0, "\(result)")
        let tip = env.world.mainTip
        #expect(env.proposalBranch(tip) == tip, "the branch is pushed all the same")
        let url = "https://127.0.0.1/acme/keos-system-services/compare/production...promote/\(tip.prefix(12))?expand=1"
        #expect(result.stdout.contains("Open the pull request: \(url)"), "\(result)")
        #expect(result.stdout.hasPrefix("## Promote `main@"), "the body comes first on stdout\n\(result)")
        #expect(result.stdout.contains("`observability`"), "\(result)")
        #expect(try env.api.requests().isEmpty)
    }

    @Test("--body-file receives the full plan; an oversized plan gives a body under GitHub's limit that names every component")
    func oversizedBody() throws {
        let env = try ProposalWorld(.github)
        var files: [String: String?] = [:]
        let components = (1...30).map { String(format: "component-%02d", $0) }
        for component in components {
            for index in 1...25 {
                files["components/\(component)/controllers/base/a-rather-long-file-name-to-make-the-plan-big-\(index).yaml"] = "index: \(index)\n"
            }
        }
        try env.world.commitOnOrigin(files, on: "main", message: "many components")
        let bodyFile = env.world.directory.url.appendingPathComponent("body.md")
        let result = try env.propose("--skip-verify", "--body-file", bodyFile.path)
        #expect(result.status == 0, "\(result)\n\(env.api.log)")

        let full = try String(contentsOf: bodyFile, encoding: .utf8)
        #expect(full.utf16.count > 65_536, "the plan is larger than the limit: \(full.utf16.count)")
        let body = try #require(try env.api.requests().first { $0.method == "POST" && $0.path.hasSuffix("/pulls") }?.field("body"))
        #expect(body.utf16.count <= 65_536, "\(body.utf16.count)")
        #expect(body.contains("shortened"), "the body says it was shortened")
        for component in components + ["observability"] {
            #expect(body.contains("`\(component)`"), "the body names \(component)")
            #expect(full.contains("`\(component)`"))
        }
        #expect(full.contains("a-rather-long-file-name-to-make-the-plan-big-25.yaml"), "the file has every file")
    }

    @Test("--dry-run --propose pushes nothing and calls no API")
    func dryRunProposesNothing() throws {
        let env = try ProposalWorld(.github)
        let before = try env.world.refs(of: env.world.origin)
        let result = try env.propose("--skip-verify", "--dry-run")
        #expect(result.status == 0, "\(result)")
        #expect(try env.world.refs(of: env.world.origin) == before)
        #expect(try env.api.requests().isEmpty)
        #expect(result.stdout.contains("would propose"), "\(result)")

        let signed = try env.propose("--skip-verify", "--dry-run", "--sign")
        #expect(signed.status == 0, "\(signed)")
        #expect(signed.stderr.contains("signing does not apply to a proposal"), "\(signed)")
    }

    @Test("GitLab: opens the merge request, updates it, and a newer revision closes the older one with a note")
    func gitLabMergeRequests() throws {
        let env = try ProposalWorld(.gitlab)
        let first = try env.propose("--skip-verify")
        #expect(first.status == 0, "\(first)\n\(env.api.log)")
        let again = try env.propose("--skip-verify")
        #expect(again.status == 0, "\(again)")
        let newer = try env.advanceMain()
        let third = try env.propose("--staging-status", env.world.stagingStatus.path)
        #expect(third.status == 0, "\(third)\n\(env.api.log)")
        env.expectNoToken(third)

        let requests = try env.api.requests()
        let project = "/api/v4/projects/acme%2Fkeos-system-services/merge_requests"
        let creates = requests.filter { $0.method == "POST" && $0.path == project }
        #expect(creates.count == 2, "\(requests.map { "\($0.method) \($0.path)" })")
        #expect(creates.first?.field("source_branch") == "promote/\(env.world.mainTip.prefix(12))")
        #expect(creates.first?.field("target_branch") == "production")
        #expect(creates.first?.field("title") == "Promote main@\(env.world.mainTip.prefix(7)) to production")
        #expect(creates.first?.field("description")?.contains("## Promote") == true)
        #expect(requests.contains { $0.method == "PUT" && $0.path == "\(project)/1" && $0.field("description") != nil },
                "the second run updates !1")
        #expect(requests.allSatisfy { $0.headers["private-token"] == env.token })
        let mrs = try env.api.pullRequests()
        #expect(mrs.map { $0["state"] as? String } == ["closed", "opened"], "\(mrs)")
        #expect(mrs.last?["source_branch"] as? String == "promote/\(newer.prefix(12))")
        let notes = try env.api.comments()
        #expect(notes.count == 1 && (notes.first?["body"] as? String)?.contains("!2") == false)
        #expect((notes.first?["body"] as? String)?.contains("merge_requests/2") == true, "\(notes)")
    }

    @Test("GitLab: without a token, the merge request's compare URL")
    func gitLabNoToken() throws {
        let env = try ProposalWorld(.gitlab)
        let result = try env.propose("--skip-verify", "--output", "json", token: .some(nil))
        #expect(result.status == 0, "\(result)")
        try ReportSchema.expectValid(result)
        let report = try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any]
        let url = (report?["result"] as? [String: Any])?["compareURL"] as? String
        #expect(url == "https://127.0.0.1/acme/keos-system-services/-/merge_requests/new?merge_request%5Bsource_branch%5D=promote/\(env.world.mainTip.prefix(12))&merge_request%5Btarget_branch%5D=production")
        #expect(try env.api.requests().isEmpty)
    }

    @Test("The config file's proposal section is used; flags win over it")
    func configFileProposal() throws {
        let env = try ProposalWorld(.gitlab)
        let config = env.world.root.appendingPathComponent("keos.yaml")
        try Data("""
        proposal:
          provider: gitlab
          apiURL: \(env.api.apiURL)
          repository: acme/some-other-project

        """.utf8).write(to: config)
        let result = try env.world.keos(["--propose", "--skip-verify", "--config", config.path,
                                         "--repository", ProposalWorld.repository],
                                        environment: ["GITLAB_TOKEN": env.token])
        #expect(result.status == 0, "\(result)\n\(env.api.log)")
        #expect(try env.api.pullRequests().count == 1)
        #expect(try env.api.requests().allSatisfy { $0.path.hasPrefix("/api/v4/projects/acme%2Fkeos-system-services/") })
    }

    @Test("Bad proposal flags: one line, exit 2, nothing pushed", arguments: [
        (["--api-url", "ftp://example.com"], "--api-url"),
        (["--api-url", "https://user:secret@example.com"], "credentials"),
        (["--repository", "just-a-name"], "OWNER/NAME"),
        (["--provider", "bitbucket"], "provider"),
    ])
    func badFlags(arguments: [String], mention: String) throws {
        let world = try SampleWorld()
        let before = try world.refs(of: world.origin)
        let result = try world.keos(["--propose", "--skip-verify"] + arguments)
        expectOneLineError(result, code: 2, mentions: [mention])
        #expect(!result.stderr.contains("secret"))
        #expect(try world.refs(of: world.origin) == before)
    }

    @Test("A provider that cannot be guessed from the remote is exit 2, naming --provider")
    func providerNotGuessable() throws {
        let world = try SampleWorld()
        try world.git("remote", "set-url", "origin", "https://git.example.com/acme/keos-system-services.git")
        let result = try world.keos("--propose", "--skip-verify", "--no-fetch")
        expectOneLineError(result, code: 2, mentions: ["--provider", "git.example.com"])
    }

    @Test("Proposal flags need --propose")
    func flagsNeedPropose() throws {
        let world = try SampleWorld()
        let result = try world.keos("--dry-run", "--body-file", "x.md")
        expectOneLineError(result, code: 2, mentions: ["--body-file", "--propose"])
    }
}
