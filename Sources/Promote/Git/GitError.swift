import CGit2

/// A libgit2 call that failed, carrying libgit2's own message.
public struct GitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `git_error_code` the call returned (negative).
    public let code: Int32
    /// The `git_error_t` class of the last error, or 0 when libgit2 set none.
    public let errorClass: Int32
    /// What the tool was doing, e.g. `fetch from origin`.
    public let operation: String
    /// libgit2's message, or a generic one when it set none.
    public let message: String

    public var description: String { "\(operation): \(message)" }

    /// A reference update lost a compare-and-swap, or a push was not a fast-forward.
    public var isConcurrentModification: Bool {
        code == GIT_EMODIFIED.rawValue || code == GIT_ENONFASTFORWARD.rawValue || code == GIT_ELOCKED.rawValue
    }
}

/// Turns a negative libgit2 return code into a `GitError` with `git_error_last()`, read right after the call.
@discardableResult
func check(_ result: Int32, _ operation: @autoclosure () -> String) throws(GitError) -> Int32 {
    guard result < 0 else { return result }
    var errorClass: Int32 = 0
    var message = "libgit2 error \(result)"
    if let last = git_error_last() {
        errorClass = last.pointee.klass
        if let text = last.pointee.message {
            message = String(cString: text).trimmingTrailingNewlines()
        }
    }
    throw GitError(code: result, errorClass: errorClass, operation: operation(), message: message)
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        return text
    }
}
