import Foundation

/// The manifest objects of YAML blobs, each blob parsed at most once in a run, on whichever thread gets to it.
///
/// Threading (the one place it is described):
/// - blob bytes are read only by the thread that owns the `BlobSource` they come from (libgit2 objects are not
///   shared across threads here);
/// - the owner of the plan's repository queues blobs (`objects(of:from:)`); parsing is pure (Swift and libyaml):
///   every thread that drains takes the next queued blob under the lock, parses it outside the lock and records
///   the result; `objects(of:from:)` queues what is still missing, drains on every core, and waits only for
///   blobs another thread is parsing;
/// - `parseAhead(_:from:)` is for a thread with a repository handle of its own (the merge-base walk's, once it
///   has found the bases): it claims one blob nobody has queued or claimed yet, reads and parses it, records
///   it, and goes on to the next, until `stopParsingAhead()` or the end of its list. A claimed blob is waited for
///   like one another thread is parsing.
final class ParsedManifests: @unchecked Sendable {
    /// What one blob yields: its objects, or why it cannot be read.
    typealias Objects = Result<[ManifestObject.Key: ManifestObject], YAMLSkipReason>

    let reader: ManifestReader
    /// Guards every stored property below it.
    private let condition = NSCondition()
    /// Every blob queued or claimed, by slot.
    private var entries: [Entry] = []
    private var slotOf: [ObjectID: Int] = [:]
    /// The slots whose bytes wait to be parsed, in order; those before `taken` were taken.
    private var pending: [Int] = []
    private var taken = 0
    private var parses = 0
    private var parsingAhead = true

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

    /// Reads and parses, on the calling thread and one at a time, the blobs of `ids` no other thread has queued
    /// or claimed, reading them from `blobs` (a handle of the calling thread's own); stops early after
    /// `stopParsingAhead()`.
    func parseAhead(_ ids: [ObjectID], from blobs: any BlobSource) {
        for id in ids {
            guard let slot = claim(id) else { continue }
            let objects = Self.parse(Self.read(id, from: blobs, maximumBytes: reader.maximumBytes), with: reader)
            record(objects, at: slot)
        }
    }

    /// Makes `parseAhead(_:from:)` stop before its next blob (when the plan needs no diff after all).
    func stopParsingAhead() {
        condition.withLock { parsingAhead = false }
    }

    /// A new slot for `id`, taken by the caller; nil when the blob is queued or claimed already, or after
    /// `stopParsingAhead()`.
    private func claim(_ id: ObjectID) -> Int? {
        condition.withLock {
            guard parsingAhead, slotOf[id] == nil else { return nil }
            entries.append(Entry())
            slotOf[id] = entries.count - 1
            return entries.count - 1
        }
    }

    /// The objects of each blob in `ids`, in order, parsing those not parsed yet (on every core).
    func objects(of ids: [ObjectID], from blobs: any BlobSource) -> [Objects] {
        let (slots, added) = enqueue(ids, from: blobs)
        if added > 1 {
            DispatchQueue.concurrentPerform(iterations: min(added, Cores.available)) { _ in
                self.drain()
            }
        } else {
            drain()
        }
        // Every queued slot has been taken by now; those still being parsed, here or ahead, are waited for.
        return condition.withLock {
            slots.map { slot in
                while true {
                    if let objects = entries[slot].objects { return objects }
                    condition.wait()
                }
            }
        }
    }

    /// The slot of each blob in `ids`, reading and queuing those not queued or claimed before. Only the owner of
    /// the plan's repository queues; slots are reserved under the lock, so a thread parsing ahead claims others.
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
            pending += new.map(\.slot)
        }
        return (slots, new.count)
    }

    /// Parses queued blobs until none is left; any thread, any number of threads at once.
    private func drain() {
        while let (slot, bytes) = take() {
            record(Self.parse(bytes, with: reader), at: slot)
        }
    }

    /// The next queued blob's slot and bytes; the bytes leave the queue.
    private func take() -> (Int, Result<Data, YAMLSkipReason>)? {
        condition.withLock {
            guard taken < pending.count else { return nil }
            let slot = pending[taken]
            taken += 1
            defer { entries[slot].bytes = nil }
            return (slot, entries[slot].bytes!)
        }
    }

    /// Stores the objects parsed for `slot` and wakes whoever waits for them.
    private func record(_ objects: Objects, at slot: Int) {
        condition.withLock {
            entries[slot].objects = objects
            parses += 1
            condition.broadcast()
        }
    }

    /// The objects of one blob's bytes.
    private static func parse(_ bytes: Result<Data, YAMLSkipReason>, with reader: ManifestReader) -> Objects {
        bytes.flatMap { data in
            Result { () throws(YAMLSkipReason) in ManifestObject.objects(in: try reader.documents(in: data)) }
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
