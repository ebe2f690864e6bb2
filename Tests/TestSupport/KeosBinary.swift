import Foundation

/// The built `keos-promote` executable, run the way a user or a CI job runs it.
public struct KeosBinary: Sendable {
    /// The executable.
    public let url: URL

    /// Uses the executable at `url` (any program: handy to test the runner itself).
    public init(url: URL) {
        self.url = url
    }

    /// Finds the built executable: `KEOS_PROMOTE_BINARY` when set; else `keos-promote` beside the
    /// test bundle in the build products folder; else `<package>/.build/{debug,release}/`.
    /// Throws a message that says to run `swift build` when there is none.
    public static func locate() throws -> KeosBinary {
        let environment = ProcessInfo.processInfo.environment
        if let override = environment["KEOS_PROMOTE_BINARY"], !override.isEmpty {
            let url = URL(fileURLWithPath: override)
            guard FileManager.default.isExecutableFile(atPath: url.path) else {
                throw TestSupportError("KEOS_PROMOTE_BINARY=\(override) is not an executable file")
            }
            return KeosBinary(url: url)
        }
        let candidates = candidateFolders()
        for folder in candidates {
            let url = folder.appendingPathComponent("keos-promote")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: url.path) {
                return KeosBinary(url: url.standardizedFileURL)
            }
        }
        throw TestSupportError(
            "keos-promote executable not found; run `swift build` first (or set KEOS_PROMOTE_BINARY). Looked in:\n"
                + candidates.map { "  \($0.path)" }.joined(separator: "\n"))
    }

    /// The folders searched by `locate()`, best first.
    public static func candidateFolders() -> [URL] {
        var starts: [URL] = []
        // The test bundle: `<bin>/keos-promotePackageTests.xctest` (a file on Linux, a bundle on
        // macOS, where the process is xctest or swiftpm-testing-helper).
        starts += Bundle.allBundles.map(\.bundleURL).filter { $0.pathExtension == "xctest" }
        if let executable = Bundle.main.executableURL { starts.append(executable) }
        if let first = CommandLine.arguments.first, first.contains("/") {
            starts.append(URL(fileURLWithPath: first))
        }
        var folders: [URL] = []
        for start in starts {
            // Walk up from the bundle to the build products folder (at most a few levels).
            var folder = start.resolvingSymlinksInPath()
            for _ in 0..<4 {
                folder = folder.deletingLastPathComponent()
                if folder.lastPathComponent.hasSuffix(".xctest") || ["Contents", "MacOS"].contains(folder.lastPathComponent) { continue }
                if !folders.contains(folder) { folders.append(folder) }
                break
            }
        }
        let build = PackagePaths.root().appendingPathComponent(".build")
        for configuration in ["debug", "release"] {
            let folder = build.appendingPathComponent(configuration)
            if !folders.contains(folder) { folders.append(folder) }
        }
        return folders
    }

    /// The clean environment the tool runs in: `PATH`, `HOME` (and XDG folders below it), `LANG`,
    /// `TZ`, `GIT_CONFIG_NOSYSTEM`; no `NO_COLOR`, no `GITHUB_STEP_SUMMARY`, no tokens.
    public static func cleanEnvironment(home: URL) -> [String: String] {
        var variables: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": home.path,
            "XDG_CONFIG_HOME": home.appendingPathComponent(".config").path,
            "XDG_CACHE_HOME": home.appendingPathComponent(".cache").path,
            "LANG": "C.UTF-8",
            "TZ": "UTC",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
        ]
        if let tmp = ProcessInfo.processInfo.environment["TMPDIR"] { variables["TMPDIR"] = tmp }
        return variables
    }

    /// Runs the tool with `arguments` in `cwd` and returns status, stdout and stderr.
    ///
    /// The environment is `cleanEnvironment(home:)` plus `environment` (which wins). `home`
    /// defaults to a fresh empty folder removed afterwards; pass a fixture's
    /// `environment.home` to share its git identity. `noColor` sets `NO_COLOR=1`.
    public func run(
        _ arguments: [String],
        cwd: URL? = nil,
        environment: [String: String] = [:],
        home: URL? = nil,
        noColor: Bool = false,
        stdin: Data? = nil,
        timeout: TimeInterval = 120
    ) throws -> ProcessResult {
        var scratchHome: TemporaryDirectory?
        let homeURL: URL
        if let home {
            homeURL = home
        } else {
            let scratch = try TemporaryDirectory(prefix: "keos-promote-home")
            scratchHome = scratch
            homeURL = scratch.url
        }
        var variables = Self.cleanEnvironment(home: homeURL)
        if noColor { variables["NO_COLOR"] = "1" }
        variables.merge(environment) { _, new in new }
        let result = try Shell.run(url.path, arguments, cwd: cwd, environment: variables, stdin: stdin, timeout: timeout)
        withExtendedLifetime(scratchHome) {}
        return result
    }

    /// Variadic form of `run(_:cwd:environment:home:noColor:stdin:timeout:)`.
    public func run(_ arguments: String..., cwd: URL? = nil, environment: [String: String] = [:], home: URL? = nil) throws -> ProcessResult {
        try run(arguments, cwd: cwd, environment: environment, home: home)
    }
}
