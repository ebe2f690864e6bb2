import Foundation
import Testing
import TestSupport

/// What a person sees in a real terminal (tmux): the confirmation prompt, colours, progress, quiet and verbose.
@Suite("In a real terminal (tmux)", .enabled(if: TmuxSession.isAvailable, "tmux is missing: run scripts/test, which installs it"))
struct TerminalTests {
    /// The sample served over `git://` by a daemon (so fetch and push report progress), staging at main's tip,
    /// and a new commit on the origin's main that the clone has not fetched yet.
    struct Scene {
        let scenario: SampleScenario
        let daemon: GitDaemon
        let status: String

        var clone: URL { scenario.sample.clone }

        init() throws {
            scenario = try SampleScenario()
            daemon = try GitDaemon(serving: scenario.sample.root)
            try Shell.git("remote", "set-url", "origin", daemon.url("origin.git"), in: scenario.sample.clone)
            status = try scenario.sample.writeStatus(to: scenario.folder.url("staging-1.json")).path
            let other = scenario.folder.url("other")
            try Shell.git("clone", "--quiet", scenario.sample.origin.path, other.path, in: scenario.folder.url)
            var text = ""
            for line in 0..<4000 { text += "line \(line): \(UUID().uuidString)\n" }
            try text.write(to: other.appendingPathComponent("RUNBOOK.md"), atomically: true, encoding: .utf8)
            try Shell.git("add", "RUNBOOK.md", in: other)
            try Shell.git("commit", "--quiet", "-m", "docs: runbook", in: other)
            try Shell.git("push", "--quiet", "origin", "main", in: other)
        }

        /// `keos-promote ARGUMENTS -C <clone>` in a terminal.
        func start(_ arguments: [String], noColor: Bool = false) throws -> TmuxSession {
            var environment = KeosBinary.cleanEnvironment(home: scenario.folder.url("home"))
            if noColor { environment["NO_COLOR"] = "1" }
            return try TmuxSession(scenario.binary.url.path, arguments + ["-C", clone.path], cwd: clone, environment: environment)
        }

        /// Every ref of the origin with its target.
        func originRefs() throws -> String {
            try Shell.git("for-each-ref", "--format=%(refname) %(objectname)", in: scenario.sample.origin)
        }

        func stop() { daemon.stop() }
    }

    @Test("\"n\" at the prompt aborts: the plan was shown, nothing is written on the origin or in the clone")
    func answerNo() throws {
        let scene = try Scene()
        defer { scene.stop() }
        let before = try scene.originRefs()
        let localBefore = try Shell.git("for-each-ref", "--format=%(refname) %(objectname)", "refs/heads", in: scene.clone)
        let session = try scene.start(["--staging-status", scene.status])
        defer { session.stop() }
        let question = "Promote main@\(scene.scenario.sample.mainTip.prefix(12)) into production (merge)? [y/N] "
        let screen = try session.waitFor("[y/N]")
        #expect(screen.hasPrefix("fetched from origin: "), "the fetch's progress line, finished: \(screen)")
        #expect(screen.contains("keos-promote promote: main@452d168 → production@"))
        #expect(screen.contains("main is at "), "the new commit on main is shown as ahead")
        #expect(screen.contains("verification: reconciled"))
        #expect(screen.contains("3 components changed (2 affect production)"))
        #expect(screen.contains("HelmRelease metrics-server (base): metrics-server 3.12.1 → metrics-server 3.12.2"))
        #expect(screen.trimmingCharacters(in: .newlines).hasSuffix(question.trimmingCharacters(in: .whitespaces)),
                "the question is the last thing on the screen")
        try session.type("n")
        #expect(try session.waitForExit() == 1)
        let after = try session.screen()
        #expect(after.contains(question + "n\nerror: promotion cancelled; nothing was written"))
        #expect(!after.contains("pushed to origin") && !after.contains("pushed production"))
        #expect(try scene.originRefs() == before)
        #expect(try Shell.git("for-each-ref", "--format=%(refname) %(objectname)", "refs/heads", in: scene.clone) == localBefore)
        #expect(try Shell.git("status", "--porcelain", in: scene.clone).isEmpty)
    }

    @Test("\"y\" at the prompt promotes: push progress, the pushed line, a merge of main into production on the origin")
    func answerYes() throws {
        let scene = try Scene()
        defer { scene.stop() }
        let productionBefore = try scene.scenario.revParse("production")
        let session = try scene.start(["--staging-status", scene.status])
        defer { session.stop() }
        try session.waitFor("[y/N]")
        try session.type("y")
        #expect(try session.waitForExit() == 0)
        let screen = try session.screen()
        let production = try scene.scenario.revParse("production")
        #expect(production != productionBefore)
        #expect(try Shell.git("rev-parse", "\(production)^1", "\(production)^2", in: scene.scenario.sample.origin)
                == productionBefore + "\n" + scene.scenario.sample.mainTip)
        #expect(screen.contains("[y/N] y\npushed to origin: "), "push progress right after the answer: \(screen)")
        #expect(screen.trimmingCharacters(in: .newlines).hasSuffix("pushed production → \(production.prefix(12))"))
        #expect(!screen.contains("\u{1B}["), "no raw escape sequences left on the screen")
    }

    @Test("--output json > file at a terminal: the plan and the question on the screen, one JSON object in the file")
    func jsonAtTheTerminal() throws {
        let scene = try Scene()
        defer { scene.stop() }
        let output = scene.scenario.folder.url("result.json")
        var environment = KeosBinary.cleanEnvironment(home: scene.scenario.folder.url("home"))
        environment["NO_COLOR"] = "1"
        let command = [scene.scenario.binary.url.path, "--output", "json", "--staging-status", scene.status, "-C", scene.clone.path]
            .map { "'\($0)'" }.joined(separator: " ") + " > '\(output.path)'"
        let session = try TmuxSession("sh", ["-c", command], cwd: scene.clone, environment: environment)
        defer { session.stop() }
        let screen = try session.waitFor("[y/N]")
        #expect(screen.contains("3 components changed (2 affect production)"), "the plan, as text, for the person")
        try session.type("y")
        #expect(try session.waitForExit() == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: try Data(contentsOf: output)) as? [String: Any])
        #expect((document["result"] as? [String: Any])?["pushed"] as? Bool == true)
    }

    @Test("colours on a terminal: bold title, green verification, yellow change kinds; none with NO_COLOR")
    func colours() throws {
        let scene = try Scene()
        defer { scene.stop() }
        let coloured = try scene.start(["--dry-run", "--staging-status", scene.status])
        defer { coloured.stop() }
        #expect(try coloured.waitForExit() == 0)
        let escaped = try coloured.screen(escapes: true)
        #expect(escaped.contains("\u{1B}[1mkeos-promote promote"), "bold title")
        #expect(escaped.contains("verification: \u{1B}[32mreconciled"), "green reconciled")
        #expect(escaped.contains("\u{1B}[33mmodified"), "yellow modified")
        let plain = try coloured.screen()
        #expect(plain.contains("verification: reconciled"))

        let colourless = try scene.start(["--dry-run", "--staging-status", scene.status], noColor: true)
        defer { colourless.stop() }
        #expect(try colourless.waitForExit() == 0)
        let noEscapes = try colourless.screen(escapes: true)
        #expect(!noEscapes.contains("\u{1B}"), "NO_COLOR: not one escape sequence")
        #expect(noEscapes.contains("verification: reconciled"))
    }

    @Test("warnings and errors on stderr are coloured on a terminal too")
    func colouredDiagnostics() throws {
        let scene = try Scene()
        defer { scene.stop() }
        let session = try scene.start(["--dry-run", "--skip-verify", "--revision", "no-such-ref"])
        defer { session.stop() }
        #expect(try session.waitForExit() == 2)
        let escaped = try session.screen(escapes: true)
        #expect(escaped.contains("\u{1B}[31merror:"), "red error: \(escaped)")
        #expect(try session.screen().contains("error: "))
    }

    @Test("--quiet on a terminal: no progress, no report, only the data asked for; --verbose logs each step")
    func quietAndVerbose() throws {
        let scene = try Scene()
        defer { scene.stop() }
        let quiet = try scene.start(["--dry-run", "--quiet", "--staging-status", scene.status])
        defer { quiet.stop() }
        #expect(try quiet.waitForExit() == 0)
        let quietScreen = try quiet.screen()
        #expect(!quietScreen.contains("fetched"), "\(quietScreen)")
        #expect(!quietScreen.contains("components changed"))

        let verbose = try scene.start(["verify", "--verbose", "--staging-status", scene.status])
        defer { verbose.stop() }
        #expect(try verbose.waitForExit() == 0)
        let verboseScreen = try verbose.screen()
        #expect(verboseScreen.contains("debug: no configuration file; using flags and defaults"))
        #expect(verboseScreen.contains("info: fetching main, production from origin"))
        #expect(verboseScreen.contains("verification: reconciled"))
    }

    @Test("without a terminal: no progress, no colour, no prompt (the promotion proceeds as in CI)")
    func notATerminal() throws {
        let scene = try Scene()
        defer { scene.stop() }
        let result = try scene.scenario.binary.run(["--staging-status", scene.status, "-C", scene.clone.path], cwd: scene.clone)
        #expect(result.status == 0, "\(result)")
        #expect(!result.stderr.contains("\r") && !result.stderr.contains("fetched"), "\(result.stderr)")
        #expect(!result.stdout.contains("\u{1B}") && !result.stderr.contains("\u{1B}"))
        #expect(!result.stderr.contains("[y/N]"))
        #expect(result.stdout.contains("pushed: merged main@452d168 into production at "), "\(result.stdout)")
    }
}
