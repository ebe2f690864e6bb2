import Foundation

/// The sample `keos-system-services` repository made by `scripts/lib/sample-repo.sh` (the same
/// one `scripts/demo` shows), with staging's status in `staging-1.json`.
public struct SampleRepository: Sendable {
    /// The folder the script filled.
    public let root: URL
    /// `<root>/origin.git`, bare.
    public let origin: URL
    /// `<root>/keos-system-services`, a clone with `main` checked out; its `origin` is `origin`.
    public let clone: URL
    /// `<root>/staging-1.json`: staging reconciled `main`'s tip, everything healthy.
    public let stagingStatus: URL
    /// The clone's `remote.origin.url`, exactly as written (also the GitRepository URL).
    public let remoteURL: String
    /// `main`'s tip (what staging applied).
    public let mainTip: String
    /// `production`'s tip (the production-only hotfix).
    public let productionTip: String

    /// Component names of the sample, sorted.
    public static let components = ["clusterwide-config", "command-center", "gosec", "observability", "storage"]

    /// Runs the sample script into a fresh folder `<directory>/sample` and describes the result.
    public static func make(in directory: URL, environment: GitEnvironment = .standard) throws -> SampleRepository {
        let root = directory.appendingPathComponent("sample")
        let script = PackagePaths.script("lib/sample-repo.sh")
        let result = try Shell.run("bash", [script.path, root.path], cwd: directory, environment: environment.variables)
        guard result.succeeded else {
            throw TestSupportError("\(script.path) failed (exit \(result.status)):\n\(result.stderr)\(result.stdout)")
        }
        return try SampleRepository(root: root, environment: environment)
    }

    /// Describes a sample already made in `root`.
    public init(root: URL, environment: GitEnvironment = .standard) throws {
        self.root = root
        origin = root.appendingPathComponent("origin.git")
        clone = root.appendingPathComponent("keos-system-services")
        stagingStatus = root.appendingPathComponent("staging-1.json")
        remoteURL = try Shell.git("config", "remote.origin.url", in: clone, environment: environment)
        mainTip = try Shell.git("rev-parse", "refs/heads/main", in: origin, environment: environment)
        productionTip = try Shell.git("rev-parse", "refs/heads/production", in: origin, environment: environment)
    }

    /// Writes staging status for `revision` (default: main's tip) to `output` with
    /// `scripts/lib/sample-status.sh`, and returns the file.
    @discardableResult
    public func writeStatus(revision: String? = nil, to output: URL, environment: GitEnvironment = .standard) throws -> URL {
        let script = PackagePaths.script("lib/sample-status.sh")
        let result = try Shell.run(
            "bash", [script.path, root.path, revision ?? mainTip, output.path], cwd: root, environment: environment.variables)
        guard result.succeeded else {
            throw TestSupportError("\(script.path) failed (exit \(result.status)):\n\(result.stderr)\(result.stdout)")
        }
        return output
    }
}
