import ArgumentParser
import Promote

/// `keos-promote`: promote a Flux GitOps repository's main branch into production.
struct RootCommand: ParsableCommand {
    static let configuration: CommandConfiguration = makeConfiguration(defaultSubcommand: PromoteCommand.self)

    static let subcommands: [ParsableCommand.Type] = [
        PromoteCommand.self, VerifyCommand.self, DiffCommand.self, StatusCommand.self, GenerateManualCommand.self,
    ]

    static func makeConfiguration(defaultSubcommand: ParsableCommand.Type?) -> CommandConfiguration {
        CommandConfiguration(
            commandName: "keos-promote",
            abstract: "Promote a Flux GitOps repository's main branch into production, once staging has reconciled it.",
            version: KeosPromote.version,
            subcommands: subcommands,
            defaultSubcommand: defaultSubcommand
        )
    }

    /// The root to parse `arguments` (without the program name) with: the same command tree, without a
    /// default subcommand when the first argument names one.
    ///
    /// swift-argument-parser reflects every option of the default subcommand on each parsing pass, to learn
    /// whether it captures all input, even when the arguments name another subcommand (about 10 M instructions
    /// for `promote`'s options, a third of parsing a `diff`). With a subcommand named, no default is needed.
    static func parser(for arguments: [String]) -> ParsableCommand.Type {
        guard let first = arguments.first, subcommands.contains(where: { $0._commandName == first }) else { return self }
        return NamedSubcommandRoot.self
    }
}

/// `keos-promote SUBCOMMAND ...`: `RootCommand` without the default subcommand (see `RootCommand.parser(for:)`).
struct NamedSubcommandRoot: ParsableCommand {
    static let configuration: CommandConfiguration = RootCommand.makeConfiguration(defaultSubcommand: nil)
}

/// Fast-forward policy flags: `--ff`, `--no-ff`, `--ff-only`.
enum FastForwardFlag: String, EnumerableFlag {
    case ff, noFf, ffOnly

    static func name(for value: FastForwardFlag) -> NameSpecification {
        switch value {
        case .ff: .customLong("ff")
        case .noFf: .customLong("no-ff")
        case .ffOnly: .customLong("ff-only")
        }
    }

    static func help(for value: FastForwardFlag) -> ArgumentHelp? {
        switch value {
        case .ff: "Fast-forward when the target has nothing of its own (default)."
        case .noFf: "Always create a merge commit."
        case .ffOnly: "Only fast-forward; refuse (exit 4) when a merge is needed."
        }
    }

    var policy: FastForwardPolicy {
        switch self {
        case .ff: .allowed
        case .noFf: .never
        case .ffOnly: .only
        }
    }
}

struct PromoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Verify staging, plan, and merge the revision into the target branch (the default command)."
    )

    @OptionGroup var common: CommonOptions

    @Flag(name: .customLong("dry-run"), help: "Plan and show the per-component diff; write nothing.")
    var dryRun = false

    @Option(help: ArgumentHelp("What to promote: full or short SHA, or a ref (default: what staging runs).", valueName: "rev"))
    var revision: String?

    @Flag(exclusivity: .exclusive)
    var fastForward: FastForwardFlag?

    @Flag(help: "Do not ask for confirmation on a terminal.")
    var yes = false

    @Option(help: ArgumentHelp("Re-plan this often when the target moved during the push (default: 3).", valueName: "n"))
    var retries: Int?

    @OptionGroup(title: "Proposing") var proposal: ProposalOptions

    @Flag(help: "Sign the merge commit (OpenPGP through gpg, or SSH through ssh-keygen; git's gpg.format decides, or the config file's signing.format).")
    var sign = false

    @Option(name: .customLong("signing-key"),
            help: ArgumentHelp("The key --sign signs with: an OpenPGP key id, or an SSH key file (default: signing.key in the config file, else git's user.signingkey).", valueName: "key"))
    var signingKey: String?

    func validate() throws {
        if let retries, !(0...100).contains(retries) {
            throw ValidationError("--retries must be between 0 and 100, got \(retries)")
        }
        try proposal.validate()
        if signingKey?.isEmpty == true { throw ValidationError("--signing-key must not be empty") }
    }

    func run() throws {
        let runner = CommandRunner(common: common, assumeYes: yes, bodyFile: proposal.bodyFile)
        try runner.run(.promote, configure: { (options: inout PromoteOptions) throws(PromoteError) in
            options.revision = revision
            options.dryRun = dryRun
            if let fastForward { options.fastForward = fastForward.policy }
            if let retries { options.retries = retries }
            proposal.apply(to: &options)
            try applySigning(to: &options)
        }) { $0.promote() }
    }

    /// `--sign` turns signing on and `--signing-key` picks the key; a key without signing on is a mistake.
    private func applySigning(to options: inout PromoteOptions) throws(PromoteError) {
        guard sign || signingKey != nil else { return }
        var settings = options.signing ?? SigningSettings()
        if sign { settings.enabled = true }
        if let signingKey { settings.key = signingKey }
        guard settings.enabled else {
            throw PromoteError(.badInput, "--signing-key picks the key to sign with, but signing is off: add --sign (or set signing.enabled: true in the config file)")
        }
        options.signing = settings
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that every staging cluster reconciled the revision (exit 0) or not (exit 3)."
    )

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("The revision to check (default: what staging runs).", valueName: "rev"))
    var revision: String?

    @Option(help: ArgumentHelp("Keep checking until staging reconciled the revision or this time is up (e.g. 10m).", valueName: "duration"))
    var wait: String?

    func validate() throws {
        if let wait, DurationText.seconds(wait) == nil {
            throw ValidationError("--wait: '\(wait)' is not a duration (use e.g. 90s, 10m, 1h)")
        }
    }

    func run() throws {
        try CommandRunner(common: common, assumeYes: true).run(.verify, configure: {
            $0.revision = revision
            $0.waitTimeout = wait.flatMap(DurationText.seconds)
        }) { $0.verify() }
    }
}

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show, per component, what the target would receive."
    )

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp("The revision to compare (default: what staging runs, else the source tip).", valueName: "rev"))
    var revision: String?

    @Flag(name: .customLong("exit-code"), help: "Exit 1 when there are differences, as `git diff --exit-code` does.")
    var exitCode = false

    func run() throws {
        try CommandRunner(common: common, assumeYes: true, diffExitCode: exitCode).run(.diff, configure: { $0.revision = revision }) { $0.diff() }
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "A release manager's dashboard: per environment its tip and what its clusters run, and what waits for promotion."
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("production-status"),
            help: ArgumentHelp("Flux status of one production cluster, to show what production runs; repeat per cluster; NAME=FILE names the cluster.", valueName: "file"),
            completion: .file(extensions: ["json"]))
    var productionStatus: [String] = []

    func run() throws {
        try CommandRunner(common: common, assumeYes: true).run(.status, configure: { options in
            if !productionStatus.isEmpty { options.productionStatusFiles = productionStatus }
        }) { $0.status() }
    }
}
