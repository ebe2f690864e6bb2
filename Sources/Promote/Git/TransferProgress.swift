import CGit2

/// How far a fetch or push has come, as libgit2 reports it; for a progress line on a terminal.
public struct TransferProgress: Sendable, Equatable {
    public enum Operation: String, Sendable {
        case fetch, push
    }

    public enum Phase: String, Sendable {
        /// Fetch: objects arriving.
        case receiving = "receiving objects"
        /// Fetch: deltas being resolved after the objects arrived.
        case resolving = "resolving deltas"
        /// Push: objects being gathered for the pack.
        case counting = "counting objects"
        /// Push: deltas being computed for the pack.
        case compressing = "compressing objects"
        /// Push: the pack being sent.
        case writing = "writing objects"
        /// The transfer succeeded; `current` and `total` are the objects transferred, `bytes` their size.
        case done
    }

    public var operation: Operation
    public var remote: String
    public var phase: Phase
    public var current: Int
    public var total: Int
    public var bytes: Int

    public init(operation: Operation, remote: String, phase: Phase, current: Int, total: Int, bytes: Int) {
        self.operation = operation
        self.remote = remote
        self.phase = phase
        self.current = current
        self.total = total
        self.bytes = bytes
    }
}

/// Receives progress; called synchronously on the thread that runs the transfer.
public typealias TransferProgressHandler = @Sendable (TransferProgress) -> Void

extension TransferContext {
    /// Forwards one event to the handler, if any; remembers the last counts for the final `done` event.
    func report(_ phase: TransferProgress.Phase, current: Int, total: Int, bytes: Int) {
        guard let progress else { return }
        if phase == .writing || phase == .receiving {
            lastObjects = total
            lastBytes = bytes
        }
        progress(TransferProgress(operation: operation, remote: remoteName, phase: phase, current: current,
                                  total: total, bytes: bytes))
    }

    /// The final event after a successful transfer.
    func reportDone() {
        report(.done, current: lastObjects, total: lastObjects, bytes: lastBytes)
    }
}

extension RemoteCallbacks {
    /// Fetch: objects received, then deltas resolved.
    static let transferProgress: git_indexer_progress_cb = { stats, payload in
        guard let stats, let payload else { return 0 }
        let context = Unmanaged<TransferContext>.fromOpaque(payload).takeUnretainedValue()
        let value = stats.pointee
        if value.total_deltas > 0 && value.received_objects == value.total_objects {
            context.report(.resolving, current: Int(value.indexed_deltas), total: Int(value.total_deltas),
                           bytes: Int(value.received_bytes))
            context.lastObjects = Int(value.total_objects)
        } else {
            context.report(.receiving, current: Int(value.received_objects), total: Int(value.total_objects),
                           bytes: Int(value.received_bytes))
        }
        return 0
    }

    /// Push: building the pack.
    static let packProgress: git_packbuilder_progress = { stage, current, total, payload in
        guard let payload else { return 0 }
        let context = Unmanaged<TransferContext>.fromOpaque(payload).takeUnretainedValue()
        let phase: TransferProgress.Phase = stage == Int32(GIT_PACKBUILDER_ADDING_OBJECTS.rawValue) ? .counting : .compressing
        context.report(phase, current: Int(current), total: Int(total), bytes: 0)
        return 0
    }

    /// Push: sending the pack.
    static let pushTransferProgress: git_push_transfer_progress_cb = { current, total, bytes, payload in
        guard let payload else { return 0 }
        let context = Unmanaged<TransferContext>.fromOpaque(payload).takeUnretainedValue()
        context.report(.writing, current: Int(current), total: Int(total), bytes: Int(bytes))
        return 0
    }
}
