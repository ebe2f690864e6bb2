import Foundation
import Testing
import TestSupport
@testable import Promote

@Suite("Config file parser")
struct ConfigParserTests {
    private let parser = ConfigParser(fileName: "repo/.keos-promote.yaml", baseDirectory: "/srv/repo", homeDirectory: "/home/ci")

    private func error(_ yaml: String) -> PromoteError? {
        do {
            _ = try parser.parse(yaml)
            return nil
        } catch {
            return error
        }
    }

    @Test("the commented example in examples/ parses, with every section set")
    func exampleParses() throws {
        let url = PackagePaths.file("examples/keos-promote.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let config = try ConfigParser(fileName: "examples/keos-promote.yaml", baseDirectory: "/srv/repo",
                                      homeDirectory: "/home/ci").parse(text)
        #expect(config.remote == "origin")
        #expect(config.sourceBranch == "main")
        #expect(config.targetBranch == "production")
        #expect(config.componentsDirectory == "components")
        #expect(config.environmentFolders == .standard)
        #expect(config.staging.kubeconfig == "/home/ci/.kube/config")
        #expect(config.staging.contexts == ["staging-1"])
        #expect(config.staging.statusFiles == ["staging-1=/srv/repo/status/staging-1.json"])
        #expect(config.staging.kustomizations == [FluxObjectKey(namespace: "flux-system", name: "infra-controllers"),
                                                  FluxObjectKey(namespace: "flux-system", name: "infra-configs")])
        #expect(config.staging.minimumSoak == 1800)
        #expect(config.production.statusFiles == ["production-1=/srv/repo/status/production-1.json"])
        #expect(config.merge == { var merge = PromoteConfig.Merge(); merge.policy = .allowed; merge.retries = 3; return merge }())
        #expect(config.signing == SigningSettings(enabled: false, format: .openpgp, key: "0123456789ABCDEF"))
        #expect(config.proposal == ProposalSettings(provider: .github, apiURL: "https://api.github.com",
                                                    repository: "example-org/keos-system-services"))
    }

    @Test("the README's config example parses too")
    func readmeExampleParses() throws {
        let readme = try String(contentsOf: PackagePaths.file("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## Config file").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```yaml\n").dropFirst().first?.components(separatedBy: "```").first)
        let config = try parser.parse(block)
        #expect(config.staging.kustomizations == [FluxObjectKey(namespace: "flux-system", name: "infra-controllers")])
        #expect(config.signing?.key == "0123ABCD")
        #expect(config.proposal?.repository == "org/repo")
    }

    @Test("an empty file, comments only, or sections with every key commented out set nothing")
    func emptyAndNullSections() throws {
        #expect(try parser.parse("") == PromoteConfig())
        #expect(try parser.parse("# nothing yet\n") == PromoteConfig())
        #expect(try parser.parse("staging:\n  # kubeconfig: x\nmerge:\n") == PromoteConfig())
    }

    @Test("unknown keys name file, line and column, and suggest the near miss")
    func unknownKeys() {
        #expect(error("merge:\n  retires: 3\n")?.message
                == #"repo/.keos-promote.yaml:2:3: unknown key "retires" in merge (did you mean "retries"?); known keys: policy, retries"#)
        #expect(error("remote: origin\ncolour: red\n")?.message.hasPrefix(#"repo/.keos-promote.yaml:2:1: unknown key "colour" at the top level; known keys: version, remote, branches"#) == true)
        #expect(error("staging:\n  statusFiles:\n    - cluster: a\n      path: a.json\n")?.message
                == #"repo/.keos-promote.yaml:4:7: unknown key "path" in staging.statusFiles[0]; known keys: cluster, file"#)
        #expect(error("staging:\n  statusFiles:\n    - cluster: a\n")?.kind == .badInput)
    }

    @Test("wrong types name file, line and column, and what was found")
    func wrongTypes() {
        let cases: [(String, String)] = [
            ("merge:\n  retries: three\n", #"repo/.keos-promote.yaml:2:12: merge.retries: expected an integer, got the string "three""#),
            ("merge:\n  retries: 101\n", "repo/.keos-promote.yaml:2:12: merge.retries: 101 is out of range 0…100"),
            ("branches:\n  source: 42\n", #"repo/.keos-promote.yaml:2:11: branches.source: expected a string, got the integer 42 (quote it to use it as text)"#),
            ("branches: main\n", #"repo/.keos-promote.yaml:1:11: branches: expected a mapping, got the string "main""#),
            ("staging:\n  contexts: staging-1\n", #"repo/.keos-promote.yaml:2:13: staging.contexts: expected a list, got the string "staging-1""#),
            ("staging:\n  contexts: [a, {b: c}]\n", "repo/.keos-promote.yaml:2:17: staging.contexts[1]: expected a string, got a mapping"),
            ("signing:\n  enabled: maybe\n", #"repo/.keos-promote.yaml:2:12: signing.enabled: expected true or false, got the string "maybe""#),
            ("merge:\n  policy: rebase\n", #"repo/.keos-promote.yaml:2:11: merge.policy: "rebase" is not one of ff, no-ff, ff-only"#),
            ("staging:\n  minSoak: soon\n", #"repo/.keos-promote.yaml:2:12: staging.minSoak: "soon" is not a duration (use e.g. 90s, 30m, 2h, 1d)"#),
            ("staging:\n  kustomizations: [apps]\n", #"repo/.keos-promote.yaml:2:20: staging.kustomizations[0]: "apps" is not NAMESPACE/NAME"#),
            ("- a\n- b\n", "repo/.keos-promote.yaml:1:1: the file: expected a mapping, got a list"),
            ("version: 2\n", "repo/.keos-promote.yaml:1:10: version: 2 is out of range 1…1"),
            ("proposal:\n  apiURL: ftp://x\n", #"repo/.keos-promote.yaml:2:11: proposal.apiURL: "ftp://x" is not an http(s) URL"#),
            ("proposal:\n  repository: justaname\n", #"repo/.keos-promote.yaml:2:15: proposal.repository: "justaname" is not OWNER/NAME"#),
        ]
        for (yaml, message) in cases {
            let found = error(yaml)
            #expect(found?.kind == .badInput, "\(yaml)")
            #expect(found?.message == message)
        }
    }

    @Test("keys set twice, impossible combinations and broken YAML are errors with positions")
    func inconsistencies() {
        #expect(error("remote: a\nremote: b\n")?.message == #"repo/.keos-promote.yaml:1:1: "remote" is set twice in the mapping that starts here"#)
        #expect(error("merge:\n  policy: ff\n  policy: no-ff\n")?.message == #"repo/.keos-promote.yaml:2:3: "policy" is set twice in the mapping that starts here"#)
        #expect(error("branches:\n  source: main\n  target: main\n")?.message
                == #"repo/.keos-promote.yaml:3:11: branches.target: is the same branch as branches.source ("main")"#)
        #expect(error("environments:\n  staging: env\n  production: env\n")?.message
                == #"repo/.keos-promote.yaml:3:15: environments: staging and production both use the folder name "env""#)
        #expect(error("environments:\n  production: a/b\n")?.message
                == #"repo/.keos-promote.yaml:2:15: environments.production: "a/b" must be one folder name, without "/""#)
        #expect(error("staging:\n  statusFiles: [a.json, x/a.json]\n")?.message.hasPrefix(
            #"repo/.keos-promote.yaml:2:25: staging.statusFiles: cluster "a" is already named by an earlier entry (line 2)"#) == true)
        let syntax = error("merge:\n  policy: [ff\n")
        #expect(syntax?.kind == .badInput)
        #expect(syntax?.message.hasPrefix("repo/.keos-promote.yaml:3:1: not valid YAML: ") == true, "\(String(describing: syntax))")
    }

    @Test("paths resolve against the file's folder and the home folder; status files keep or get cluster names")
    func paths() throws {
        let config = try parser.parse("""
            staging:
              kubeconfig: kube/staging.yaml
              statusFiles:
                - s1.json
                - s2=/abs/s2.json
                - cluster: s3
                  file: ~/status/three.json
                - file: ../elsewhere/s4.json
            signing:
              format: ssh
              key: keys/id_ed25519
            """)
        #expect(config.staging.kubeconfig == "/srv/repo/kube/staging.yaml")
        #expect(config.staging.statusFiles == ["s1=/srv/repo/s1.json", "s2=/abs/s2.json", "s3=/home/ci/status/three.json",
                                               "s4=/srv/elsewhere/s4.json"])
        #expect(config.signing?.key == "/srv/repo/keys/id_ed25519")
        #expect(try (config.staging.statusFiles ?? []).map { try StagingStatusSource(argument: $0).clusterName } == ["s1", "s2", "s3", "s4"])
    }

    @Test("applying the file sets options; anything it leaves out keeps the defaults")
    func apply() throws {
        let config = try parser.parse("""
            remote: upstream
            branches: {source: trunk, target: prod}
            environments: {production: prod, staging: stage}
            staging: {contexts: [s1, s2], kustomizations: [flux-system/apps]}
            merge: {policy: no-ff}
            """)
        var options = PromoteOptions()
        config.apply(to: &options)
        #expect(options.remote == "upstream")
        #expect(options.sourceBranch == "trunk")
        #expect(options.targetBranch == "prod")
        #expect(options.componentsDirectory == "components")
        #expect(options.environmentFolders == EnvironmentFolders(base: "base", staging: "stage", production: "prod"))
        #expect(options.contexts == ["s1", "s2"])
        #expect(options.kubeconfig == nil)
        #expect(options.stagingKustomizations == [FluxObjectKey(namespace: "flux-system", name: "apps")])
        #expect(options.fastForward == .never)
        #expect(options.retries == 3)
    }
}
