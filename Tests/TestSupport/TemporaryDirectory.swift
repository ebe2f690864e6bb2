import Foundation

/// A uniquely named folder under the system temporary folder, removed when the value goes away.
///
/// Every instance gets its own folder, so tests that run in parallel never share one. The folder is
/// removed in `deinit` or by `remove()`; set `KEOS_KEEP_TEST_FILES=1` to keep it for a post-mortem.
public final class TemporaryDirectory: Sendable {
    /// The folder, with symbolic links resolved (so it compares equal to what git reports).
    public let url: URL

    /// Creates a new empty folder named `<prefix>.<random>` under the system temporary folder.
    public init(prefix: String = "keos-promote-test") throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
        let name = "\(prefix).\(UUID().uuidString.prefix(8).lowercased())"
        let candidate = base.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: candidate, withIntermediateDirectories: true)
        url = candidate.resolvingSymlinksInPath()
    }

    /// The folder as a file-system path.
    public var path: String { url.path }

    /// The URL of `relativePath` inside the folder (nothing is created).
    public func url(_ relativePath: String) -> URL {
        url.appendingPathComponent(relativePath)
    }

    /// Creates (with intermediate folders) and returns the sub-folder `relativePath`.
    @discardableResult
    public func makeDirectory(_ relativePath: String) throws -> URL {
        let sub = url(relativePath)
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        return sub
    }

    /// Removes the folder and everything in it; safe to call more than once.
    public func remove() {
        if ProcessInfo.processInfo.environment["KEOS_KEEP_TEST_FILES"] == "1" { return }
        try? FileManager.default.removeItem(at: url)
    }

    deinit { remove() }
}
