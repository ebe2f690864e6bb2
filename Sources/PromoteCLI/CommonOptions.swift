import ArgumentParser
import Foundation
import Promote

/// How results are printed on stdout.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown
}

/// Flags every subcommand takes.
///
/// Settings that `.keos-promote.yaml` can also hold are optional here: a flag that is not given leaves the
/// file's value (or the default) alone, so flags win over the file.
struct CommonOptions: ParsableArguments {
    @Option(name: .customShort("C"), help: ArgumentHelp("The local clone, bare or not (default: the current folder).", valueName: "path"),
            completion: .directory)
    var path: String?

    @Option(help: ArgumentHelp("Defaults for these flags (default: .keos-promote.yaml at the repository root).", valueName: "file"),
            completion: .file(extensions: ["yaml", "yml"]))
    var config: String?

    @Option(help: ArgumentHelp("Work without a clone: a bare mirror of this remote in the cache folder ($XDG_CACHE_HOME/keos-promote).", valueName: "url"))
    var url: String?

    @Option(help: ArgumentHelp("The remote to fetch from and push to (default: origin).", valueName: "name"))
    var remote: String?

    @Option(help: ArgumentHelp("The branch staging reconciles (default: main).", valueName: "branch"))
    var source: String?

    @Option(help: ArgumentHelp("The branch production reconciles (default: production).", valueName: "branch"))
    var target: String?

    @Option(name: .customLong("components-dir"), help: ArgumentHelp("Folder that holds the components (default: components).", valueName: "path"))
    var componentsDirectory: String?

    @Flag(name: .customLong("no-fetch"), help: "Use the remote-tracking branches as they are; do not fetch first.")
    var noFetch = false

    @Option(help: ArgumentHelp("What stdout gets: text (for a person), json (schemaVersion 1) or markdown (a pull-request body).", valueName: "format"))
    var output: OutputFormat = .text

    @Option(name: .customLong("staging-status"),
            help: ArgumentHelp("Flux status of one staging cluster: the JSON of `kubectl get gitrepositories,kustomizations,helmreleases -A -o json`; repeat per cluster; NAME=FILE names the cluster.", valueName: "file"),
            completion: .file(extensions: ["json"]))
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

    @Flag(name: .shortAndLong, help: "Print nothing but the requested data on stdout and errors and warnings on stderr: no text report, no progress.")
    var quiet = false

    func validate() throws {
        if let minSoak, DurationText.seconds(minSoak) == nil {
            throw ValidationError("--min-soak: '\(minSoak)' is not a duration (use e.g. 90s, 30m, 2h, 1d)")
        }
        try validateStagingClusters()
        if let url {
            if url.isEmpty { throw ValidationError("--url must not be empty") }
            if path != nil { throw ValidationError("--url works without a clone; it cannot be combined with -C") }
        }
        if verbose && quiet { throw ValidationError("--verbose and --quiet exclude each other") }
        for name in [("--source", source), ("--target", target), ("--remote", remote), ("-C", path), ("--config", config)] where name.1?.isEmpty == true {
            throw ValidationError("\(name.0) must not be empty")
        }
        if let source, source == target { throw ValidationError("--source and --target are the same branch '\(source)'") }
    }

    /// The flags that decide where a plan starts (the command's `--revision` is not among these).
    var startingFlags: StartingFlags {
        StartingFlags(path: path, config: config, url: url, remote: remote, source: source, target: target,
                      componentsDirectory: componentsDirectory)
    }

    /// Overwrites `options` with every flag that was given.
    func apply(to options: inout PromoteOptions) {
        startingFlags.apply(to: &options)
        if noFetch { options.fetch = false }
        if !stagingStatus.isEmpty { options.stagingStatusFiles = stagingStatus }
        if let kubeconfig { options.kubeconfig = kubeconfig }
        if !contexts.isEmpty { options.contexts = contexts }
        if skipVerify { options.skipVerify = true }
        if let seconds = minSoak.flatMap(DurationText.seconds) { options.minimumSoak = seconds }
        if let sshKey { options.sshKey = sshKey }
        if let knownHosts { options.knownHosts = knownHosts }
    }
}
