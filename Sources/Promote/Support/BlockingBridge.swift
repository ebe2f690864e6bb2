import Dispatch
import Foundation

/// Runs async work to completion from synchronous code (the service is synchronous; the HTTP clients are not).
///
/// The work runs with a task-executor preference for a private dispatch queue, so it never needs a thread of
/// Swift's cooperative pool: blocking the calling thread is safe even when the caller is itself on that pool
/// (a synchronous test, say), where waiting for the pool could otherwise deadlock.
public enum BlockingBridge {
    /// The result of `operation`, waiting for it on the calling thread.
    public static func run<T: Sendable>(_ operation: @escaping @Sendable () async throws(PromoteError) -> T) throws(PromoteError) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached(executorPreference: QueueTaskExecutor.shared) {
            do throws(PromoteError) {
                box.result = .success(try await operation())
            } catch {
                box.result = .failure(error)
            }
            done.signal()
        }
        done.wait()
        return try box.take()
    }
}

/// A result written by one thread and read by another after a semaphore: the semaphore orders the accesses.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    var result: Result<T, PromoteError>?

    func take() throws(PromoteError) -> T {
        guard let result else { preconditionFailure("BlockingBridge finished without a result") }
        return try result.get()
    }
}

/// A task executor on a concurrent dispatch queue (whose threads are not the cooperative pool's).
final class QueueTaskExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = QueueTaskExecutor()

    private let queue = DispatchQueue(label: "keos-promote.async", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async {
            job.runSynchronously(on: executor)
        }
    }
}
