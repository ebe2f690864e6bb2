import Foundation

/// Where a proposal goes: the provider, its API, the repository on it, and the repository's web page.
///
/// Settings (flags over the config file's `proposal:`) win; what they leave open comes from the remote's URL
/// as written in the repository config: the provider from its host (`github` or `gitlab` in the name), the
/// repository from its path, and the API from the provider (`https://api.github.com`,
/// `https://gitlab.com/api/v4`; `https://<host>/api/v3` or `/api/v4` for another host of that provider).
public struct ProposalEndpoint: Sendable, Equatable {
    public var provider: ProposalSettings.Provider
    /// The API root, without a trailing slash.
    public var apiURL: String
    /// `OWNER/NAME` (GitLab: `group/subgroup/name`).
    public var repository: String
    /// `https://<host>/<repository>`, for compare links.
    public var webURL: String

    public init(provider: ProposalSettings.Provider, apiURL: String, repository: String, webURL: String) {
        self.provider = provider
        self.apiURL = apiURL
        self.repository = repository
        self.webURL = webURL
    }

    /// The endpoint for `settings` and the remote's URL (`nil`: no such remote); throws `badInput` naming what
    /// to pass when something cannot be told.
    public static func resolve(settings: ProposalSettings?, remoteURL: String?) throws(PromoteError) -> ProposalEndpoint {
        let settings = settings ?? ProposalSettings()
        let address = remoteURL.flatMap(RemoteAddress.init).flatMap { $0.scheme == "file" ? nil : $0 }
        let host = address?.host.lowercased()
        let shownRemote = remoteURL.map { DisplayText.escaped(RepositoryURL($0).displayForm) } ?? "(none)"

        let apiHost = settings.apiURL.flatMap { URL(string: $0)?.host?.lowercased() }
        guard let provider = settings.provider ?? host.flatMap(guess) ?? apiHost.flatMap(guess) else {
            throw PromoteError(.badInput, "cannot tell whether the remote \(shownRemote) is on GitHub or GitLab: pass --provider github|gitlab (or set proposal.provider in the config file)")
        }
        let repository: String
        if let named = settings.repository {
            repository = named
        } else if let path = address.map(\.path), let derived = repositoryPath(path) {
            repository = derived
        } else {
            throw PromoteError(.badInput, "cannot tell the repository from the remote \(shownRemote): pass --repository OWNER/NAME")
        }
        if provider == .github && repository.split(separator: "/").count != 2 {
            throw PromoteError(.badInput, "GitHub repositories are OWNER/NAME, not '\(DisplayText.escaped(repository))': pass --repository OWNER/NAME")
        }
        let apiURL = settings.apiURL ?? defaultAPI(provider, host: host)
        return ProposalEndpoint(provider: provider, apiURL: trimmingSlashes(apiURL), repository: repository,
                                webURL: webRoot(address, provider: provider) + "/" + repository)
    }

    /// `GitHub` or `GitLab`, for messages.
    public var providerName: String { provider == .github ? "GitHub" : "GitLab" }

    /// The variable the token comes from.
    public var tokenVariable: String { provider == .github ? "GITHUB_TOKEN" : "GITLAB_TOKEN" }

    /// The longest body the provider accepts, in characters (GitHub 65,536; GitLab 1,000,000).
    public var bodyLimit: Int { provider == .github ? 65_536 : 1_000_000 }

    /// The page on which a person opens the pull request by hand.
    public func compareURL(source: String, target: String) -> String {
        switch provider {
        case .github:
            return "\(webURL)/compare/\(Self.escaped(target))...\(Self.escaped(source))?expand=1"
        case .gitlab:
            return "\(webURL)/-/merge_requests/new?merge_request%5Bsource_branch%5D=\(Self.escaped(source))"
                + "&merge_request%5Btarget_branch%5D=\(Self.escaped(target))"
        }
    }

    /// The token in `environment`, when set and not empty.
    public func token(in environment: [String: String]) -> String? {
        guard let value = environment[tokenVariable]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }

    // MARK: Guessing

    private static func guess(_ host: String) -> ProposalSettings.Provider? {
        if host.contains("github") { return .github }
        if host.contains("gitlab") { return .gitlab }
        return nil
    }

    /// `org/repo` from `/org/repo.git/`; `nil` with fewer than two segments.
    private static func repositoryPath(_ path: String) -> String? {
        var segments = path.split(separator: "/").map(String.init)
        if let last = segments.last, last.hasSuffix(".git") { segments[segments.count - 1] = String(last.dropLast(4)) }
        segments.removeAll { $0.isEmpty }
        return segments.count >= 2 ? segments.joined(separator: "/") : nil
    }

    private static func defaultAPI(_ provider: ProposalSettings.Provider, host: String?) -> String {
        switch provider {
        case .github:
            guard let host, host != "github.com", !host.hasSuffix(".github.com") else { return "https://api.github.com" }
            return "https://\(host)/api/v3"
        case .gitlab:
            guard let host, host != "gitlab.com", !host.hasSuffix(".gitlab.com") else { return "https://gitlab.com/api/v4" }
            return "https://\(host)/api/v4"
        }
    }

    /// `https://host` (an `http(s)` remote keeps its scheme and port; SSH and git remotes have a web page on https);
    /// the provider's public site when the remote names no host.
    private static func webRoot(_ address: RemoteAddress?, provider: ProposalSettings.Provider) -> String {
        guard let address else { return provider == .github ? "https://github.com" : "https://gitlab.com" }
        let host = address.host.contains(":") ? "[\(address.host)]" : address.host
        if address.isHTTP, let scheme = address.scheme {
            return "\(scheme)://\(host)" + (address.port.map { ":\($0)" } ?? "")
        }
        return "https://\(host)"
    }

    private static func trimmingSlashes(_ text: String) -> String {
        var text = text
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// A branch name in a URL: path-safe characters and `/` stay.
    private static func escaped(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

extension ProposalSettings {
    /// Why `text` cannot be a provider's API root (`--api-url`, `proposal.apiURL`), or `nil` when it can.
    public static func apiURLProblem(_ text: String) -> String? {
        guard let url = URL(string: text), ["https", "http"].contains(url.scheme?.lowercased() ?? ""),
              let host = url.host, !host.isEmpty else {
            return "\"\(CredentialRedaction.redact(DisplayText.escaped(text)))\" is not an http(s) URL"
        }
        guard url.user == nil && url.password == nil else {
            return "must not carry credentials; use GITHUB_TOKEN or GITLAB_TOKEN"
        }
        guard url.query == nil && url.fragment == nil else {
            return "\"\(DisplayText.escaped(text))\" must be the API root, without a query or fragment"
        }
        return nil
    }

    /// Why `text` cannot be a repository on a provider (`--repository`, `proposal.repository`), or `nil`.
    public static func repositoryProblem(_ text: String) -> String? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let valid = parts.count >= 2 && parts.allSatisfy { part in
            !part.isEmpty && part != "." && part != ".."
                && !part.contains { $0.isWhitespace || $0.unicodeScalars.contains { DisplayText.needsEscape($0) } || "?#%\\".contains($0) }
        }
        return valid ? nil : "\"\(DisplayText.escaped(text))\" is not OWNER/NAME"
    }
}
