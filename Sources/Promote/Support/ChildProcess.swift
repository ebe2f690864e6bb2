import Dispatch
import Foundation

/// What a finished helper process (a credential plugin, a signing program) left: exit status, output.
public struct ProcessOutput: Sendable {
    public var status: Int32
    public var timedOut: Bool
    public var stdout: Data
    public var stderr: Data

    /// The first line of stderr, escaped and shortened; `nil` when it said nothing.
    public var stderrSummary: String? {
        let line = String(decoding: stderr, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return Self.shortened(line)
    }

    /// `line` trimmed, escaped and cut to 200 characters; `nil` when empty.
    public static func shortened(_ line: String) -> String? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        let short = trimmed.count > 200 ? String(trimmed.prefix(200)) + "…" : trimmed
        return DisplayText.escaped(short)
    }
}

/// Runs a helper program synchronously and collects its output.
public enum ChildProcess {
    /// What the child reads on stdin.
    public enum Input: Sendable {
        /// `/dev/null`.
        case none
        /// This process's stdin (a person may answer the program's prompts).
        case inherited
        /// These bytes, then end of file.
        case data(Data)
    }

    /// Runs `executable` (a path) and waits for it; stderr is this process's when `passStandardError` (so a
    /// person sees the program's prompts), else captured (up to 64 KiB). Stdout is capped at 1 MiB. A process
    /// still running after `timeout` seconds is terminated. Throws only when the program cannot be started.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String], input: Input = .none,
                           passStandardError: Bool = false, timeout: TimeInterval) throws -> ProcessOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let stdin = Pipe()
        switch input {
        case .none: process.standardInput = FileHandle.nullDevice
        case .inherited: process.standardInput = FileHandle.standardInput
        case .data: process.standardInput = stdin
        }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = passStandardError ? FileHandle.standardError : err
        try process.run()

        let collected = Collected()
        let group = DispatchGroup()
        if case .data(let data) = input {
            // Written on a thread of its own, so a program that answers before reading everything cannot deadlock
            // us; SIGPIPE is blocked there, so a program that exits without reading is EPIPE, not our death.
            group.enter()
            let writer = stdin.fileHandleForWriting
            Thread.detachNewThread {
                var pipeSignal = sigset_t()
                sigemptyset(&pipeSignal)
                sigaddset(&pipeSignal, SIGPIPE)
                pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
                try? writer.write(contentsOf: data)
                try? writer.close()
                group.leave()
            }
        }
        DispatchQueue.global().async(group: group) {
            collected.setStdout(read(out.fileHandleForReading, limit: 1 << 20))
        }
        if !passStandardError {
            DispatchQueue.global().async(group: group) {
                collected.setStderr(read(err.fileHandleForReading, limit: 64 << 10))
            }
        }
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            process.waitUntilExit()
            finished.signal()
        }
        var timedOut = false
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            process.terminate()
            finished.wait()
        }
        group.wait()
        return ProcessOutput(status: process.terminationStatus, timedOut: timedOut, stdout: collected.stdout, stderr: collected.stderr)
    }

    /// The executable `command` names: itself when it holds a `/`, else the first match in `PATH`.
    public static func locate(_ command: String, environment: [String: String]) -> String? {
        let files = FileManager.default
        if command.contains("/") {
            return files.isExecutableFile(atPath: command) ? command : nil
        }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = "\(folder)/\(command)"
            var isDirectory: ObjCBool = false
            if files.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue, files.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }

    /// Reads to the end, keeping at most `limit` bytes (and draining the rest so the writer never blocks).
    private static func read(_ handle: FileHandle, limit: Int) -> Data {
        var data = Data()
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            if data.count < limit { data.append(chunk.prefix(limit - data.count)) }
        }
        return data
    }

    /// Output gathered on two threads; the dispatch group orders the accesses.
    private final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var stdout = Data()
        private(set) var stderr = Data()

        func setStdout(_ data: Data) {
            lock.lock()
            stdout = data
            lock.unlock()
        }

        func setStderr(_ data: Data) {
            lock.lock()
            stderr = data
            lock.unlock()
        }
    }
}
