import Foundation
import Testing
import TestSupport
@testable import Promote

@Suite("Config file location and use")
struct ConfigLoaderTests {
    private func request(_ path: URL, explicit: String? = nil, cwd: URL? = nil) -> ConfigLoader.Request {
        ConfigLoader.Request(explicitPath: explicit, repositoryPath: path.path, remote: "origin", sourceBranch: "main",
                             currentDirectory: (cwd ?? path).path, homeDirectory: "/home/ci")
    }

    @Test("a clone with a working tree: the file in the root of the working tree, also from a subfolder")
    func workingTree() throws {
        let fixture = try GitFixture()
        #expect(try ConfigLoader.load(request(fixture.clone)) == nil)
        try fixture.write(".keos-promote.yaml", "remote: upstream\nstaging:\n  statusFiles: [status/s1.json]\n")
        try fixture.write("components/a/x.yaml", "a: 1\n")
        let loaded = try #require(try ConfigLoader.load(request(fixture.url("components/a"))))
        #expect(loaded.origin == fixture.clone.path + "/.keos-promote.yaml")
        #expect(loaded.config.remote == "upstream")
        #expect(loaded.config.staging.statusFiles == ["s1=\(fixture.clone.path)/status/s1.json"])
    }

    @Test("a bare clone: the file committed at the source branch's tip, shown as BRANCH:FILE")
    func bareClone() throws {
        let fixture = try GitFixture()
        #expect(try ConfigLoader.load(request(fixture.origin)) == nil)
        try fixture.commit([".keos-promote.yaml": "merge:\n  policy: ff-only\n  retries: x\n"], on: "main", message: "config",
                           in: fixture.origin)
        let error = #expect(throws: PromoteError.self) { try ConfigLoader.load(request(fixture.origin)) }
        #expect(error?.message == #"main:.keos-promote.yaml:3:12: merge.retries: expected an integer, got the string "x""#)
        try fixture.commit([".keos-promote.yaml": "merge:\n  policy: ff-only\n"], on: "main", message: "config", in: fixture.origin)
        let loaded = try #require(try ConfigLoader.load(request(fixture.origin)))
        #expect(loaded.origin == "main:.keos-promote.yaml")
        #expect(loaded.config.merge.policy == .only)
    }

    @Test("--config: relative to the current folder, its paths relative to its own folder; a missing file is an error")
    func explicitFile() throws {
        let folder = try TemporaryDirectory()
        try FileManager.default.createDirectory(at: folder.url("conf"), withIntermediateDirectories: true)
        try "staging:\n  statusFiles: [s.json]\n".write(to: folder.url("conf/promote.yaml"), atomically: true, encoding: .utf8)
        let loaded = try #require(try ConfigLoader.load(request(folder.url, explicit: "conf/promote.yaml")))
        #expect(loaded.origin == "conf/promote.yaml")
        #expect(loaded.config.staging.statusFiles == ["s=\(folder.path)/conf/s.json"])
        let error = #expect(throws: PromoteError.self) { try ConfigLoader.load(request(folder.url, explicit: "nope.yaml")) }
        #expect(error?.message == "--config nope.yaml: no such file")
        #expect(error?.kind == .badInput)
    }

    @Test("not a repository: no configuration, so that the service reports the path")
    func notARepository() throws {
        let folder = try TemporaryDirectory()
        #expect(try ConfigLoader.load(request(folder.url)) == nil)
    }

    @Test("configured environment folder names decide each file's environment")
    func environmentFolders() {
        let folders = EnvironmentFolders(base: "common", staging: "stage", production: "prod")
        let changes = ["components/a/common/x.yaml", "components/a/stage/x.yaml", "components/b/prod/x.yaml",
                       "components/b/production/x.yaml", "components/c/stage/deep/prod/x.yaml"]
            .map { RawFileChange(path: $0, status: .modified, additions: 1) }
        let diff = ComponentDiffBuilder(componentsDir: "components", environments: folders, blobs: InMemoryBlobSource())
            .build(changes: changes, oldComponents: ["a", "b", "c"], newComponents: ["a", "b", "c"])
        let environments = Dictionary(uniqueKeysWithValues: diff.components.flatMap(\.files).map { ($0.path, $0.environment) })
        #expect(environments == ["components/a/common/x.yaml": .base, "components/a/stage/x.yaml": .staging,
                                 "components/b/prod/x.yaml": .production, "components/b/production/x.yaml": .shared,
                                 "components/c/stage/deep/prod/x.yaml": .staging])
        #expect(diff.components.map(\.affectsProduction) == [true, true, false])
    }
}
