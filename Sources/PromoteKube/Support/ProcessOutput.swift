import Dispatch
import Foundation
import Promote

extension ProcessOutput {
    /// Runs `executable` (see `ChildProcess.run`) on a dispatch thread, never blocking the cooperative pool.
    ///
    /// Stdin is this process's when `passStandardInput`, else `/dev/null`.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String], passStandardInput: Bool,
                    passStandardError: Bool, timeout: TimeInterval) async throws -> ProcessOutput {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    continuation.resume(returning: try ChildProcess.run(
                        executable, arguments, environment: environment, input: passStandardInput ? .inherited : .none,
                        passStandardError: passStandardError, timeout: timeout))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
