import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process that a test watches while it runs: its output as it arrives, a signal at a chosen moment.
///
/// Made for killing the tool at a given step (`kill(onceStderrContains:)`), or after a delay (`kill()`).
public final class RunningProcess: @unchecked Sendable {
    public let process: Process
    private let output = Mutex((stdout: Data(), stderr: Data()))
    private let drained = DispatchGroup()
    /// A signal to send as soon as standard error contains the text (checked as each piece arrives).
    private let trigger = Mutex<(text: String, signal: Int32)?>(nil)

    /// Starts `executable` with `arguments`; `environment` replaces the whole environment.
    public init(_ executable: URL, _ arguments: [String], cwd: URL? = nil, environment: [String: String]) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let cwd { process.currentDirectoryURL = cwd }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try Shell.startWithDefaultSignals(process)
        try? out.fileHandleForWriting.close()
        try? err.fileHandleForWriting.close()
        self.process = process
        collect(out.fileHandleForReading, stderr: false)
        collect(err.fileHandleForReading, stderr: true)
    }

    /// The process id.
    public var pid: Int32 { process.processIdentifier }

    /// Standard error so far, decoded as UTF-8.
    public var stderrSoFar: String { String(decoding: output.get().stderr, as: UTF8.self) }

    /// Waits until standard error contains `text`; false when the process ended or `timeout` passed first.
    public func waitForStderr(containing text: String, timeout: TimeInterval = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if stderrSoFar.contains(text) { return true }
            if !process.isRunning {
                // What it wrote just before it ended may still be in the pipe.
                _ = drained.wait(timeout: .now() + 10)
                return stderrSoFar.contains(text)
            }
            usleep(2_000)
        }
        return false
    }

    /// Sends `signal` the moment standard error contains `text`: from the thread that reads it, with no polling
    /// delay, so that a step the tool logs just before a short last stretch of work is still caught.
    public func kill(_ signal: Int32 = SIGKILL, onceStderrContains text: String) {
        trigger.update { $0 = (text, signal) }
        fireTrigger()
    }

    private func fireTrigger() {
        guard let (text, signal) = trigger.get(), stderrSoFar.contains(text) else { return }
        trigger.update { $0 = nil }
        kill(signal)
    }

    /// Sends `signal` (default SIGKILL) to the process.
    public func kill(_ signal: Int32 = SIGKILL) {
        if process.isRunning { _ = Glibc.kill(pid, signal) }
    }

    /// Waits for the end (killing it after `timeout`) and returns what it left.
    public func wait(timeout: TimeInterval = 120) -> ProcessResult {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        if process.isRunning { kill() }
        process.waitUntilExit()
        _ = drained.wait(timeout: .now() + 10)
        let collected = output.get()
        return ProcessResult(status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
                             stdoutData: collected.stdout, stderrData: collected.stderr)
    }

    private func collect(_ handle: FileHandle, stderr: Bool) {
        drained.enter()
        Thread.detachNewThread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                output.update { stderr ? $0.stderr.append(data) : $0.stdout.append(data) }
                if stderr { fireTrigger() }
            }
            try? handle.close()
            drained.leave()
        }
    }
}

extension KeosBinary {
    /// Starts the tool with `arguments` in `cwd` and returns at once (see `run` for the environment).
    public func start(_ arguments: [String], cwd: URL? = nil, environment: [String: String] = [:], home: URL) throws -> RunningProcess {
        var variables = Self.cleanEnvironment(home: home)
        variables.merge(environment) { _, new in new }
        return try RunningProcess(url, arguments, cwd: cwd, environment: variables)
    }
}
