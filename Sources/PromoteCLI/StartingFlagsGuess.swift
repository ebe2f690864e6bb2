import Promote

/// The `StartingFlags` the arguments seem to give, read in microseconds so that `PlanHeadStart` can begin a
/// plan while swift-argument-parser parses them (milliseconds).
///
/// Only a guess: the plan uses what was started only where the parsed options agree, so an argument read
/// wrongly here costs time, never a result. `StartingFlagsGuessTests` checks it against the parser.
enum StartingFlagsGuess {
    /// The subcommands that plan (the first is the default).
    static let planningCommands = [PromoteCommand._commandName, DiffCommand._commandName, StatusCommand._commandName]

    /// The flag an option with a value sets, by its name as `CommonOptions`, `PromoteCommand` and `DiffCommand`
    /// declare it; `nil` for every other argument.
    static func field(named name: String) -> WritableKeyPath<StartingFlags, String?>? {
        switch name {
        case "-C": \.path
        case "--config": \.config
        case "--url": \.url
        case "--remote": \.remote
        case "--source": \.source
        case "--target": \.target
        case "--components-dir": \.componentsDirectory
        case "--revision": \.revision
        default: nil
        }
    }

    /// Arguments that make the run print something instead of planning.
    static let nonPlanning: Set<String> = ["-h", "--help", "--version", "--generate-completion-script", "help"]

    /// The flags `arguments` (without the program name) give; `nil` when they do not ask for a plan.
    static func flags(in arguments: [String]) -> StartingFlags? {
        var rest = arguments[...]
        if let first = rest.first, !first.hasPrefix("-") {
            guard planningCommands.contains(first) else { return nil }
            rest = rest.dropFirst()
        }
        var flags = StartingFlags()
        while let argument = rest.popFirst(), argument != "--" {
            if nonPlanning.contains(argument) { return nil }
            let (name, attached) = split(argument)
            guard let field = field(named: name) else { continue }
            flags[keyPath: field] = attached ?? rest.popFirst()
        }
        return flags
    }

    /// `--name=value` as its name and value; anything else as is, without a value.
    private static func split(_ argument: String) -> (String, String?) {
        guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }
}
