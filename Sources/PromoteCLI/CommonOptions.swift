import ArgumentParser
import Promote

/// How results are printed on stdout.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown
}

/// Flags every subcommand takes.
struct CommonOptions: ParsableArguments {
    @Option(name: .customShort("C"), help: ArgumentHelp("The local clone (bare or not).", valueName: "path"))
    var path: String = "."

    @Option(help: ArgumentHelp("Work without a clone: a bare mirror of this remote in the cache folder ($XDG_CACHE_HOME/keos-promote).", valueName: "url"))
    var url: String?

    @Option(help: "The remote to fetch from and push to.")
    var remote: String = "origin"

    @Option(help: "The branch staging reconciles.")
    var source: String = "main"

    @Option(help: "The branch production reconciles.")
    var target: String = "production"

    @Option(name: .customLong("components-dir"), help: ArgumentHelp("Folder that holds the components.", valueName: "path"))
    var componentsDirectory: String = "components"

    @Flag(name: .customLong("no-fetch"), help: "Use the remote-tracking branches as they are; do not fetch first.")
    var noFetch = false

    @Option(help: "text, json or markdown.")
    var output: OutputFormat = .text

    @Option(name: .customLong("staging-status"),
            help: ArgumentHelp("Flux status of one staging cluster: the JSON of `kubectl get gitrepositories,kustomizations,helmreleases -A -o json`; repeat per cluster; NAME=FILE names the cluster.", valueName: "file"))
    var stagingStatus: [String] = []

    @Option(help: ArgumentHelp("Kubeconfig of the staging clusters (default: KUBECONFIG, else ~/.kube/config, else in-cluster).", valueName: "file"))
    var kubeconfig: String?

    @Option(name: .customLong("context"),
            help: ArgumentHelp("Kubeconfig context of a staging cluster; repeat per cluster (default: the current context).", valueName: "name"))
    var contexts: [String] = []

    @Option(name: .customLong("request-timeout"),
            help: ArgumentHelp("Longest wait for one Kubernetes API answer (default 30s).", valueName: "duration"))
    var requestTimeout: String?

    @Flag(name: .customLong("skip-verify"), help: "Do not check staging (loudly warned and recorded in the commit).")
    var skipVerify = false

    @Option(name: .customLong("min-soak"), help: ArgumentHelp("Require the revision to have run on staging this long (e.g. 30m, 2h, 1d).", valueName: "duration"))
    var minSoak: String?

    @Option(name: .customLong("ssh-key"),
            help: ArgumentHelp("SSH private key for ssh:// and scp-like remotes (default: KEOS_PROMOTE_SSH_KEY, the ssh-agent, ~/.ssh/id_ed25519 or id_ecdsa).", valueName: "file"))
    var sshKey: String?

    @Option(name: .customLong("known-hosts"),
            help: ArgumentHelp("Trusted SSH host keys (default ~/.ssh/known_hosts); unknown hosts are refused.", valueName: "file"))
    var knownHosts: String?

    @Flag(name: .shortAndLong, help: "Log each step on stderr.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors and warnings on stderr.")
    var quiet = false

    func validate() throws {
        if let minSoak, DurationText.seconds(minSoak) == nil {
            throw ValidationError("--min-soak: '\(minSoak)' is not a duration (use e.g. 90s, 30m, 2h, 1d)")
        }
        try validateStagingClusters()
        if let url {
            if url.isEmpty { throw ValidationError("--url must not be empty") }
            if path != "." { throw ValidationError("--url works without a clone; it cannot be combined with -C") }
        }
        if verbose && quiet { throw ValidationError("--verbose and --quiet exclude each other") }
        for name in [("--source", source), ("--target", target), ("--remote", remote)] where name.1.isEmpty {
            throw ValidationError("\(name.0) must not be empty")
        }
        if source == target { throw ValidationError("--source and --target are the same branch '\(source)'") }
    }

    /// The service options these flags ask for.
    func promoteOptions() -> PromoteOptions {
        var options = PromoteOptions()
        options.repositoryPath = path
        options.remoteURL = url
        options.remote = remote
        options.sourceBranch = source
        options.targetBranch = target
        options.componentsDirectory = componentsDirectory
        options.fetch = !noFetch
        options.stagingStatusFiles = stagingStatus
        options.kubeconfig = kubeconfig
        options.contexts = contexts
        options.skipVerify = skipVerify
        options.minimumSoak = minSoak.flatMap(DurationText.seconds)
        options.sshKey = sshKey
        options.knownHosts = knownHosts
        return options
    }
}
