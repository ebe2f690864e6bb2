import Foundation
import Testing
@testable import Promote

/// Provider, API, repository and compare URL from the settings and the remote's URL.
@Suite struct ProposalEndpointTests {
    @Test("Guessed from the remote", arguments: [
        ("git@github.com:acme/keos-system-services.git", ProposalSettings.Provider.github, "https://api.github.com",
         "acme/keos-system-services", "https://github.com/acme/keos-system-services"),
        ("https://github.com/acme/keos-system-services", .github, "https://api.github.com",
         "acme/keos-system-services", "https://github.com/acme/keos-system-services"),
        ("ssh://git@github.example.com:2222/acme/repo.git", .github, "https://github.example.com/api/v3",
         "acme/repo", "https://github.example.com/acme/repo"),
        ("https://gitlab.com/platform/gitops/keos-system-services.git", .gitlab, "https://gitlab.com/api/v4",
         "platform/gitops/keos-system-services", "https://gitlab.com/platform/gitops/keos-system-services"),
        ("git@gitlab.example.com:group/sub/repo.git", .gitlab, "https://gitlab.example.com/api/v4",
         "group/sub/repo", "https://gitlab.example.com/group/sub/repo"),
        ("http://gitlab.internal:8080/team/repo", .gitlab, "https://gitlab.internal/api/v4",
         "team/repo", "http://gitlab.internal:8080/team/repo"),
    ])
    func guessed(remote: String, provider: ProposalSettings.Provider, api: String, repository: String, web: String) throws {
        let endpoint = try ProposalEndpoint.resolve(settings: nil, remoteURL: remote)
        #expect(endpoint == ProposalEndpoint(provider: provider, apiURL: api, repository: repository, webURL: web))
    }

    @Test func settingsWinOverTheRemote() throws {
        let settings = ProposalSettings(provider: .gitlab, apiURL: "https://code.example.com/api/v4/", repository: "a/b/c")
        let endpoint = try ProposalEndpoint.resolve(settings: settings, remoteURL: "git@github.com:acme/repo.git")
        #expect(endpoint == ProposalEndpoint(provider: .gitlab, apiURL: "https://code.example.com/api/v4",
                                             repository: "a/b/c", webURL: "https://github.com/a/b/c"))
    }

    @Test func theAPIURLsHostTellsTheProviderWhenTheRemoteCannot() throws {
        let settings = ProposalSettings(apiURL: "https://gitlab.example.com/api/v4")
        let endpoint = try ProposalEndpoint.resolve(settings: settings, remoteURL: "git://git.example.com/acme/repo.git")
        #expect(endpoint.provider == .gitlab)
    }

    @Test("Refused with the flag to pass", arguments: [
        (ProposalSettings(), "https://git.example.com/acme/repo.git", "--provider"),
        (ProposalSettings(provider: .github), "/srv/git/repo.git", "--repository"),
        (ProposalSettings(provider: .github), "https://github.com/onlyname", "--repository"),
        (ProposalSettings(provider: .github, repository: "a/b/c"), "https://github.com/a/b", "OWNER/NAME"),
    ])
    func refused(settings: ProposalSettings, remote: String, mention: String) {
        #expect {
            _ = try ProposalEndpoint.resolve(settings: settings, remoteURL: remote)
        } throws: { error in
            guard let error = error as? PromoteError else { return false }
            return error.kind == .badInput && error.message.contains(mention)
        }
    }

    @Test func aPasswordInTheRemoteIsNeverShown() {
        #expect {
            _ = try ProposalEndpoint.resolve(settings: nil, remoteURL: "https://user:s3cret-token@git.example.com/a/b.git")
        } throws: { error in
            let message = (error as? PromoteError)?.message ?? ""
            return message.contains("git.example.com") && !message.contains("s3cret-token")
        }
    }

    @Test func compareURLs() {
        let github = ProposalEndpoint(provider: .github, apiURL: "https://api.github.com", repository: "acme/repo",
                                      webURL: "https://github.com/acme/repo")
        #expect(github.compareURL(source: "promote/0123456789ab", target: "production")
                == "https://github.com/acme/repo/compare/production...promote/0123456789ab?expand=1")
        let gitlab = ProposalEndpoint(provider: .gitlab, apiURL: "https://gitlab.com/api/v4", repository: "g/s/repo",
                                      webURL: "https://gitlab.com/g/s/repo")
        #expect(gitlab.compareURL(source: "promote/0123456789ab", target: "release 1")
                == "https://gitlab.com/g/s/repo/-/merge_requests/new?merge_request%5Bsource_branch%5D=promote/0123456789ab&merge_request%5Btarget_branch%5D=release%201")
    }

    @Test func tokensComeFromTheProvidersVariable() {
        let github = ProposalEndpoint(provider: .github, apiURL: "", repository: "a/b", webURL: "")
        let gitlab = ProposalEndpoint(provider: .gitlab, apiURL: "", repository: "a/b", webURL: "")
        let environment = ["GITHUB_TOKEN": " gh \n", "GITLAB_TOKEN": ""]
        #expect(github.token(in: environment) == "gh")
        #expect(gitlab.token(in: environment) == nil)
        #expect(github.bodyLimit == 65_536 && gitlab.bodyLimit == 1_000_000)
    }

    @Test func flagValuesAreChecked() {
        #expect(ProposalSettings.apiURLProblem("https://github.example.com/api/v3") == nil)
        #expect(ProposalSettings.apiURLProblem("ftp://x")?.contains("not an http(s) URL") == true)
        #expect(ProposalSettings.apiURLProblem("https://u:p@x.example.com")?.contains("credentials") == true)
        #expect(ProposalSettings.apiURLProblem("https://x.example.com/api?x=1") != nil)
        #expect(ProposalSettings.repositoryProblem("acme/repo") == nil)
        #expect(ProposalSettings.repositoryProblem("group/sub/repo") == nil)
        for bad in ["repo", "acme/", "/repo", "acme//repo", "acme/re po", "acme/../x", "acme/r?x"] {
            #expect(ProposalSettings.repositoryProblem(bad) != nil, "\(bad)")
        }
    }
}
