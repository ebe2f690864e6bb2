import Foundation
import Testing
import TestSupport

/// Issue 6.3: what a repository may hold that a person or a terminal should never be fooled by, or that
/// could make the diff explode. The diff completes, names are escaped, JSON stays valid, and YAML that
/// cannot be read safely degrades to "YAML not read" for that file instead of failing the run.
@Suite("Safety: hostile repository content") struct HostileContentTests {
    /// One entry of the hostile commit: raw path bytes, mode, and content.
    struct Entry {
        var path: [UInt8]
        var mode = "100644"
        var content = Data()
        /// For a submodule: the commit it points at.
        var gitlink: String?

        init(_ path: String, _ content: String = "x: 1\n", mode: String = "100644") {
            self.path = Array(path.utf8)
            self.content = Data(content.utf8)
            self.mode = mode
        }

        init(bytes: [UInt8], content: Data, mode: String = "100644") {
            path = bytes
            self.content = content
            self.mode = mode
        }
    }

    static let base = "components/app/base/"
    static let longName = String(repeating: "long-folder-name/", count: 240) + "deep.yaml"

    /// A HelmRelease whose values hold `values` (already indented by 4).
    static func helmRelease(_ name: String, values: String) -> String {
        """
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata:
          name: \(name)
          namespace: apps
        spec:
          chart:
            spec:
              chart: \(name)
              version: 1.0.0
          values:
        \(values)
        """
    }

    static func entries() -> [Entry] {
        var random = SeededGenerator(seed: 63)
        let binary = Data((0..<65_536).map { _ in UInt8.random(in: 0...255, using: &random) })
        let largeText = Data(String(repeating: "key: a line of a very large generated manifest\n", count: 440_000).utf8)  // ~20 MB
        let bomb = helmRelease("bomb", values: FileMutator.aliasBomb(levels: 9).split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        let deep = helmRelease("deep", values: "    nested: " + String(repeating: "[", count: 600) + String(repeating: "]", count: 600))
        let deeper = helmRelease("deeper", values: "    nested: " + String(repeating: "{a: ", count: 50_000) + String(repeating: "}", count: 50_000))
        let invalid = helmRelease("invalid", values: "    key: [unclosed\n    other: {: :\n\t- tab")
        return [
            Entry(base + "\u{1B}[31mred\u{1B}[0m.yaml"),
            Entry(base + "title\u{1B}]0;owned\u{07}.yaml"),
            Entry(base + "new\nline.yaml"),
            Entry(base + "carriage\rreturn.yaml"),
            Entry(base + "evil\u{202E}lmay.exe"),
            Entry(base + "zero\u{200B}width.yaml"),
            Entry(bytes: Array((base + "latin1-").utf8) + [0xE9, 0xFF] + Array(".yaml".utf8), content: Data("x: 1\n".utf8)),
            Entry(base + longName),
            Entry(base + "link-out", "../../../../../../etc/passwd", mode: "120000"),
            Entry(base + "\u{1B}[2Jlink", "\u{1B}[2J", mode: "120000"),
            Entry(bytes: Array((base + "blob.bin").utf8), content: binary),
            Entry(bytes: Array((base + "large.yaml").utf8), content: largeText),
            Entry(base + "bomb.yaml", bomb),
            Entry(base + "deep.yaml", deep),
            Entry(base + "deeper.yaml", deeper),
            Entry(base + "invalid.yaml", invalid),
        ]
    }

    /// Commits `entries` (and a submodule at `components/app/vendor`) on `main` of `repository`, by plumbing.
    static func commit(_ entries: [Entry], in repository: URL) throws -> String {
        let scratch = try TemporaryDirectory(prefix: "keos-hostile")
        let environment = GitEnvironment.standard.adding(["GIT_INDEX_FILE": scratch.url("index").path])
        func git(_ arguments: [String], stdin: Data? = nil) throws -> String {
            try Shell.git(arguments, in: repository, environment: environment, stdin: stdin)
        }
        let tip = try git(["rev-parse", "refs/heads/main"])
        _ = try git(["read-tree", tip])
        var info = Data()
        for (number, entry) in entries.enumerated() {
            let file = scratch.url("blob-\(number)")
            try entry.content.write(to: file)
            let blob = try git(["hash-object", "-w", "--no-filters", file.path])
            info.append(Data("\(entry.mode) \(blob)\t".utf8) + Data(entry.path) + Data([0]))
        }
        // A submodule (gitlink) pointing at a commit this repository does not have.
        info.append(Data("160000 \(String(repeating: "5", count: 40))\tcomponents/app/vendor\0".utf8))
        _ = try git(["update-index", "-z", "--index-info"], stdin: info)
        let tree = try git(["write-tree"])
        let commit = try git(["commit-tree", tree, "-p", tip, "-m", "app: hostile names \u{1B}[31mand\u{1B}[0m content\u{202E}"])
        _ = try git(["update-ref", "refs/heads/main", commit, tip])
        return commit
    }

    @Test("the diff completes, escapes every name, keeps JSON valid and skips unreadable YAML per file")
    func hostileDiff() throws {
        let world = try FixtureWorld()
        // Production has a commit of its own, so the promotion is a merge commit that keos-promote writes.
        try world.commit(["components/app/production/hotfix.yaml": "hotfix: 1\n"], on: "production", message: "hotfix")
        let revision = try Self.commit(Self.entries(), in: world.origin)

        let text = try CLI.binary().run(["diff", "--skip-verify"], cwd: world.clone, home: world.fixture.environment.home,
                                        noColor: true, timeout: 600)
        #expect(text.status == 0, "\(text)")
        #expect(!text.signaled)
        for data in [text.stdoutData, text.stderrData] {
            #expect(String(data: data, encoding: .utf8) != nil, "output is valid UTF-8")
            #expect(!data.contains(0x1B) && !data.contains(0x07) && !data.contains(0x0D), "no raw control byte in the output")
            #expect(!String(decoding: data, as: UTF8.self).unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\u{200B}" },
                    "no raw bidi or zero-width character")
        }
        for shown in ["\\u{1B}[31mred\\u{1B}[0m.yaml", "title\\u{1B}]0;owned\\u{7}.yaml", "new\\nline.yaml", "carriage\\rreturn.yaml",
                      "evil\\u{202E}lmay.exe", "zero\\u{200B}width.yaml", "latin1-\\\\xE9\\\\xFF.yaml", "deep.yaml", "\\u{1B}[2Jlink"] {
            #expect(text.stdout.contains(shown), "\(shown) shown escaped\n\(text.stdout)")
        }
        #expect(text.stdout.contains("YAML not read"), "\(text.stdout)")

        let json = try CLI.binary().run(["diff", "--skip-verify", "--output", "json"], cwd: world.clone,
                                        home: world.fixture.environment.home, timeout: 600)
        #expect(json.status == 0, "\(json)")
        #expect(!json.stdoutData.contains(0x1B), "JSON escapes control characters itself")
        let report = try JSONReport(json)
        #expect(report.sourceRevision == revision)
        let files = report.files(of: "app")
        func file(_ name: String) -> [String: Any]? { files.first { ($0["path"] as? String)?.hasSuffix(name) == true } }
        #expect(files.count == Self.entries().count + 1, "every entry and the submodule: \(files.compactMap { $0["path"] })")
        #expect(file("\u{1B}[31mred\u{1B}[0m.yaml") != nil, "JSON keeps the name exactly (escaped by JSON itself)")
        #expect(file("blob.bin")?["binary"] as? Bool == true)
        #expect(file("large.yaml")?["yamlSkipped"] as? String == "too-large")
        #expect(file("bomb.yaml")?["yamlSkipped"] as? String == "unsafe-aliases")
        #expect(file("deep.yaml")?["yamlSkipped"] as? String == "too-complex")
        #expect(file("invalid.yaml")?["yamlSkipped"] as? String == "invalid-yaml")
        // libyaml itself gives up on 50,000 levels; either way the file is skipped, not the run.
        #expect(["invalid-yaml", "too-complex"].contains(file("deeper.yaml")?["yamlSkipped"] as? String ?? "-"))
        #expect(file("components/app/vendor") != nil)
        #expect(file("link-out") != nil)
        #expect(report.releases(of: "app").allSatisfy { !["bomb", "deep", "deeper", "invalid"].contains($0["name"] as? String) })

        // The promotion of all that lands, and both repositories stay sound.
        let promoted = try CLI.binary().run(["--yes", "--skip-verify", "--output", "json"], cwd: world.clone,
                                            home: world.fixture.environment.home, timeout: 600)
        #expect(promoted.status == 0, "\(promoted)")
        let production = try world.tip("production")
        #expect(try world.fixture.parents(of: production, in: world.origin).last == revision, "production merged main")
        #expect(try world.fixture.git("log", "-1", "--format=%B", production, in: world.origin).unicodeScalars.allSatisfy {
            $0 == "\n" || !DisplayTextProbe.isControl($0)
        }, "the commit message holds no control character from the repository")
    }
}

/// Control characters, for checks on output.
enum DisplayTextProbe {
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || scalar == "\u{202E}"
    }
}
