import Foundation
import Testing
import TestSupport
import Yams

/// The CI integrations in the repository: they parse, they use only real inputs and flags, and they keep the
/// promises their comments make (one promotion at a time, full history, exit code 3 is not a failure).
@Suite("CI examples: GitHub action and workflow, GitLab CI, Kubernetes CronJob, Dockerfile")
struct CIExamplesTests {
    static let yamlFiles = ["action.yml", "examples/github/promote.yml", "examples/gitlab/.gitlab-ci.yml",
                            "examples/kubernetes/cronjob.yaml", "examples/keos-promote.yaml", "examples/github/propose.yml"]

    /// Every option any subcommand takes, from the parser.
    static func knownFlags() throws -> Set<String> {
        let dump = try KeosBinary.locate().run(["--experimental-dump-help"])
        let root = try #require(try JSONSerialization.jsonObject(with: dump.stdoutData) as? [String: Any])
        let command = try #require(root["command"] as? [String: Any])
        var flags = Set<String>()
        for sub in command["subcommands"] as? [[String: Any]] ?? [] {
            for argument in sub["arguments"] as? [[String: Any]] ?? [] {
                for name in argument["names"] as? [[String: String]] ?? [] {
                    flags.insert((name["kind"] == "short" ? "-" : "--") + (name["name"] ?? ""))
                }
            }
        }
        return flags
    }

    @Test("every YAML example parses, with Yams and with PyYAML, to the same number of documents")
    func yamlParses() throws {
        let counts = try Self.yamlFiles.map { try RepositoryYAML.documents($0).count }
        #expect(counts == [1, 1, 1, 5, 1, 1])
        #expect(try RepositoryYAML.pyYAMLDocumentCounts(Self.yamlFiles) == counts)
    }

    @Test("action.yml: a composite action whose steps pass inputs through the environment only")
    func action() throws {
        let action = try RepositoryYAML.document("action.yml")
        #expect(action[key: "runs"]?[key: "using"]?.text == "composite")
        let inputs = try #require(action[key: "inputs"])
        #expect(!inputs.keys.isEmpty)
        for name in inputs.keys {
            #expect(inputs[key: name]?[key: "description"]?.text?.isEmpty == false, "input \(name) has no description")
        }
        let steps = action[key: "runs"]?[key: "steps"]?.items ?? []
        #expect(steps.count == 2)
        var referenced = Set<String>()
        for step in steps {
            #expect(step[key: "shell"]?.text == "bash", "a composite run step needs a shell")
            let run = try #require(step[key: "run"]?.text)
            #expect(!run.contains("${{"), "no expression inside run: (script injection): \(run)")
            let script = run.replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "$GITHUB_ACTION_PATH/", with: "")
            #expect(FileManager.default.isExecutableFile(atPath: PackagePaths.file(script).path), "\(script) is not an executable in the repository")
            for value in step[key: "env"]?.allScalars ?? [] {
                referenced.formUnion(Self.expressions(in: value, prefix: "inputs."))
            }
        }
        #expect(referenced == Set(inputs.keys), "inputs passed to the steps: \(referenced)")
        let stepIDs = Set(steps.compactMap { $0[key: "id"]?.text })
        let outputs = try #require(action[key: "outputs"])
        for name in outputs.keys {
            let value = outputs[key: name]?[key: "value"]?.text ?? ""
            let step = Self.expressions(in: value, prefix: "steps.").map { String($0.split(separator: ".")[0]) }
            #expect(!step.isEmpty && Set(step).isSubset(of: stepIDs), "output \(name) names no step")
        }
    }

    @Test("the example workflow: scheduled and by hand, one at a time, full history, only real inputs and outputs of the action")
    func workflow() throws {
        let workflow = try RepositoryYAML.document("examples/github/promote.yml")
        let on = try #require(workflow[key: "on"])
        #expect(on[key: "schedule"]?.items.first?[key: "cron"]?.text?.split(separator: " ").count == 5)
        #expect(on.keys.contains("workflow_dispatch"))
        #expect(workflow[key: "concurrency"]?[key: "group"]?.text?.isEmpty == false)
        #expect(workflow[key: "concurrency"]?[key: "cancel-in-progress"]?.text == "false")
        #expect(workflow[key: "permissions"]?[key: "contents"]?.text == "write")

        let action = try RepositoryYAML.document("action.yml")
        let inputs = Set(action[key: "inputs"]?.keys ?? [])
        let outputs = Set(action[key: "outputs"]?.keys ?? [])
        let steps = workflow[key: "jobs"]?.mapping?.flatMap { $0.value[key: "steps"]?.items ?? [] } ?? []
        let checkout = try #require(steps.first { $0[key: "uses"]?.text?.hasPrefix("actions/checkout@") == true })
        #expect(checkout[key: "with"]?[key: "fetch-depth"]?.text == "0")
        let promote = try #require(steps.first { $0[key: "uses"]?.text?.contains("/keos-promote@") == true })
        let used = Set(promote[key: "with"]?.keys ?? [])
        #expect(!used.isEmpty && used.isSubset(of: inputs), "inputs the action lacks: \(used.subtracting(inputs))")
        let id = try #require(promote[key: "id"]?.text)
        var usedOutputs = Set<String>()
        for step in steps {
            for value in step.allScalars {
                usedOutputs.formUnion(Self.expressions(in: value, prefix: "steps.\(id).outputs."))
            }
        }
        #expect(usedOutputs.contains("outcome") && usedOutputs.isSubset(of: outputs), "outputs used: \(usedOutputs)")
        #expect(steps.contains { $0[key: "if"]?.text?.contains("outputs.outcome == 'not-ready'") == true },
                "the workflow says 'staging not ready yet' for exit code 3")
        let dispatchInputs = Set(on[key: "workflow_dispatch"]?[key: "inputs"]?.keys ?? [])
        for value in steps.flatMap(\.allScalars) {
            let named = Self.expressions(in: value, prefix: "inputs.")
            #expect(named.isSubset(of: dispatchInputs), "workflow_dispatch lacks \(named.subtracting(dispatchInputs))")
        }
    }

    @Test("the proposal workflow: may open pull requests, passes the token, only real inputs of the action and real flags")
    func proposeWorkflow() throws {
        let workflow = try RepositoryYAML.document("examples/github/propose.yml")
        #expect(workflow[key: "permissions"]?[key: "pull-requests"]?.text == "write")
        let steps = workflow[key: "jobs"]?.mapping?.flatMap { $0.value[key: "steps"]?.items ?? [] } ?? []
        let propose = try #require(steps.first { $0[key: "uses"]?.text?.contains("/keos-promote@") == true })
        #expect(propose[key: "env"]?[key: "GITHUB_TOKEN"]?.text == "${{ secrets.GITHUB_TOKEN }}")
        let action = try RepositoryYAML.document("action.yml")
        let inputs = Set(action[key: "inputs"]?.keys ?? [])
        let used = Set(propose[key: "with"]?.keys ?? [])
        #expect(!used.isEmpty && used.isSubset(of: inputs), "inputs the action lacks: \(used.subtracting(inputs))")
        let args = (propose[key: "with"]?[key: "args"]?.text ?? "").split(separator: "\n").map { String($0.split(separator: "=")[0]) }
        #expect(propose[key: "with"]?[key: "propose"]?.text == "true")
        let flags = try Self.knownFlags()
        #expect(!args.isEmpty && Set(args).isSubset(of: flags), "unknown flags: \(args)")
        let id = try #require(propose[key: "id"]?.text)
        let usedOutputs = Set(steps.flatMap(\.allScalars).flatMap { Self.expressions(in: $0, prefix: "steps.\(id).outputs.") })
        let outputs = Set(action[key: "outputs"]?.keys ?? [])
        #expect(!usedOutputs.isEmpty && usedOutputs.isSubset(of: outputs), "outputs the action lacks: \(usedOutputs.subtracting(outputs))")
    }

    @Test("the GitLab example: one promotion at a time, full history, exit code 3 allowed, real flags")
    func gitlab() throws {
        let pipeline = try RepositoryYAML.document("examples/gitlab/.gitlab-ci.yml")
        let job = try #require(pipeline[key: "promote"])
        #expect(job[key: "resource_group"]?.text?.isEmpty == false)
        #expect(job[key: "variables"]?[key: "GIT_DEPTH"]?.text == "0")
        #expect(job[key: "allow_failure"]?[key: "exit_codes"]?.items.compactMap(\.text) == ["3"])
        let stages = pipeline[key: "stages"]?.items.compactMap(\.text) ?? []
        let known = try Self.knownFlags()
        var flags: [String] = []
        for name in pipeline.keys where pipeline[key: name]?[key: "script"] != nil {
            let jobNode = try #require(pipeline[key: name])
            #expect(stages.contains(jobNode[key: "stage"]?.text ?? ""), "job \(name) has no known stage")
            for section in ["script", "after_script"] {
                for line in jobNode[key: section]?.items.compactMap(\.text) ?? [] { flags += RepositoryYAML.keosPromoteFlags(in: line) }
            }
        }
        #expect(flags.contains("--staging-status"))
        #expect(Set(flags).isSubset(of: known), "unknown flags: \(Set(flags).subtracting(known))")
    }

    @Test("the CronJob example: read-only RBAC on Flux objects for its ServiceAccount, never two runs at once, real flags")
    func cronJob() throws {
        let documents = try RepositoryYAML.documents("examples/kubernetes/cronjob.yaml")
        func object(_ kind: String) throws -> Node { try #require(documents.first { $0[key: "kind"]?.text == kind }, "\(kind)") }
        #expect(documents.compactMap { $0[key: "kind"]?.text } == ["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "CronJob"])
        let account = try object("ServiceAccount")
        let accountName = try #require(account[key: "metadata"]?[key: "name"]?.text)
        let namespace = try #require(account[key: "metadata"]?[key: "namespace"]?.text)

        let rules = try object("ClusterRole")[key: "rules"]?.items ?? []
        var granted: [String: Set<String>] = [:]
        for rule in rules {
            let verbs = Set(rule[key: "verbs"]?.items.compactMap(\.text) ?? [])
            for group in rule[key: "apiGroups"]?.items.compactMap(\.text) ?? [] {
                for resource in rule[key: "resources"]?.items.compactMap(\.text) ?? [] {
                    granted["\(resource).\(group)", default: []].formUnion(verbs)
                }
            }
        }
        #expect(granted == ["gitrepositories.source.toolkit.fluxcd.io": ["get", "list"],
                            "kustomizations.kustomize.toolkit.fluxcd.io": ["get", "list"],
                            "helmreleases.helm.toolkit.fluxcd.io": ["get", "list"]])
        let binding = try object("ClusterRoleBinding")
        #expect(binding[key: "roleRef"]?[key: "name"]?.text == (try object("ClusterRole"))[key: "metadata"]?[key: "name"]?.text)
        let subject = try #require(binding[key: "subjects"]?.items.first)
        #expect(subject[key: "kind"]?.text == "ServiceAccount")
        #expect(subject[key: "name"]?.text == accountName)
        #expect(subject[key: "namespace"]?.text == namespace)

        let cronJob = try object("CronJob")
        #expect(cronJob[key: "metadata"]?[key: "namespace"]?.text == namespace)
        let spec = try #require(cronJob[key: "spec"])
        #expect(spec[key: "concurrencyPolicy"]?.text == "Forbid")
        #expect(spec[key: "schedule"]?.text?.split(separator: " ").count == 5)
        let jobSpec = try #require(spec[key: "jobTemplate"]?[key: "spec"])
        let pod = try #require(jobSpec[key: "template"]?[key: "spec"])
        #expect(pod[key: "serviceAccountName"]?.text == accountName)
        #expect(pod[key: "restartPolicy"]?.text == "Never")
        let containers = pod[key: "containers"]?.items ?? []
        let names = Set((containers + (pod[key: "initContainers"]?.items ?? [])).compactMap { $0[key: "name"]?.text })
        for rule in jobSpec[key: "podFailurePolicy"]?[key: "rules"]?.items ?? [] {
            #expect(names.contains(rule[key: "onExitCodes"]?[key: "containerName"]?.text ?? ""))
            let codes = rule[key: "onExitCodes"]?[key: "values"]?.items.compactMap(\.text) ?? []
            #expect(!codes.contains("3"), "exit 3 is not a failure")
        }
        let promote = try #require(containers.first { $0[key: "name"]?.text == "promote" })
        let script = (promote[key: "args"]?.items.compactMap(\.text) ?? []).joined(separator: "\n")
        #expect(script.contains("-eq 3"), "exit code 3 ends the run successfully")
        let flags = RepositoryYAML.keosPromoteFlags(in: script)
        #expect(flags.contains("-C") && flags.contains("--staging-status"))
        #expect(Set(flags).isSubset(of: try Self.knownFlags()), "unknown flags: \(flags)")
        let volumes = Set(pod[key: "volumes"]?.items.compactMap { $0[key: "name"]?.text } ?? [])
        for container in containers + (pod[key: "initContainers"]?.items ?? []) {
            for mount in container[key: "volumeMounts"]?.items ?? [] {
                #expect(volumes.contains(mount[key: "name"]?.text ?? ""), "mount of an undeclared volume")
            }
        }
    }

    @Test("the Dockerfile: a Swift build stage, then a slim Debian with the shared libraries the binary links against")
    func dockerfile() throws {
        let text = try String(contentsOf: PackagePaths.file("Dockerfile"), encoding: .utf8)
        let instructions = Self.dockerInstructions(text)
        let keywords: Set<String> = ["FROM", "RUN", "COPY", "ARG", "ENV", "WORKDIR", "USER", "ENTRYPOINT", "CMD", "LABEL", "EXPOSE"]
        for (keyword, _) in instructions {
            #expect(keywords.contains(keyword), "unknown instruction \(keyword)")
        }
        let froms = instructions.filter { $0.0 == "FROM" }.map(\.1)
        #expect(froms.count == 2)
        #expect(froms.first?.hasPrefix("swift:") == true && froms.first?.hasSuffix(" AS build") == true)
        #expect(froms.last?.hasPrefix("debian:bookworm-slim") == true)
        let runtime = instructions.drop { $0.1 != froms.last }
        #expect(runtime.contains { $0.0 == "COPY" && $0.1.hasPrefix("--from=build /out/keos-promote ") })
        let user = try #require(runtime.last { $0.0 == "USER" }?.1)
        #expect(!user.hasPrefix("root") && !user.hasPrefix("0"))
        let entrypoint = try #require(runtime.last { $0.0 == "ENTRYPOINT" }?.1)
        #expect(try JSONSerialization.jsonObject(with: Data(entrypoint.utf8)) as? [String] == ["keos-promote"])
        for (keyword, argument) in instructions where keyword == "COPY" && !argument.hasPrefix("--from") {
            let source = String(argument.split(separator: " ")[0])
            #expect(FileManager.default.fileExists(atPath: PackagePaths.file(source).path), "COPY \(source): not in the repository")
        }
        // Every shared library the binary names (libgit2 is linked in) must come with debian:bookworm-slim or
        // from a package the runtime stage installs.
        let installs = runtime.filter { $0.0 == "RUN" }.map(\.1).joined(separator: " ")
        let inSlimImage: Set<String> = ["libc6", "libgcc-s1", "libstdc++6", "zlib1g"]
        let binary = try KeosBinary.locate().url.path
        let needed = try Shell.run("readelf", ["-d", binary]).stdout.split(separator: "\n").compactMap { line -> String? in
            guard line.contains("(NEEDED)"), let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else { return nil }
            return String(line[line.index(after: open)..<close])
        }
        #expect(!needed.contains("libgssapi_krb5.so.2"), "Kerberos's GSSAPI is opened on first use (CLazyGSSAPI)")
        #expect(!needed.contains { $0.hasPrefix("libgit2.so") }, "libgit2 is linked in from its archive")
        // The Swift runtime's libraries (shared in this debug build) are linked in by `--static-swift-stdlib`.
        let ldd = try Shell.run("ldd", [binary]).stdout.split(separator: "\n")
        let system = needed.filter { library in
            ldd.contains { $0.contains("\(library) => /lib/") || $0.contains("\(library) => /usr/lib/") }
        }
        #expect(system.contains("libc.so.6"))
        for library in system {
            let owner = try Shell.run("dpkg", ["-S", "*/\(library)"]).stdout
            let package = try #require(owner.split(separator: ":").first.map(String.init), "no package has \(library)")
            #expect(inSlimImage.contains(package) || installs.contains(" \(package) "), "runtime stage must install \(package) (for \(library))")
        }
        #expect(runtime.filter { $0.0 == "RUN" }.allSatisfy { !$0.1.contains("apt-get install") || $0.1.contains("--no-install-recommends") })
        let ignored = try String(contentsOf: PackagePaths.file(".dockerignore"), encoding: .utf8)
        #expect(ignored.split(separator: "\n").contains(".build"))
    }

    // MARK: Helpers

    /// `${{ inputs.x }}` → `x` (for `prefix` `inputs.`), every one in `text`.
    static func expressions(in text: String, prefix: String) -> Set<String> {
        var names = Set<String>()
        var rest = Substring(text)
        while let range = rest.range(of: prefix) {
            let name = rest[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || (prefix == "steps." && $0 == ".") }
            if !name.isEmpty { names.insert(String(name)) }
            rest = rest[range.upperBound...]
        }
        return names
    }

    /// The instructions of a Dockerfile: keyword and argument, continuation lines joined, comments dropped.
    static func dockerInstructions(_ text: String) -> [(String, String)] {
        var instructions: [(String, String)] = []
        var pending = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || (line.isEmpty && pending.isEmpty) { continue }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            let whole = (pending + line).trimmingCharacters(in: .whitespaces)
            pending = ""
            guard let space = whole.firstIndex(of: " ") else { continue }
            instructions.append((whole[..<space].uppercased(), String(whole[whole.index(after: space)...]).trimmingCharacters(in: .whitespaces)))
        }
        return instructions
    }
}
