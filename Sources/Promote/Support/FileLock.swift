import Foundation

/// An exclusive `flock(2)` on a lock file, held until the value is released.
///
/// The kernel drops the lock when the holder exits, however it ends (even SIGKILL), so a stale lock file
/// never blocks a later run. A second holder waits up to `wait` seconds, then gives up. While held, the file
/// names the holder and when it started; a clean release empties it, so the next holder can tell that the
/// one before was killed (`interruptedRunStart`).
public final class FileLock {
    /// The lock file.
    public let path: String
    /// When the previous holder took the lock, if it ended without releasing it (killed); nil after a clean run.
    public let interruptedRunStart: Date?
    private let descriptor: Int32

    /// Takes the lock on `path` (creating the file), waiting up to `wait` seconds for another holder.
    ///
    /// - Parameters:
    ///   - what: what the lock guards, for messages ("the mirror", "the clone").
    ///   - log: told once when this run has to wait.
    /// - Throws: `PromoteError(.runtime)` when the file cannot be opened or the wait runs out.
    public init(_ path: String, guarding what: String, wait: TimeInterval, log: (String) -> Void = { _ in }) throws {
        self.path = path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw PromoteError(.runtime, "cannot open the lock \(DisplayText.escaped(path)) of \(what): \(String(cString: strerror(errno)))")
        }
        let deadline = Date().addingTimeInterval(wait)
        var told = false
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw PromoteError(.runtime, "cannot lock \(DisplayText.escaped(path)): \(reason)")
            }
            if Date() >= deadline {
                close(descriptor)
                throw PromoteError(.runtime, "another keos-promote run has been using \(what) for over \(Int(wait))s (lock \(DisplayText.escaped(path))); try again later")
            }
            if !told {
                log("waiting for another keos-promote run that uses \(what) (lock \(DisplayText.escaped(path)))")
                told = true
            }
            usleep(100_000)
        }
        self.descriptor = descriptor
        interruptedRunStart = Self.readStart(descriptor)
        let note = "pid \(getpid()) started \(Date().timeIntervalSince1970)\n"
        _ = ftruncate(descriptor, 0)
        _ = note.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    deinit {
        _ = ftruncate(descriptor, 0)
        close(descriptor)
    }

    /// The start time a previous holder wrote (`pid N started SECONDS`), if any.
    private static func readStart(_ descriptor: Int32) -> Date? {
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        guard let field = text.split(whereSeparator: \.isWhitespace).last, let seconds = TimeInterval(field) else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }
}
