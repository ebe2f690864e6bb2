import ArgumentParser
import Promote

/// The provider flag's values.
enum ProviderFlag: String, ExpressibleByArgument, CaseIterable {
    case github, gitlab

    var provider: ProposalSettings.Provider { self == .github ? .github : .gitlab }
}

/// `promote --propose` and its flags: push `promote/<revision>` and open or update a pull request.
struct ProposalOptions: ParsableArguments {
    @Flag(help: "Push branch promote/<revision> and open (or update) a pull request into the target instead of pushing the target; without a token, print the compare URL and the body.")
    var propose = false

    @Option(name: .customLong("body-file"),
            help: ArgumentHelp("With --propose: write the full Markdown plan (the pull request's body) to this file.", valueName: "file"),
            completion: .file())
    var bodyFile: String?

    @Option(help: ArgumentHelp("With --propose: github or gitlab (default: guessed from the remote's host).", valueName: "provider"))
    var provider: ProviderFlag?

    @Option(name: .customLong("api-url"),
            help: ArgumentHelp("With --propose: the provider's API root, for GitHub Enterprise or a self-managed GitLab (default: https://api.github.com, https://gitlab.com/api/v4, or https://<remote host>/api/v3|v4).", valueName: "url"))
    var apiURL: String?

    @Option(help: ArgumentHelp("With --propose: the repository on the provider, OWNER/NAME (GitLab: group/subgroup/name; default: from the remote URL).", valueName: "owner/name"))
    var repository: String?

    func validate() throws {
        if let apiURL, let problem = ProposalSettings.apiURLProblem(apiURL) {
            throw ValidationError("--api-url: \(problem)")
        }
        if let repository, let problem = ProposalSettings.repositoryProblem(repository) {
            throw ValidationError("--repository: \(problem)")
        }
        if bodyFile?.isEmpty == true { throw ValidationError("--body-file must not be empty") }
        if !propose {
            let given = [("--body-file", bodyFile != nil), ("--provider", provider != nil), ("--api-url", apiURL != nil),
                         ("--repository", repository != nil)].filter(\.1).map(\.0)
            if let first = given.first { throw ValidationError("\(first) works with --propose only") }
        }
    }

    /// Flags over the config file's `proposal:` section.
    func apply(to options: inout PromoteOptions) {
        options.propose = propose
        if let bodyFile { options.bodyFile = bodyFile }
        var settings = options.proposal ?? ProposalSettings()
        if let provider { settings.provider = provider.provider }
        if let apiURL { settings.apiURL = apiURL }
        if let repository { settings.repository = repository }
        options.proposal = settings
    }
}
