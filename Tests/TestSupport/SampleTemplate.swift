import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SampleRepository {
    /// A fresh copy of the sample in `<directory>/sample`, made from one sample built per test process.
    ///
    /// The same repository as `make(in:)` (same commit ids), at a fraction of the cost: the folder is copied and
    /// the absolute paths in it (the clone's `origin` URL, the GitRepository URL in `staging-1.json`) rewritten.
    public static func copy(in directory: URL, environment: GitEnvironment = .standard) throws -> SampleRepository {
        let template = try SampleTemplate.shared.root()
        let root = directory.appendingPathComponent("sample")
        let copied = try Shell.run("cp", ["-a", template.path, root.path])
        guard copied.succeeded else { throw TestSupportError("cannot copy the sample: \(copied.stderr)") }
        for file in ["keos-system-services/.git/config", "keos-system-services/.git/FETCH_HEAD", "staging-1.json"] {
            let url = root.appendingPathComponent(file)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            try text.replacingOccurrences(of: template.path + "/", with: root.path + "/")
                .write(to: url, atomically: true, encoding: .utf8)
        }
        return try SampleRepository(root: root, environment: environment)
    }
}

/// The one sample a test process copies from; removed when the process exits.
final class SampleTemplate: @unchecked Sendable {
    static let shared = SampleTemplate()

    private let lock = NSLock()
    private var made: Result<URL, Error>?

    /// The template's sample folder, made on first use.
    func root() throws -> URL {
        try lock.withLock {
            if made == nil {
                made = Result {
                    let folder = URL(fileURLWithPath: NSTemporaryDirectory())
                        .appendingPathComponent("keos-promote-sample-template.\(UUID().uuidString.prefix(8).lowercased())")
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                    let resolved = folder.resolvingSymlinksInPath()
                    sampleTemplateFolder = strdup(resolved.path)
                    atexit {
                        guard let path = sampleTemplateFolder else { return }
                        if ProcessInfo.processInfo.environment["KEOS_KEEP_TEST_FILES"] != "1" {
                            try? FileManager.default.removeItem(atPath: String(cString: path))
                        }
                    }
                    return try SampleRepository.make(in: resolved).root
                }
            }
            return try made!.get()
        }
    }
}

/// The template folder for the exit handler, which cannot capture context.
nonisolated(unsafe) private var sampleTemplateFolder: UnsafeMutablePointer<CChar>?
