import Foundation
import KubeTestServer
import Testing
import TestSupport
@testable import Promote

/// The built `keos-promote` verifying a real repository against staging clusters served over the API.
///
/// History of `main` in the shared repository: `base` (also `production`) → `r` (changes apps) → `d` (changes
/// only monitoring, so apps' folder is the same as at `r`) → `e` (changes apps again).
@Suite struct KubeVerifyCLITests {
    /// The repository the verify runs read (read-only: every run passes `--no-fetch`).
    struct Repository: Sendable {
        let fixture: GitFixture
        let remoteURL: String
        let base: String
        let r: String
        let d: String
        let e: String
    }

    static let shared = Once { () throws -> Repository in
        let fixture = try GitFixture(files: [
            "components/apps/base/release.yaml": "chart: podinfo\nversion: 6.7.0\n",
            "components/apps/staging/kustomization.yaml": "resources: [../base]\n",
            "components/monitoring/base/release.yaml": "chart: kube-prometheus-stack\nversion: 66.2.0\n",
            "components/monitoring/staging/kustomization.yaml": "resources: [../base]\n",
        ])
        let base = try fixture.revParse("main", in: fixture.origin)
        try fixture.createBranch("production", at: base, in: fixture.origin)
        let r = try fixture.commit(["components/apps/base/release.yaml": "chart: podinfo\nversion: 6.7.1\n"], on: "main",
                                   message: "podinfo 6.7.1", in: fixture.origin)
        let d = try fixture.commit(["components/monitoring/base/release.yaml": "chart: kube-prometheus-stack\nversion: 66.3.0\n"],
                                   on: "main", message: "kube-prometheus-stack 66.3.0", in: fixture.origin)
        let e = try fixture.commit(["components/apps/base/release.yaml": "chart: podinfo\nversion: 6.8.0\n"], on: "main",
                                   message: "podinfo 6.8.0", in: fixture.origin)
        try fixture.fetch()
        return Repository(fixture: fixture, remoteURL: try fixture.git("config", "remote.origin.url"), base: base, r: r, d: d, e: e)
    }

    /// Staging with both Kustomizations at `revision` (formatted as `format`) and a healthy HelmRelease.
    static func staging(_ repo: Repository, revision: String, format: FluxStatusFixture.RevisionFormat = .branchSha1,
                        now: Date = FluxStatusFixture.defaultNow) -> FluxStatusFixture {
        FluxStatusFixture(repositoryURL: repo.remoteURL, now: now)
            .kustomization(name: "apps", path: "components/apps/staging", appliedRevision: revision, revisionFormat: format,
                           helmReleases: [.init(name: "podinfo", namespace: "apps", version: "6.7.1")])
            .kustomization(name: "monitoring", path: "components/monitoring/staging", appliedRevision: revision, revisionFormat: format)
    }

    /// Runs `keos-promote <arguments> -C <clone> --no-fetch --kubeconfig <file>`.
    static func run(_ arguments: [String], repo: Repository, kubeconfig: String, environment: [String: String] = [:]) throws -> ProcessResult {
        try KeosBinary.locate().run(arguments + ["-C", repo.fixture.clone.path, "--no-fetch", "--kubeconfig", kubeconfig],
                                    environment: environment, home: repo.fixture.environment.home, timeout: 60)
    }

    /// Serves `fixture` on a fresh server and verifies `revision` through the binary.
    static func verify(_ fixture: FluxStatusFixture, revision: String?, extra: [String] = []) throws -> ProcessResult {
        let repo = try shared.value()
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server(fixture)
        let kubeconfig = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server)], in: folder)
        let revisionArguments = revision.map { ["--revision", $0] } ?? []
        return try run(["verify"] + revisionArguments + extra, repo: repo, kubeconfig: kubeconfig)
    }

    // MARK: SPEC rules through the API

    /// One SPEC rule: how staging is changed, what to verify, and what the tool must say.
    struct Rule: Sendable, CustomTestStringConvertible {
        var name: String
        var revision: (@Sendable (Repository) -> String)?
        var change: @Sendable (FluxStatusFixture, Repository) -> FluxStatusFixture
        var status: Int32
        /// Expected in stderr (verification failures) or stdout (success).
        var says: @Sendable (Repository) -> String

        var testDescription: String { name }
    }

    static let rules: [Rule] = [
        Rule(name: "Ready at R", revision: { $0.r }, change: { fixture, _ in fixture }, status: 0,
             says: { "verification: reconciled\n  staging-1 (\($0.r.prefix(7))): 3 of 3 objects ready" }),
        Rule(name: "what staging runs, without --revision", revision: nil, change: { fixture, _ in fixture }, status: 0,
             says: { "staging-1 (\($0.r.prefix(7)))" }),
        Rule(name: "Reconciling/Progressing", revision: { $0.r }, change: { fixture, repo in
            fixture.kustomization(name: "apps", path: "components/apps/staging", appliedRevision: repo.base, attemptedRevision: repo.r, ready: nil)
        }, status: 3, says: { _ in "staging-1 flux-system/apps: Reconciling=True Progressing: Building manifests for revision main@sha1:" }),
        Rule(name: "Ready=False HealthCheckFailed", revision: { $0.r }, change: { fixture, repo in
            fixture.kustomization(name: "apps", path: "components/apps/staging", appliedRevision: repo.r, ready: false,
                                  reason: "HealthCheckFailed", message: "health check failed after 5m0s: timeout waiting for: [Deployment/apps/podinfo status: 'InProgress']")
        }, status: 3, says: { _ in "staging-1 flux-system/apps: Ready=False HealthCheckFailed: health check failed after 5m0s: timeout waiting for: [Deployment/apps/podinfo status: 'InProgress']" }),
        Rule(name: "Ready=False DependencyNotReady", revision: { $0.r }, change: { fixture, repo in
            fixture.kustomization(name: "monitoring", path: "components/monitoring/staging", appliedRevision: repo.base, ready: false,
                                  reason: "DependencyNotReady", message: "dependency 'flux-system/apps' is not ready")
        }, status: 3, says: { _ in "staging-1 flux-system/monitoring: Ready=False DependencyNotReady: dependency 'flux-system/apps' is not ready" }),
        Rule(name: "Ready=False HealthCheckCanceled", revision: { $0.r }, change: { fixture, repo in
            fixture.kustomization(name: "apps", path: "components/apps/staging", appliedRevision: repo.r, ready: false,
                                  reason: "HealthCheckCanceled", message: "health check canceled due to new reconciliation")
        }, status: 3, says: { _ in "staging-1 flux-system/apps: Ready=False HealthCheckCanceled: health check canceled due to new reconciliation" }),
        Rule(name: "suspended", revision: { $0.r }, change: { fixture, repo in
            fixture.kustomization(name: "apps", path: "components/apps/staging", appliedRevision: repo.r, suspended: true)
        }, status: 3, says: { _ in "staging-1 flux-system/apps: suspended (spec.suspend: true)" }),
        Rule(name: "stale observedGeneration", revision: { $0.r }, change: { fixture, repo in
            fixture.kustomization(name: "apps", path: "components/apps/staging", appliedRevision: repo.r, generation: 3, observedGeneration: 2)
        }, status: 3, says: { _ in "staging-1 flux-system/apps: generation 3 not reconciled yet (observedGeneration 2)" }),
        Rule(name: "legacy main/<sha>", revision: { $0.r }, change: { _, repo in staging(repo, revision: repo.r, format: .legacy) },
             status: 0, says: { _ in "verification: reconciled" }),
        Rule(name: "refs/heads/main@sha1:", revision: { $0.r }, change: { _, repo in staging(repo, revision: repo.r, format: .refsHeads) },
             status: 0, says: { _ in "verification: reconciled" }),
        Rule(name: "descendant with the identical tree", revision: { $0.r }, change: { fixture, repo in
            fixture.kustomization(name: "apps", path: "components/apps/staging", appliedRevision: repo.d)
        }, status: 0, says: { "verification: reconciled\n  staging-1 (\($0.r.prefix(7)))" }),
        Rule(name: "descendant with a different tree", revision: { $0.r }, change: { fixture, repo in
            fixture.kustomization(name: "apps", path: "components/apps/staging", appliedRevision: repo.e)
        }, status: 3, says: { "staging-1 flux-system/apps: applied main@sha1:\($0.e.prefix(12)), a newer revision that changes components/apps" }),
        Rule(name: "GitRepository of another URL", revision: { $0.r }, change: { fixture, repo in
            FluxStatusFixture(repositoryURL: "https://git.example.com/someone-else/keos-system-services.git")
                .kustomization(name: "apps", path: "components/apps/staging", appliedRevision: repo.r)
        }, status: 2, says: { "staging-1: no GitRepository tracks \($0.remoteURL)@main; GitRepositories seen: flux-system/flux-system https://git.example.com/someone-else/keos-system-services.git@main" }),
        Rule(name: "GitRepository of another branch", revision: { $0.r }, change: { fixture, repo in
            FluxStatusFixture(repositoryURL: repo.remoteURL, branch: "production")
                .kustomization(name: "apps", path: "components/apps/staging", appliedRevision: repo.r)
        }, status: 2, says: { _ in "@production" }),
        Rule(name: "no Kustomization uses the GitRepository", revision: { $0.r }, change: { fixture, repo in
            FluxStatusFixture(repositoryURL: repo.remoteURL)
                .gitRepository(name: "apps-source", url: "https://git.example.com/platform/apps.git")
                .kustomization(name: "apps", path: "components/apps/staging", appliedRevision: repo.r, sourceName: "apps-source")
        }, status: 3, says: { "staging-1: no Kustomization has a spec.sourceRef naming GitRepository flux-system/flux-system (the GitRepository that tracks \($0.remoteURL)@main); nothing to verify" }),
        Rule(name: "failing HelmRelease", revision: { $0.r }, change: { fixture, _ in
            fixture.helmRelease(name: "podinfo", namespace: "apps", version: "6.7.1", ready: false)
        }, status: 3, says: { _ in "staging-1 HelmRelease apps/podinfo: Ready=False UpgradeFailed: Helm upgrade failed for release apps/podinfo with chart podinfo@6.7.1: context deadline exceeded" }),
    ]

    @Test(arguments: rules)
    func eachRuleThroughTheAPI(_ rule: Rule) throws {
        let repo = try Self.shared.value()
        let revision = rule.revision.map { $0(repo) }
        let fixture = rule.change(Self.staging(repo, revision: repo.r), repo)
        let result = try Self.verify(fixture, revision: revision)
        #expect(result.status == rule.status, "\(result)")
        let output = rule.status == 0 ? result.stdout : result.stderr
        #expect(output.contains(rule.says(repo)), "\(result)")
    }

    @Test func minSoakIsTakenFromTheHistoryOfAPIObjects() throws {
        let repo = try Self.shared.value()
        let fixture = Self.staging(repo, revision: repo.r, now: Date())
        let short = try Self.verify(fixture, revision: repo.r, extra: ["--min-soak", "30m"])
        #expect(short.status == 0, "\(short)")
        let long = try Self.verify(fixture, revision: repo.r, extra: ["--min-soak", "2h"])
        #expect(long.status == 3, "\(long)")
        #expect(long.stderr.contains("staging-1 flux-system/apps: has run \(repo.r.prefix(12)) for 1h"), "\(long)")
        #expect(long.stderr.contains("--min-soak 2h is met at"), "\(long)")
    }

    // MARK: Several clusters

    @Test func everyContextMustAgreeAndAFailingClusterIsNamed() throws {
        let repo = try Self.shared.value()
        let folder = try TemporaryDirectory()
        let healthy = Self.staging(repo, revision: repo.r)
        let servers = try (0..<3).map { _ in try KubeHarness.server(healthy) }
        let kubeconfig = try KubeHarness.kubeconfig(servers.enumerated().map { KubeHarness.context("staging-\($0.offset + 1)", $0.element) },
                                                    in: folder)
        let contexts = ["--context", "staging-1", "--context", "staging-2", "--context", "staging-3"]
        let agreed = try Self.run(["verify", "--revision", repo.r, "--output", "json"] + contexts, repo: repo, kubeconfig: kubeconfig)
        #expect(agreed.status == 0, "\(agreed)")
        let report = try JSONSerialization.jsonObject(with: agreed.stdoutData) as? [String: Any]
        let verification = report?["verification"] as? [String: Any]
        #expect(verification?["status"] as? String == "reconciled")
        #expect((verification?["clusters"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["staging-1", "staging-2", "staging-3"])

        servers[1].serve(healthy.kustomization(name: "apps", path: "components/apps/staging", appliedRevision: repo.r, ready: false,
                                               reason: "HealthCheckFailed", message: "Deployment/apps/podinfo: 0/2 ready"))
        let blocked = try Self.run(["verify", "--revision", repo.r] + contexts, repo: repo, kubeconfig: kubeconfig)
        #expect(blocked.status == 3, "\(blocked)")
        #expect(blocked.stderr.contains("(failed, 1 problem): staging-2 flux-system/apps: Ready=False HealthCheckFailed: Deployment/apps/podinfo: 0/2 ready"), "\(blocked)")
    }

    // MARK: Faults end the run with a message, never with a promotion

    /// A fault of the staging API, and what the error line must say about it.
    struct Fault: Sendable, CustomTestStringConvertible {
        var name: String
        var configure: @Sendable (inout KubeAPIServer.Configuration) -> Void = { _ in }
        var faults: [KubeAPIServer.Fault] = []
        var trustOtherCA = false
        var says: String

        var testDescription: String { name }
    }

    static let faults: [Fault] = [
        Fault(name: "wrong CA", trustOtherCA: true, says: "the server's certificate is not signed by the kubeconfig's certificate-authority"),
        Fault(name: "wrong host name", configure: { $0.certificate = .wrongHost }, says: "is not valid for host 127.0.0.1"),
        Fault(name: "expired certificate", configure: { $0.certificate = .expired }, says: "the server's certificate expired on "),
        Fault(name: "401", configure: { $0.tokens = [:] }, says: "rejected the credentials (401 Unauthorized"),
        Fault(name: "403", configure: { $0.forbidden = ["gitrepositories"] },
              says: "may not list gitrepositories in API group source.toolkit.fluxcd.io at the cluster scope (403 Forbidden"),
        Fault(name: "no answer", faults: [.hang], says: "no answer from https://127.0.0.1:"),
        Fault(name: "malformed JSON", faults: [.malformedJSON], says: "the API server's answer is not a JSON list"),
        Fault(name: "503 until the attempts run out", faults: Array(repeating: .status(503, retryAfter: "0"), count: 5),
              says: "HTTP 503 ServiceUnavailable"),
    ]

    @Test(arguments: faults)
    func faultsEndInAClearMessageAndNothingIsPushed(_ fault: Fault) throws {
        let repo = try Self.shared.value()
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server(Self.staging(repo, revision: repo.r), fault.configure)
        server.inject(fault.faults)
        let trust: KubeconfigWriter.Trust? = fault.trustOtherCA ? .caFile(server.certificates.otherCA.certificateFile.path) : nil
        let kubeconfig = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server, trust: trust)], in: folder)
        let productionBefore = try repo.fixture.revParse("production", in: repo.fixture.origin)
        let result = try Self.run(["promote", "--yes", "--request-timeout", "1s"], repo: repo, kubeconfig: kubeconfig)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.hasPrefix("error: staging-1: "), "\(result)")
        #expect(result.stderr.contains(fault.says), "\(result)")
        #expect(try repo.fixture.revParse("production", in: repo.fixture.origin) == productionBefore)
    }

    @Test func serverErrorsThenSuccessVerify() throws {
        let repo = try Self.shared.value()
        let folder = try TemporaryDirectory()
        let server = try KubeHarness.server(Self.staging(repo, revision: repo.r))
        server.inject([.status(500), .status(429, retryAfter: "1"), .status(503)])
        let kubeconfig = try KubeHarness.kubeconfig([KubeHarness.context("staging-1", server)], in: folder)
        let result = try Self.run(["verify", "--revision", repo.r], repo: repo, kubeconfig: kubeconfig)
        #expect(result.status == 0, "\(result)")
        #expect(server.requests.count == 6)
    }

    @Test func aMalformedKubeconfigIsBadInputNamingTheFile() throws {
        let repo = try Self.shared.value()
        let folder = try TemporaryDirectory()
        let kubeconfig = folder.url("broken-kubeconfig")
        try Data("apiVersion: v1\nclusters:\n- name: staging\n  cluster: {server: \"https://127.0.0.1:6443\"\nusers: [{name: u, user: {token: \"tok-\(KubeHarness.token)\"}}]\n".utf8)
            .write(to: kubeconfig)
        let result = try Self.run(["verify"], repo: repo, kubeconfig: kubeconfig.path)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.hasPrefix("error: \(kubeconfig.path): malformed kubeconfig: invalid YAML at line "), "\(result)")
        #expect(!result.stderr.contains(KubeHarness.token))
    }
}
