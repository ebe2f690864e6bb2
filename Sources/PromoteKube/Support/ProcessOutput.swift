import Dispatch
import Foundation
import Promote

/// What a finished helper process (a credential plugin) left: exit status, stdout, and a summary of stderr.
struct ProcessOutput: Sendable {
    var status: Int32
    var timedOut: Bool
    var stdout: Data
    var stderr: Data

    /// The first line of stderr, escaped and shortened; `nil` when it said nothing.
    var stderrSummary: String? {
        let line = String(decoding: stderr, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        let short = trimmed.count > 200 ? String(trimmed.prefix(200)) + "…" : trimmed
        return DisplayText.escaped(short)
    }

    /// Runs `executable` on a dispatch thread (never blocking the cooperative pool) and collects its output.
    ///
    /// Stdin is this process's when `passStandardInput`, else `/dev/null`; stderr is this process's when
    /// `passStandardError` (so a person sees a plugin's prompts), else captured. Stdout is capped at 1 MiB.
    /// A process still running after `timeout` seconds is terminated.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String], passStandardInput: Bool,
                    passStandardError: Bool, timeout: TimeInterval) async throws -> ProcessOutput {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    continuation.resume(returning: try runBlocking(executable, arguments, environment: environment,
                                                                    passStandardInput: passStandardInput,
                                                                    passStandardError: passStandardError, timeout: timeout))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String],
                                    passStandardInput: Bool, passStandardError: Bool, timeout: TimeInterval) throws -> ProcessOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = passStandardInput ? FileHandle.standardInput : FileHandle.nullDevice
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = passStandardError ? FileHandle.standardError : err
        try process.run()

        let collected = Collected()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            collected.setStdout(read(out.fileHandleForReading, limit: 1 << 20))
            group.leave()
        }
        if !passStandardError {
            group.enter()
            DispatchQueue.global().async {
                collected.setStderr(read(err.fileHandleForReading, limit: 64 << 10))
                group.leave()
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
