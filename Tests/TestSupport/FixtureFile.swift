import Foundation

/// What to do to one path in a commit made with `GitFixture.commit(_:on:message:)`.
///
/// A string literal stands for a text file: `["README.md": "# hello\n", "old.txt": .delete]`.
public enum FixtureFile: Sendable, Equatable, ExpressibleByStringLiteral {
    /// A regular file with these bytes; `executable` sets mode 100755.
    case file(Data, executable: Bool)
    /// A symbolic link pointing at `target`.
    case symlink(String)
    /// Removes the file, or every file below the folder.
    case delete

    public init(stringLiteral value: String) {
        self = .file(Data(value.utf8), executable: false)
    }

    /// A text file.
    public static func text(_ contents: String) -> FixtureFile { .file(Data(contents.utf8), executable: false) }
    /// A file with arbitrary bytes.
    public static func binary(_ contents: Data) -> FixtureFile { .file(contents, executable: false) }
    /// An executable script.
    public static func executable(_ contents: String) -> FixtureFile { .file(Data(contents.utf8), executable: true) }
}

/// Hands out increasing commit dates so that history order never depends on the wall clock.
public final class CommitClock: @unchecked Sendable {
    private let lock = NSLock()
    private var next: Date

    public init(start: Date) { next = start }

    /// The next date: one minute after the previous one.
    public func tick() -> Date {
        lock.lock()
        defer { lock.unlock() }
        let date = next
        next = next.addingTimeInterval(60)
        return date
    }
}
