import Foundation

/// The manifest objects of YAML blobs, each blob parsed at most once in a run, on whichever thread gets to it.
///
/// Threading (the one place it is described):
/// - blob bytes are read only by the thread that owns the `BlobSource` (libgit2 objects are not shared across
///   threads here) and only there are they queued: `prefetch` and `objects(of:from:)`;
/// - parsing is pure (Swift and libyaml): every thread that drains takes the next queued blob under the lock —
///   one cursor over one queue — parses it outside the lock and records the result;
/// - `prefetch` starts one background thread that drains while the caller goes on (the diff starts parsing the
///   files the merge already knows to differ while it detects renames and counts lines); `objects(of:from:)`
///   queues what is still missing, drains on every core, and waits only for blobs another thread is parsing.
final class ParsedManifests: @unchecked Sendable {
    /// What one blob yields: its objects, or why it cannot be read.
    typealias Objects = Result<[ManifestObject.Key: ManifestObject], YAMLSkipReason>

    let reader: ManifestReader
    /// Guards every stored property below it.
    private let condition = NSCondition()
    private var queue: [(id: ObjectID, bytes: Result<Data, YAMLSkipReason>)] = []
    private var cursor = 0
    private var queued: Set<ObjectID> = []
    private var parsing: Set<ObjectID> = []
    private var parsed: [ObjectID: Objects] = [:]
    private var parses = 0

    init(reader: ManifestReader = ManifestReader()) {
        self.reader = reader
    }

    /// How many blobs were parsed so far (for tests).
    var parseCount: Int { condition.withLock { parses } }

    /// Reads the blobs `ids` that are not queued yet and starts parsing them on a background thread.
    func prefetch(_ ids: some Sequence<ObjectID>, from blobs: any BlobSource) {
        guard enqueue(ids, from: blobs) > 0 else { return }
        DispatchQueue.global().async { self.drain() }
    }

    /// The objects of every blob in `ids`, parsing those not parsed yet (on every core).
    func objects(of ids: some Sequence<ObjectID>, from blobs: any BlobSource) -> [ObjectID: Objects] {
        let queuedNow = enqueue(ids, from: blobs)
        if queuedNow > 1 {
            DispatchQueue.concurrentPerform(iterations: min(queuedNow, ProcessInfo.processInfo.activeProcessorCount)) { _ in
                self.drain()
            }
        } else {
            drain()
        }
        return condition.withLock {
            var results: [ObjectID: Objects] = [:]
            for id in ids where results[id] == nil {
                while parsed[id] == nil && parsing.contains(id) { condition.wait() }
                results[id] = parsed[id]
            }
            return results
        }
    }

    /// Reads and queues the blobs among `ids` not queued before; returns how many.
    private func enqueue(_ ids: some Sequence<ObjectID>, from blobs: any BlobSource) -> Int {
        let new = condition.withLock {
            var new: [ObjectID] = []
            for id in ids where queued.insert(id).inserted { new.append(id) }
            return new
        }
        guard !new.isEmpty else { return 0 }
        let items = new.map { (id: $0, bytes: Self.read($0, from: blobs, maximumBytes: reader.maximumBytes)) }
        condition.withLock { queue.append(contentsOf: items) }
        return items.count
    }

    /// Parses queued blobs until the queue is empty; any thread, any number of threads at once.
    private func drain() {
        while let (id, bytes) = take() {
            let objects = bytes.flatMap { data in
                Result { () throws(YAMLSkipReason) in ManifestObject.objects(in: try reader.documents(in: data)) }
            }
            condition.withLock {
                parsed[id] = objects
                parsing.remove(id)
                parses += 1
                condition.broadcast()
            }
        }
    }

    /// The next queued blob, marked as being parsed; its bytes leave the queue.
    private func take() -> (ObjectID, Result<Data, YAMLSkipReason>)? {
        condition.withLock {
            guard cursor < queue.count else { return nil }
            let item = queue[cursor]
            queue[cursor].bytes = .failure(.unreadable)
            cursor += 1
            parsing.insert(item.id)
            return (item.id, item.bytes)
        }
    }

    /// The bytes of blob `id`; those of a blob larger than `maximumBytes` are not kept.
    private static func read(_ id: ObjectID, from blobs: any BlobSource, maximumBytes: Int) -> Result<Data, YAMLSkipReason> {
        do {
            guard let data = try blobs.blobData(id, maximumBytes: maximumBytes) else { return .failure(.tooLarge) }
            return .success(data)
        } catch {
            return .failure(.unreadable)
        }
    }
}
