// How long reading (and verifying) staging takes for 20 clusters at once compared with one.
//
//   swift run -c release kube-benchmark [--clusters 20] [--rounds 15] [--latency-ms 0,25]
//
// Starts that many TLS API servers on 127.0.0.1 (the tests' server), each serving the same realistic
// staging (40 Kustomizations, 60 HelmReleases, 3 GitRepositories), and times `KubeStagingSource.read()`
// (three paginated lists per cluster, all clusters concurrently) for 1 and for N contexts, with an
// optional per-answer delay standing in for the network. Then times the built `keos-promote verify`
// end to end (process start, git, API, verification) for 1 and N contexts. A benchmark, not a test:
// numbers depend on the machine and its load; compare the ratio.
import Foundation
import KubeTestServer
import Promote
import PromoteKube
import TestSupport

struct Settings {
    var clusters = 20
    var rounds = 15
    var latencies: [Double] = [0, 25]

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--clusters": clusters = Int(iterator.next() ?? "") ?? clusters
            case "--rounds": rounds = Int(iterator.next() ?? "") ?? rounds
            case "--latency-ms": latencies = (iterator.next() ?? "").split(separator: ",").compactMap { Double($0) }
            default:
                FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                exit(2)
            }
        }
    }
}

let settings = Settings(CommandLine.arguments)
let token = "benchmark-token-0123456789"
let repositoryURL = "https://git.example.com/platform/keos-system-services.git"

/// Staging as a mid-sized platform runs it.
func staging(url: String, revision: String) -> FluxStatusFixture {
    var fixture = FluxStatusFixture(repositoryURL: url)
        .gitRepository(name: "charts", url: "https://git.example.com/platform/charts.git")
        .gitRepository(name: "policies", url: "https://git.example.com/platform/policies.git")
    for index in 0..<40 {
        let releases = index < 30 ? [FluxStatusFixture.HelmReleaseSpec(name: "release-\(index)-a", namespace: "ns-\(index)"),
                                     FluxStatusFixture.HelmReleaseSpec(name: "release-\(index)-b", namespace: "ns-\(index)")] : []
        fixture = fixture.kustomization(name: "component-\(index)", path: "components/component-\(index)/controllers/staging",
                                         appliedRevision: revision, helmReleases: releases)
    }
    return fixture
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

/// Runs `body` `rounds` times and returns the times in milliseconds.
func timed(_ rounds: Int, _ body: () async throws -> Void) async rethrows -> [Double] {
    var times: [Double] = []
    for _ in 0..<rounds {
        let clock = ContinuousClock()
        let start = clock.now
        try await body()
        times.append(milliseconds(clock.now - start))
    }
    return times
}

func row(_ times: [Double]) -> String {
    String(format: "%9.1f  %6.1f  %6.1f", median(times), times.min() ?? 0, times.max() ?? 0)
}

let folder = try TemporaryDirectory(prefix: "kube-benchmark")
print("kube-benchmark: \(settings.clusters) clusters, \(settings.rounds) rounds, \(ProcessInfo.processInfo.activeProcessorCount) cores")

// Where the time of one cluster goes without any network: decoding its Flux objects.
let document = staging(url: repositoryURL, revision: String(repeating: "a", count: 40)).jsonData(prettyPrinted: false)
let decodeTimes = try await timed(settings.rounds) { _ = try FluxStatusDocument.objects(from: document) }
print("")
print("decode one cluster's objects (\(document.count / 1024) KiB of JSON): median \(String(format: "%.1f", median(decodeTimes))) ms")

print("")
print("read (KubeStagingSource.read, in process; the servers share the same cores)")
print("  latency  clusters  median ms  min ms  max ms  requests/read")
for latency in settings.latencies {
    let servers = try (0..<settings.clusters).map { _ -> KubeAPIServer in
        var configuration = KubeAPIServer.Configuration(tokens: [token: "bench"])
        configuration.latency = latency / 1000
        let server = try KubeAPIServer(configuration: configuration)
        server.serve(staging(url: repositoryURL, revision: String(repeating: "a", count: 40)))
        return server
    }
    let contexts = servers.enumerated().map { index, server in
        KubeconfigWriter.Context(name: "staging-\(index + 1)", server: server.url,
                                 trust: .caFile(server.certificates.ca.certificateFile.path), user: .token(token))
    }
    let kubeconfig = try KubeconfigWriter(contexts: contexts).write(to: folder.url("kubeconfig-\(Int(latency))")).path
    for count in [1, settings.clusters] {
        let names = contexts.prefix(count).map(\.name)
        let source = KubeStagingSource(.kubeconfig(files: [kubeconfig], explicit: true, contexts: names), environment: [:])
        servers.forEach { $0.clearRequests() }
        _ = try await source.read()
        let requests = servers.map(\.requests.count).reduce(0, +)
        let times = try await timed(settings.rounds) {
            let snapshots = try await source.read()
            precondition(snapshots.clusters.count == count && snapshots.clusters.allSatisfy { $0.kustomizations.count == 40 })
        }
        print(String(format: "  %5.0fms  %8d  ", latency, count) + row(times) + String(format: "  %13d", requests))
    }
    servers.forEach { $0.stop() }
}

// End to end: the built binary verifying a real repository against 1 and N clusters.
if let binary = try? KeosBinary.locate() {
    let fixture = try GitFixture(files: ["components/component-0/controllers/base/release.yaml": "version: 1\n"])
    let revision = try fixture.revParse("main")
    try fixture.createBranch("production", at: revision, in: fixture.origin)
    try fixture.fetch()
    let url = try fixture.git("config", "remote.origin.url")
    let servers = try (0..<settings.clusters).map { _ -> KubeAPIServer in
        let server = try KubeAPIServer(configuration: .init(tokens: [token: "bench"]))
        server.serve(staging(url: url, revision: revision))
        return server
    }
    let contexts = servers.enumerated().map { index, server in
        KubeconfigWriter.Context(name: "staging-\(index + 1)", server: server.url,
                                 trust: .caFile(server.certificates.ca.certificateFile.path), user: .token(token))
    }
    let kubeconfig = try KubeconfigWriter(contexts: contexts).write(to: folder.url("kubeconfig-e2e")).path
    print("")
    print("keos-promote verify (built binary \(binary.url.path), end to end, no added latency)")
    print("  clusters  median ms  min ms  max ms")
    for count in [1, settings.clusters] {
        let arguments = ["verify", "-C", fixture.clone.path, "--no-fetch", "--kubeconfig", kubeconfig]
            + contexts.prefix(count).flatMap { ["--context", $0.name] }
        let times = try await timed(settings.rounds) {
            let result = try binary.run(arguments, home: fixture.environment.home)
            guard result.status == 0 else {
                print(result)
                exit(1)
            }
        }
        print(String(format: "  %8d  ", count) + row(times))
    }
    servers.forEach { $0.stop() }
} else {
    print("\n(keos-promote is not built in this configuration; skipping the end-to-end timing)")
}
