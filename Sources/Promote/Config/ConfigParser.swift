import Foundation
import Yams

/// Parses the text of a `.keos-promote.yaml` into a `PromoteConfig`.
///
/// Strict: an unknown key, a key set twice, a wrong type or an impossible value is an error naming the file,
/// line and column (exit 2). A key with no value (`null`) counts as not set, so a section whose keys are all
/// commented out is fine. Relative paths (status files, kubeconfig) are resolved against `baseDirectory`;
/// `~/` means the home folder.
public struct ConfigParser {
    public static let topLevelKeys = ["version", "remote", "branches", "componentsDir", "environments", "staging",
                                      "production", "merge", "signing", "proposal"]

    let reader: ConfigReader
    let baseDirectory: String
    let homeDirectory: String

    /// - Parameters:
    ///   - fileName: the file as shown in messages.
    ///   - baseDirectory: what relative paths in the file are relative to.
    ///   - homeDirectory: what `~` stands for.
    public init(fileName: String, baseDirectory: String, homeDirectory: String) {
        self.reader = ConfigReader(fileName: fileName)
        self.baseDirectory = baseDirectory
        self.homeDirectory = homeDirectory
    }

    /// The settings in `text`; an empty file (or one with comments only) sets nothing.
    public func parse(_ text: String) throws(PromoteError) -> PromoteConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .default, .default, .utf8)
        } catch let error as YamlError {
            throw syntaxError(error)
        } catch {
            throw reader.error(at: nil, "not valid YAML: \(error)")
        }
        guard let root, !reader.isNull(root) else { return PromoteConfig() }
        let top = try reader.mapping(root, "", known: Self.topLevelKeys)
        var config = PromoteConfig()
        if let version = top["version"]?.value {
            _ = try reader.integer(version, "version", in: 1...1)
        }
        if let node = top["remote"]?.value { config.remote = try name(node, "remote") }
        if let node = top["branches"]?.value {
            let branches = try reader.mapping(node, "branches", known: ["source", "target"])
            if let pair = branches["source"] { config.sourceBranch = try name(pair.value, "branches.source") }
            if let pair = branches["target"] { config.targetBranch = try name(pair.value, "branches.target") }
            if let source = config.sourceBranch, source == config.targetBranch, let target = branches["target"] {
                throw reader.error(at: target.value, "branches.target: is the same branch as branches.source (\"\(DisplayText.escaped(source))\")")
            }
        }
        if let node = top["componentsDir"]?.value {
            config.componentsDirectory = try reader.string(node, "componentsDir")
        }
        if let node = top["environments"]?.value { config.environmentFolders = try environments(node) }
        if let node = top["staging"]?.value { config.staging = try staging(node) }
        if let node = top["production"]?.value {
            let section = try reader.mapping(node, "production", known: ["statusFiles"])
            if let pair = section["statusFiles"] {
                config.production.statusFiles = try statusFiles(pair.value, "production.statusFiles")
            }
        }
        if let node = top["merge"]?.value { config.merge = try merge(node) }
        if let node = top["signing"]?.value { config.signing = try signing(node) }
        if let node = top["proposal"]?.value { config.proposal = try proposal(node) }
        return config
    }

    // MARK: Sections

    private func environments(_ node: Node) throws(PromoteError) -> EnvironmentFolders {
        let section = try reader.mapping(node, "environments", known: ["base", "staging", "production"])
        var folders = EnvironmentFolders.standard
        var seen: [String: String] = [:]
        for role in ["base", "staging", "production"] {
            guard let pair = section[role] else { continue }
            let path = "environments.\(role)"
            let folder = try reader.string(pair.value, path)
            guard !folder.contains("/"), folder != ".", folder != ".." else {
                throw reader.error(at: pair.value, "\(path): \"\(DisplayText.escaped(folder))\" must be one folder name, without \"/\"")
            }
            switch role {
            case "base": folders.base = folder
            case "staging": folders.staging = folder
            default: folders.production = folder
            }
        }
        for (role, folder) in [("base", folders.base), ("staging", folders.staging), ("production", folders.production)] {
            if let other = seen[folder] {
                throw reader.error(at: section[role]?.value ?? section[other]?.value ?? node,
                                   "environments: \(other) and \(role) both use the folder name \"\(DisplayText.escaped(folder))\"")
            }
            seen[folder] = role
        }
        return folders
    }

    private func staging(_ node: Node) throws(PromoteError) -> PromoteConfig.Staging {
        let section = try reader.mapping(node, "staging",
                                         known: ["kubeconfig", "contexts", "statusFiles", "kustomizations", "minSoak"])
        var staging = PromoteConfig.Staging()
        if let pair = section["kubeconfig"] {
            staging.kubeconfig = resolvePath(try reader.string(pair.value, "staging.kubeconfig"))
        }
        if let pair = section["contexts"] {
            let contexts = try reader.strings(pair.value, "staging.contexts")
            if let duplicate = Self.firstDuplicate(contexts) {
                throw reader.error(at: pair.value, "staging.contexts: \"\(DisplayText.escaped(duplicate))\" is listed twice")
            }
            staging.contexts = contexts
        }
        if let pair = section["statusFiles"] {
            staging.statusFiles = try statusFiles(pair.value, "staging.statusFiles")
        }
        if let pair = section["kustomizations"] {
            var keys: [FluxObjectKey] = []
            for (index, item) in try reader.sequence(pair.value, "staging.kustomizations").enumerated() {
                let path = "staging.kustomizations[\(index)]"
                let text = try reader.string(item, path)
                let parts = text.split(separator: "/", omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw reader.error(at: item, "\(path): \"\(DisplayText.escaped(text))\" is not NAMESPACE/NAME")
                }
                let key = FluxObjectKey(namespace: String(parts[0]), name: String(parts[1]))
                guard !keys.contains(key) else {
                    throw reader.error(at: item, "\(path): \(DisplayText.escaped(text)) is listed twice")
                }
                keys.append(key)
            }
            staging.kustomizations = keys
        }
        if let pair = section["minSoak"] {
            if reader.tagName(pair.value) == .int, let seconds = pair.value.int, seconds >= 0 {
                staging.minimumSoak = TimeInterval(seconds)
            } else {
                let text = try reader.string(pair.value, "staging.minSoak")
                guard let seconds = DurationText.seconds(text) else {
                    throw reader.error(at: pair.value, "staging.minSoak: \"\(DisplayText.escaped(text))\" is not a duration (use e.g. 90s, 30m, 2h, 1d)")
                }
                staging.minimumSoak = seconds
            }
        }
        return staging
    }

    /// Status files: `FILE`, `NAME=FILE`, or `{cluster: NAME, file: FILE}`; files resolved against the base folder.
    private func statusFiles(_ node: Node, _ path: String) throws(PromoteError) -> [String] {
        var arguments: [String] = []
        var clusters: [String: Node] = [:]
        for (index, item) in try reader.sequence(node, path).enumerated() {
            let itemPath = "\(path)[\(index)]"
            var source: StagingStatusSource
            if case .mapping = item {
                let entry = try reader.mapping(item, itemPath, known: ["cluster", "file"])
                guard let file = entry["file"] else { throw reader.error(at: item, "\(itemPath): \"file\" is required") }
                // An absolute path never reads as NAME=FILE.
                source = try statusSource(resolvePath(try reader.string(file.value, "\(itemPath).file")), file.value, itemPath)
                if let cluster = entry["cluster"] {
                    source.clusterName = try reader.string(cluster.value, "\(itemPath).cluster")
                    guard !source.clusterName.contains("/"), !source.clusterName.contains("=") else {
                        throw reader.error(at: cluster.value, "\(itemPath).cluster: \"\(DisplayText.escaped(source.clusterName))\" must not contain \"/\" or \"=\"")
                    }
                }
            } else {
                source = try statusSource(try reader.string(item, itemPath), item, itemPath)
                source.path = resolvePath(source.path)
            }
            if let earlier = clusters[source.clusterName] {
                throw duplicateCluster(source.clusterName, item, earlier, path)
            }
            clusters[source.clusterName] = item
            arguments.append("\(source.clusterName)=\(source.path)")
        }
        return arguments
    }

    private func statusSource(_ argument: String, _ node: Node, _ path: String) throws(PromoteError) -> StagingStatusSource {
        do {
            return try StagingStatusSource(argument: argument)
        } catch {
            throw reader.error(at: node, "\(path): \(error.message)")
        }
    }

    private func duplicateCluster(_ name: String, _ item: Node, _ earlier: Node, _ path: String) -> PromoteError {
        let line = earlier.mark.map { " (line \($0.line))" } ?? ""
        return reader.error(at: item, "\(path): cluster \"\(DisplayText.escaped(name))\" is already named by an earlier entry\(line); name the clusters with NAME=FILE")
    }

    private func merge(_ node: Node) throws(PromoteError) -> PromoteConfig.Merge {
        let section = try reader.mapping(node, "merge", known: ["policy", "retries"])
        var merge = PromoteConfig.Merge()
        if let pair = section["policy"] {
            switch try reader.choice(pair.value, "merge.policy", among: ["ff", "no-ff", "ff-only"]) {
            case "no-ff": merge.policy = .never
            case "ff-only": merge.policy = .only
            default: merge.policy = .allowed
            }
        }
        if let pair = section["retries"] {
            merge.retries = try reader.integer(pair.value, "merge.retries", in: 0...100)
        }
        return merge
    }

    private func signing(_ node: Node) throws(PromoteError) -> SigningSettings {
        let section = try reader.mapping(node, "signing", known: ["enabled", "format", "key"])
        var signing = SigningSettings()
        if let pair = section["enabled"] { signing.enabled = try reader.boolean(pair.value, "signing.enabled") }
        if let pair = section["format"] {
            let value = try reader.choice(pair.value, "signing.format", among: SigningSettings.Format.allCases.map(\.rawValue))
            signing.format = SigningSettings.Format(rawValue: value)
        }
        if let pair = section["key"] {
            let key = try reader.string(pair.value, "signing.key")
            signing.key = SigningSettings.isKeyFile(key, format: signing.format) ? resolvePath(key) : key
        }
        return signing
    }

    private func proposal(_ node: Node) throws(PromoteError) -> ProposalSettings {
        let section = try reader.mapping(node, "proposal", known: ["provider", "apiURL", "repository"])
        var proposal = ProposalSettings()
        if let pair = section["provider"] {
            let value = try reader.choice(pair.value, "proposal.provider", among: ProposalSettings.Provider.allCases.map(\.rawValue))
            proposal.provider = ProposalSettings.Provider(rawValue: value)
        }
        if let pair = section["apiURL"] {
            let text = try reader.string(pair.value, "proposal.apiURL")
            if let problem = ProposalSettings.apiURLProblem(text) {
                throw reader.error(at: pair.value, "proposal.apiURL: \(problem)")
            }
            proposal.apiURL = text
        }
        if let pair = section["repository"] {
            let text = try reader.string(pair.value, "proposal.repository")
            if let problem = ProposalSettings.repositoryProblem(text) {
                throw reader.error(at: pair.value, "proposal.repository: \(problem)")
            }
            proposal.repository = text
        }
        return proposal
    }

    // MARK: Values

    /// A branch or remote name: a non-empty string without spaces or control characters.
    private func name(_ node: Node, _ path: String) throws(PromoteError) -> String {
        let value = try reader.string(node, path)
        guard !value.contains(where: { $0.isWhitespace || $0.unicodeScalars.contains { DisplayText.needsEscape($0) } }) else {
            throw reader.error(at: node, "\(path): \"\(DisplayText.escaped(value))\" is not a valid name")
        }
        return value
    }

    /// `~/x` in the home folder, a relative path below the base folder, an absolute path as is.
    func resolvePath(_ path: String) -> String {
        if path == "~" { return homeDirectory }
        if path.hasPrefix("~/") { return (homeDirectory as NSString).appendingPathComponent(String(path.dropFirst(2))) }
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).standardizedFileURL.path
    }

    private static func firstDuplicate(_ values: [String]) -> String? {
        var seen = Set<String>()
        return values.first { !seen.insert($0).inserted }
    }

    /// A YAML syntax error with its position.
    private func syntaxError(_ error: YamlError) -> PromoteError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
             .composer(_, let problem, let mark, _):
            return PromoteError(.badInput, "\(DisplayText.escaped(reader.fileName)):\(mark.line):\(mark.column): not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\(DisplayText.escaped($0))\"" }.joined(separator: ", ")
            return PromoteError(.badInput, "\(DisplayText.escaped(reader.fileName)):\(context.mark.line):\(context.mark.column): \(keys) \(duplicates.count == 1 ? "is" : "are") set twice in the mapping that starts here")
        default:
            return reader.error(at: nil, "not valid YAML: \(DisplayText.escaped(error.description))")
        }
    }
}
