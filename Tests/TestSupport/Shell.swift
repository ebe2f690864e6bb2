import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a finished process left behind.
public struct ProcessResult: Sendable, Equatable, CustomStringConvertible {
    /// Exit status, or the signal number when `signaled` is true.
    public var status: Int32
    /// True when the process was ended by a signal.
    public var signaled: Bool
    public var stdoutData: Data
    public var stderrData: Data

    public init(status: Int32, signaled: Bool = false, stdoutData: Data, stderrData: Data) {
        self.status = status
        self.signaled = signaled
        self.stdoutData = stdoutData
        self.stderrData = stderrData
    }

    /// Standard output decoded as UTF-8 (invalid bytes replaced).
    public var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
    /// Standard error decoded as UTF-8 (invalid bytes replaced).
    public var stderr: String { String(decoding: stderrData, as: UTF8.self) }
    /// True for exit status 0.
    public var succeeded: Bool { status == 0 && !signaled }

    public var description: String {
        "exit \(signaled ? "signal " : "")\(status)\n--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)"
    }
}

/// Failures of the test support code itself, with the context needed to diagnose them.
public struct TestSupportError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Runs programs and collects their output.
public enum Shell {
    /// Runs `executable` (a path, or a name looked up in `PATH`) and waits for it.
    ///
    /// Both output pipes are drained concurrently, so outputs of any size never deadlock. `stdin`
    /// is written then closed; without it the child reads `/dev/null`. `environment` replaces the
    /// whole environment (nil inherits this process's). A process still running after `timeout`
    /// seconds is killed and an error thrown. A non-zero exit is not an error: check `status`.
    public static func run(
        _ executable: String,
        _ arguments: [String] = [],
        cwd: URL? = nil,
        environment: [String: String]? = nil,
        stdin: Data? = nil,
        timeout: TimeInterval = 120
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = try resolve(executable, path: (environment ?? ProcessInfo.processInfo.environment)["PATH"])
        process.arguments = arguments
        if let cwd { process.currentDirectoryURL = cwd }
        if let environment { process.environment = environment }

        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        let inPipe: Pipe? = stdin == nil ? nil : Pipe()
        process.standardInput = inPipe ?? FileHandle.nullDevice

        do {
            try startWithDefaultSignals(process)
        } catch {
            throw TestSupportError("cannot start \(executable) \(arguments.joined(separator: " ")): \(error)")
        }
        // Our copies of the child's ends must be closed, or EOF never comes.
        try? outPipe.fileHandleForWriting.close()
        try? errPipe.fileHandleForWriting.close()
        try? inPipe?.fileHandleForReading.close()

        let group = DispatchGroup()
        let out = DataBox()
        let err = DataBox()
        drain(outPipe.fileHandleForReading, into: out, group: group)
        drain(errPipe.fileHandleForReading, into: err, group: group)
        if let inPipe, let stdin {
            let writer = inPipe.fileHandleForWriting
            group.enter()
            Thread.detachNewThread {
                // A child that exits without reading makes write() raise SIGPIPE; blocked on this
                // thread only, it becomes EPIPE instead of killing the test process.
                var pipeSignal = sigset_t()
                sigemptyset(&pipeSignal)
                sigaddset(&pipeSignal, SIGPIPE)
                pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
                try? writer.write(contentsOf: stdin)
                try? writer.close()
                group.leave()
            }
        }

        if group.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            _ = group.wait(timeout: .now() + 5)
            throw TestSupportError(
                "\(executable) \(arguments.joined(separator: " ")) timed out after \(Int(timeout))s\n"
                    + "stdout: \(String(decoding: out.data, as: UTF8.self))\nstderr: \(String(decoding: err.data, as: UTF8.self))")
        }
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus,
            signaled: process.terminationReason == .uncaughtSignal,
            stdoutData: out.data,
            stderrData: err.data)
    }

    /// Runs `git` with `arguments` in `directory` and returns its standard output without the final
    /// newline; throws with the command, the status and standard error when git fails.
    @discardableResult
    public static func git(
        _ arguments: String...,
        in directory: URL,
        environment: GitEnvironment = .standard,
        stdin: Data? = nil
    ) throws -> String {
        try git(arguments, in: directory, environment: environment, stdin: stdin)
    }

    /// Array form of `git(_:in:environment:stdin:)`.
    @discardableResult
    public static func git(
        _ arguments: [String],
        in directory: URL,
        environment: GitEnvironment = .standard,
        stdin: Data? = nil
    ) throws -> String {
        let result = try run("git", arguments, cwd: directory, environment: environment.variables, stdin: stdin)
        guard result.succeeded else {
            throw TestSupportError(
                "git \(arguments.joined(separator: " ")) failed in \(directory.path) (exit \(result.status)):\n\(result.stderr)\(result.stdout)")
        }
        return result.stdout.trimmingTrailingNewline()
    }

    /// The absolute path of `name` in `path` (colon separated), or `name` itself when it has a slash.
    public static func resolve(_ name: String, path: String?) throws -> URL {
        if name.contains("/") { return URL(fileURLWithPath: name) }
        let folders = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for folder in folders {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw TestSupportError("\(name) not found in PATH \(path ?? "(unset)")")
    }

    private static func drain(_ handle: FileHandle, into box: DataBox, group: DispatchGroup) {
        group.enter()
        Thread.detachNewThread {
            box.data = handle.readDataToEndOfFile()
            try? handle.close()
            group.leave()
        }
    }

    /// `/usr/bin/env` when it can reset SIGPIPE for the child (`--default-signal`, coreutils 8.31+).
    ///
    /// An ignored signal stays ignored across exec, and SwiftNIO (the Kubernetes API tests' server and
    /// client run in this same test process) ignores SIGPIPE process-wide on Linux.
    private static let defaultSignalEnv: URL? = {
        #if os(Linux)
        let env = URL(fileURLWithPath: "/usr/bin/env")
        let probe = Process()
        probe.executableURL = env
        probe.arguments = ["--default-signal=PIPE", "true"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return nil }
        probe.waitUntilExit()
        return probe.terminationStatus == 0 ? env : nil
        #else
        return nil
        #endif
    }()

    /// Starts `process` with no signal blocked and SIGPIPE at its default action.
    ///
    /// A child inherits the signal mask of the thread that spawns it, and the threads tests run on
    /// block nearly every signal: a daemon started from there ignores SIGTERM, and the tool under
    /// test would not see SIGINT. The mask is cleared for the spawn and restored right after.
    static func startWithDefaultSignals(_ process: Process) throws {
        if let env = defaultSignalEnv, let executable = process.executableURL {
            process.arguments = ["--default-signal=PIPE", executable.path] + (process.arguments ?? [])
            process.executableURL = env
        }
        var empty = sigset_t()
        sigemptyset(&empty)
        var saved = sigset_t()
        pthread_sigmask(SIG_SETMASK, &empty, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        try process.run()
    }
}

/// Output collected on a reader thread; read only after the group that guards it finished.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}

extension String {
    /// The string without one trailing newline (as `$(…)` in a shell strips).
    public func trimmingTrailingNewline() -> String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
