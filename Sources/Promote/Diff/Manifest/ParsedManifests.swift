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
    /// Every blob queued, in order; those before `ready` have their bytes, those before `cursor` were taken.
    private var entries: [Entry] = []
    private var slotOf: [ObjectID: Int] = [:]
    private var ready = 0
    private var cursor = 0
    private var parses = 0

    private struct Entry {
        /// Until it is taken.
        var bytes: Result<Data, YAMLSkipReason>?
        /// Once it is parsed.
        var objects: Objects?
    }

    init(reader: ManifestReader = ManifestReader()) {
        self.reader = reader
    }

    /// How many blobs were parsed so far (for tests).
    var parseCount: Int { condition.withLock { parses } }

    /// Reads the blobs `ids` that are not queued yet and starts parsing them on a background thread.
    func prefetch(_ ids: [ObjectID], from blobs: any BlobSource) {
        guard enqueue(ids, from: blobs).added > 0 else { return }
        WorkerThread.start { self.drain() }
    }

    /// The objects of each blob in `ids`, in order, parsing those not parsed yet (on every core).
    func objects(of ids: [ObjectID], from blobs: any BlobSource) -> [Objects] {
        let (slots, added) = enqueue(ids, from: blobs)
        if added > 1 {
            DispatchQueue.concurrentPerform(iterations: min(added, ProcessInfo.processInfo.activeProcessorCount)) { _ in
                self.drain()
            }
        } else {
            drain()
        }
        // Every slot has been taken by now; those still being parsed are waited for.
        return condition.withLock {
            slots.map { slot in
                while true {
                    if let objects = entries[slot].objects { return objects }
                    condition.wait()
                }
            }
        }
    }

    /// The slot of each blob in `ids`, reading and queuing those not queued before; only the thread that owns
    /// `blobs` calls this, so slots are added by one thread at a time.
    private func enqueue(_ ids: [ObjectID], from blobs: any BlobSource) -> (slots: [Int], added: Int) {
        var new: [(slot: Int, id: ObjectID)] = []
        let slots = condition.withLock {
            ids.map { id in
                if let slot = slotOf[id] { return slot }
                let slot = entries.count
                entries.append(Entry())
                slotOf[id] = slot
                new.append((slot, id))
                return slot
            }
        }
        guard !new.isEmpty else { return (slots, 0) }
        let bytes = new.map { Self.read($0.id, from: blobs, maximumBytes: reader.maximumBytes) }
        condition.withLock {
            for (item, bytes) in zip(new, bytes) { entries[item.slot].bytes = bytes }
            ready = entries.count
        }
        return (slots, new.count)
    }

    /// Parses queued blobs until none is left; any thread, any number of threads at once.
    private func drain() {
        while let (slot, bytes) = take() {
            let objects = bytes.flatMap { data in
                Result { () throws(YAMLSkipReason) in ManifestObject.objects(in: try reader.documents(in: data)) }
            }
            condition.withLock {
                entries[slot].objects = objects
                parses += 1
                condition.broadcast()
            }
        }
    }

    /// The next queued blob's slot and bytes; the bytes leave the queue.
    private func take() -> (Int, Result<Data, YAMLSkipReason>)? {
        condition.withLock {
            guard cursor < ready, let bytes = entries[cursor].bytes else { return nil }
            entries[cursor].bytes = nil
            cursor += 1
            return (cursor - 1, bytes)
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
