import Foundation
import Testing
@testable import Promote

@Suite struct VerifyStatusFileTests {
    @Test(arguments: [
        ("staging-1.json", "staging-1", "staging-1.json"),
        ("status/staging-eu.json", "staging-eu", "status/staging-eu.json"),
        ("/var/tmp/staging.status.json", "staging.status", "/var/tmp/staging.status.json"),
        ("staging", "staging", "staging"),
        ("eu-1=status/staging-1.json", "eu-1", "status/staging-1.json"),
        ("eu-1=/abs/a=b.json", "eu-1", "/abs/a=b.json"),
        ("./a=b.json", "a=b", "./a=b.json"),
    ])
    func namesTheClusterAfterNameOrFile(argument: String, cluster: String, path: String) throws {
        #expect(try StagingStatusSource(argument: argument) == StagingStatusSource(clusterName: cluster, path: path))
    }

    @Test(arguments: [
        ("=staging.json", "--staging-status =staging.json: the cluster name before \"=\" is empty"),
        ("staging-1=", "--staging-status staging-1=: no file after \"=\""),
        ("", "--staging-status: empty file name"),
    ])
    func rejectsIncompleteArguments(argument: String, message: String) {
        #expect(throws: PromoteError(.badInput, message)) { try StagingStatusSource(argument: argument) }
    }

    @Test func loadsFilesNamedByNameOrFile() throws {
        let folder = try TemporaryFolder()
        let first = try folder.write("staging-1.json", Flux.Cluster().data)
        let second = try folder.write("second.json", Flux.Cluster().data)
        let snapshots = try StagingStatusLoader.load([first, "eu-2=\(second)"])
        #expect(snapshots.map(\.name) == ["staging-1", "eu-2"])
        #expect(snapshots.last?.kustomizations.count == 4)
    }

    @Test func aMissingFileIsBadInputNamingIt() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/absent.json"
        #expect(throws: PromoteError(.badInput, "\(path): no such file")) { try StagingStatusLoader.load(["eu=\(path)"]) }
    }

    @Test func aDirectoryIsBadInputNamingIt() throws {
        let folder = try TemporaryFolder()
        #expect(throws: PromoteError(.badInput, "\(folder.path): is a directory, not a status file")) {
            try StagingStatusLoader.load([folder.path])
        }
    }

    @Test func aMalformedFileIsBadInputNamingIt() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("staging-1.json", Data(#"{"kind": "List"}"#.utf8))
        #expect(throws: PromoteError(.badInput, "\(path): no \"items\": expected a List object with \"items\" (kubectl get … -o json)")) {
            try StagingStatusLoader.load([path])
        }
    }

    @Test func twoFilesMayNotNameTheSameCluster() throws {
        let folder = try TemporaryFolder()
        let first = try folder.write("a/staging.json", Flux.Cluster().data)
        let second = try folder.write("b/staging.json", Flux.Cluster().data)
        #expect(throws: PromoteError(.badInput, "\(second): cluster name staging is already used by \(first); name the clusters with NAME=FILE")) {
            try StagingStatusLoader.load([first, second])
        }
        #expect(try StagingStatusLoader.load([first, "staging-b=\(second)"]).map(\.name) == ["staging", "staging-b"])
    }
}

/// A folder under the system temporary directory, removed when the value goes away.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("keos-verify-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `data` at `name` (relative, folders created) and returns the full path.
    func write(_ name: String, _ data: Data) throws -> String {
        let file = URL(fileURLWithPath: path).appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
        return file.path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
