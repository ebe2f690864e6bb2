import Foundation
import Testing
import TestSupport
@testable import Promote

/// Status files may be pipes, as with `--staging-status staging-1=<(kubectl get … -o json)`.
@Suite struct VerifyStatusPipeTests {
    @Test func aNamedPipeIsReadLikeAFile() throws {
        let directory = try TemporaryDirectory(prefix: "keos-pipe")
        let pipe = directory.url("status.json").path
        #expect(mkfifo(pipe, 0o600) == 0)
        let json = FluxStatusFixture(repositoryURL: "https://git.example.com/platform/keos-system-services.git")
            .kustomization(name: "apps", path: "components/gosec/configs/staging", appliedRevision: String(repeating: "a", count: 40))
            .json()
        let writer = Thread {
            if let handle = FileHandle(forWritingAtPath: pipe) {
                handle.write(Data(json.utf8))
                try? handle.close()
            }
        }
        writer.start()
        let snapshots = try StagingStatusLoader.load(["staging-1=\(pipe)"])
        #expect(snapshots.map(\.name) == ["staging-1"])
        #expect(snapshots.first?.kustomizations.map(\.key.name) == ["apps"])
    }

    @Test func anEmptyDeviceIsAnEmptyFileNotAPermissionProblem() {
        #expect(throws: PromoteError.self) { try StagingStatusLoader.load(["/dev/null"]) }
        do {
            _ = try StagingStatusLoader.load(["/dev/null"])
        } catch {
            #expect(error.message.contains("empty file"))
        }
    }
}
