import Foundation
import KubeTestServer
import Testing
import TestSupport

/// Issue 6.5: unique secrets planted everywhere a credential can come from — `GIT_TOKEN`, `GITHUB_TOKEN`,
/// `GITLAB_TOKEN`, passwords in the remote URL and in `--url`, a kubeconfig bearer token, client key data,
/// basic-auth password and exec-plugin credential — and every output searched for them: stdout and stderr
/// of each run (text, JSON, Markdown, `-v` logs), `$GITHUB_STEP_SUMMARY`, the commit messages and trailers on
/// the remote, the pull requests' bodies and every other part of the requests the GitHub and GitLab APIs
/// received (but their authentication header), `--body-file`, and the config, reflogs and other files of the
/// clone's and the mirror's git folders.
@Suite("Safety: secrets never leak") struct SecretsTests {
    /// Everything that was written where a person, a log collector or a later reader could see it.
    struct Outputs {
        private(set) var items: [(name: String, data: Data)] = []

        mutating func add(_ name: String, _ data: Data) { items.append((name, data)) }

        mutating func add(_ name: String, _ result: ProcessResult) {
            add("\(name) stdout", result.stdoutData)
            add("\(name) stderr", result.stderrData)
        }

        /// Every file under `folder` except the object store (compressed; commit messages are read through git).
        mutating func addFiles(under folder: URL, _ name: String) {
            guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return }
            for case let file as URL in walker {
                if file.pathComponents.contains("objects") { continue }
                guard (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                      let data = try? Data(contentsOf: file) else { continue }
                add(name + file.path.dropFirst(folder.path.count), data)
            }
        }
    }

    @Test("planted secrets appear in no output, file, commit or reflog")
    func plantedSecretsNeverLeak() throws {
        let unique = String(UInt32.random(in: 100_000...999_999))
        let urlPassword = "url-pass-\(unique)"
        let mirrorPassword = "mirror-pass-\(unique)"
        let wrongPassword = "wrong-pass-\(unique)"
        let gitToken = "git-token-\(unique)"
        let githubToken = "ghp_github\(unique)"
        let gitlabToken = "glpat-gitlab\(unique)"
        let bearer = "bearer-\(unique)"
        let execToken = "exec-token-\(unique)"
        let basicPassword = "basic-pass-\(unique)"

        // The repository: origin behind three HTTP servers, each wanting other credentials.
        let fixture = try GitFixture(files: ["components/apps/base/release.yaml": "version: 1\n",
                                             "components/apps/staging/kustomization.yaml": "resources: [../base]\n"])
        let base = try fixture.revParse("main", in: fixture.origin)
        try fixture.createBranch("production", at: base, in: fixture.origin)
        try fixture.commit(["components/apps/production/hotfix.yaml": "hotfix: 1\n"], on: "production", message: "hotfix", in: fixture.origin)
        let tip = try fixture.commit(["components/apps/base/release.yaml": "version: 2\n"], on: "main", message: "apps v2", in: fixture.origin)
        let withPassword = try HTTPGitServer(serving: fixture.root, credentials: "deploy:\(urlPassword)")
        let withToken = try HTTPGitServer(serving: fixture.root, credentials: "x-access-token:\(gitToken)")
        let forMirror = try HTTPGitServer(serving: fixture.root, credentials: "mirror:\(mirrorPassword)")
        try fixture.setRemoteURL(withPassword.url("origin.git", userInfo: "deploy:\(urlPassword)"))

        // Staging: one API server, four contexts with four kinds of credentials.
        let folder = try TemporaryDirectory(prefix: "keos-secrets")
        let staging = FluxStatusFixture(repositoryURL: withPassword.url("origin.git"))
            .kustomization(name: "apps", path: "components/apps/staging", appliedRevision: tip)
        let server = try KubeHarness.server(staging) {
            $0.tokens = [bearer: "ci", execToken: "oidc:alice"]
            $0.basic = ["admin": basicPassword]
        }
        let client = server.certificates.client
        let plugin = try ExecPlugin(response: ExecPlugin.tokenResponse(execToken))
        let kubeconfig = try KubeHarness.kubeconfig([
            KubeHarness.context("token", server, user: .token(bearer)),
            KubeHarness.context("certificate", server, user: .clientCertificateData(certificate: client.certificatePEM, key: client.keyPEM)),
            KubeHarness.context("basic", server, user: .basic(username: "admin", password: basicPassword)),
            KubeHarness.context("exec", server, user: plugin.user()),
        ], in: folder)
        let contexts = ["token", "certificate", "basic", "exec"].flatMap { ["--context", $0] }

        let home = try TemporaryDirectory(prefix: "keos-secrets-home")
        let work = try home.makeDirectory("work")
        let summary = folder.url("step-summary.md")
        try Data().write(to: summary)
        let environment = ["GIT_TOKEN": gitToken, "GITHUB_TOKEN": githubToken, "GITLAB_TOKEN": gitlabToken,
                           "GITHUB_STEP_SUMMARY": summary.path]
        let binary = try KeosBinary.locate()
        func run(_ arguments: [String], in cwd: URL? = nil, without: [String] = []) throws -> ProcessResult {
            var variables = environment
            for name in without { variables[name] = nil }
            return try binary.run(arguments, cwd: cwd ?? fixture.clone, environment: variables, home: home.url, timeout: 120)
        }
        var outputs = Outputs()
        // The user wrote the URL password into the clone's config: what the clone held before is not the tool's.
        var before = Outputs()
        before.addFiles(under: fixture.clone.appendingPathComponent(".git"), "clone .git")

        // Reading: every format, verbose, over the password URL and the four staging contexts.
        // Each run must succeed: one that stopped early would have had no credential to leak.
        for format in ["text", "json", "markdown"] {
            for command in ["diff", "status", "verify"] {
                let result = try run([command, "-v", "--output", format, "--kubeconfig", kubeconfig] + contexts)
                #expect(result.status == 0, "\(command) \(format)\n\(result)")
                outputs.add("\(command) \(format)", result)
            }
        }
        // The promotion, verified on the four contexts, pushed over the password URL.
        let promoted = try run(["--yes", "-v", "--output", "json", "--kubeconfig", kubeconfig] + contexts)
        #expect(promoted.status == 0, "\(promoted)")
        outputs.add("promote", promoted)

        // --url with GIT_TOKEN, then --url with a password: each pushes a new promotion into its mirror.
        try fixture.commit(["components/apps/base/release.yaml": "version: 3\n"], on: "main", message: "apps v3", in: fixture.origin)
        let tokenMirror = try run(["--url", withToken.url("origin.git"), "--yes", "-v", "--skip-verify"], in: work)
        #expect(tokenMirror.status == 0, "\(tokenMirror)")
        outputs.add("--url with GIT_TOKEN", tokenMirror)
        try fixture.commit(["components/apps/base/release.yaml": "version: 4\n"], on: "main", message: "apps v4", in: fixture.origin)
        let passwordMirror = try run(["--url", forMirror.url("origin.git", userInfo: "mirror:\(mirrorPassword)"), "--yes", "-v",
                                      "--skip-verify", "--output", "markdown"], in: work, without: ["GIT_TOKEN"])
        #expect(passwordMirror.status == 0, "\(passwordMirror)")
        outputs.add("--url with a password", passwordMirror)

        // Failures quote URLs and credentials back: a wrong password, a refused token.
        try fixture.setRemoteURL(withPassword.url("origin.git", userInfo: "deploy:\(wrongPassword)"))
        let refused = try run(["--yes", "-v", "--skip-verify", "--output", "json"])
        #expect(refused.status == 1, "\(refused)")
        outputs.add("wrong URL password", refused)
        let refusedToken = try run(["--url", withToken.url("origin.git"), "--yes", "-v", "--skip-verify"], in: work,
                                   without: ["GIT_TOKEN"])
        #expect(refusedToken.status == 1, "\(refusedToken)")
        outputs.add("refused GITHUB_TOKEN", refusedToken)
        try fixture.setRemoteURL(withPassword.url("origin.git", userInfo: "deploy:\(urlPassword)"))
        #expect(try fixture.git("config", "remote.origin.url").contains(urlPassword), "the user's URL is kept as written")

        // Proposals: the pull-request APIs see the token in their authentication header and nowhere else; the
        // pull request's body, the --body-file and the output hold none.
        for (version, (provider, token)) in [(PullRequestAPIServer.Provider.github, githubToken), (.gitlab, gitlabToken)].enumerated() {
            try fixture.commit(["components/apps/base/release.yaml": .init(stringLiteral: "version: \(5 + version)\n")], on: "main",
                               message: "apps v\(5 + version)", in: fixture.origin)
            let api = try PullRequestAPIServer(provider, repository: "acme/gitops", token: token, gitRepository: fixture.origin)
            defer { api.stop() }
            let bodyFile = folder.url("\(provider.rawValue)-body.md")
            let proposed = try run(["--propose", "--skip-verify", "-v", "--provider", provider.rawValue, "--api-url", api.apiURL,
                                    "--repository", "acme/gitops", "--body-file", bodyFile.path])
            #expect(proposed.status == 0, "\(proposed)")
            outputs.add("propose on \(provider.rawValue)", proposed)
            outputs.add("\(provider.rawValue) --body-file", try Data(contentsOf: bodyFile))
            let requests = try api.requests()
            #expect(requests.contains { $0.method == "POST" && ($0.field("body") ?? $0.field("description")) != nil },
                    "a pull request with a body was opened on \(provider.rawValue)")
            for request in requests {
                var headers = request.headers
                headers["authorization"] = nil
                headers["private-token"] = nil
                let seen: [String: Any] = ["path": request.path, "query": request.query, "headers": headers, "body": request.body ?? [:]]
                outputs.add("\(provider.rawValue) API \(request.method) \(request.path)", try JSONSerialization.data(withJSONObject: seen))
            }
        }

        // Files and history.
        outputs.add("GITHUB_STEP_SUMMARY", try Data(contentsOf: summary))
        #expect(try String(contentsOf: summary, encoding: .utf8).contains("Promote"), "the step summary was written")
        outputs.add("remote commit messages and notes", Data(try fixture.git("log", "--all", "--format=%H%n%B%n%N", in: fixture.origin).utf8))
        outputs.addFiles(under: fixture.clone.appendingPathComponent(".git"), "clone .git")
        outputs.addFiles(under: home.url(".cache/keos-promote"), "mirror cache")
        #expect(outputs.items.contains { $0.name.hasPrefix("mirror cache/") && $0.name.hasSuffix("/config") }, "the mirrors were searched")
        #expect(outputs.items.contains { $0.name.contains("/logs/") }, "the reflogs were searched")

        let keyLines = String(decoding: client.keyPEM, as: UTF8.self).split(separator: "\n").filter { !$0.hasPrefix("-----") }.map(String.init)
        let secrets = [urlPassword, mirrorPassword, wrongPassword, gitToken, githubToken, gitlabToken, bearer, execToken, basicPassword,
                       client.keyPEM.base64EncodedString()] + keyLines
        let planted = Set(before.items.flatMap { item in
            secrets.filter { String(decoding: item.data, as: UTF8.self).contains($0) }.map { "\(item.name) \($0)" }
        })
        #expect(planted == ["clone .git/config \(urlPassword)"], "only the user's own remote URL holds a secret before")
        for (name, data) in outputs.items {
            let text = String(decoding: data, as: UTF8.self)
            for secret in secrets where !planted.contains("\(name) \(secret)") {
                #expect(!text.contains(secret), "a secret in \(name): \(text.prefix(2000))")
            }
        }
    }
}
