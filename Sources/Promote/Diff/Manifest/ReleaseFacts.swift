import Foundation

/// The release facts of one changed file: which Flux objects changed chart, version, URL, tag or values.
struct ReleaseFacts {
    /// What a file's YAML yields: its release changes, or why it was not read.
    struct Outcome: Equatable, Sendable {
        var releases: [ReleaseChange] = []
        var skipped: YAMLSkipReason? = nil
    }

    let blobs: any BlobSource
    var reader = ManifestReader()

    /// The release changes of `change`, comparing the objects on its old side with those on its new side.
    ///
    /// A side whose path is not `.yaml`/`.yml` has no objects. When either side cannot be read, no facts are
    /// given for the file and `skipped` says why; this never throws.
    func outcome(of change: RawFileChange, environment: Environment) -> Outcome {
        outcomes(of: [(change, environment)])[0]
    }

    /// The outcome of each change, in order. Blobs are read here, one after the other; the YAML is parsed
    /// on every core, because parsing is most of the work of a large diff.
    func outcomes(of changes: [(change: RawFileChange, environment: Environment)]) -> [Outcome] {
        let work = changes.map { Work(change: $0.change, environment: $0.environment, blobs: blobs) }
        let results = OutcomeBuffer(count: work.count)
        let reader = self.reader
        DispatchQueue.concurrentPerform(iterations: work.count) { index in
            results.set(index, work[index].outcome(reader: reader))
        }
        return results.values
    }

    /// One change with its blobs read (or why they could not be), ready to parse on any thread.
    private struct Work: Sendable {
        var change: RawFileChange
        var environment: Environment
        var readsOld = false
        var readsNew = false
        var old: Result<Data, YAMLSkipReason>?
        var new: Result<Data, YAMLSkipReason>?

        init(change: RawFileChange, environment: Environment, blobs: any BlobSource) {
            self.change = change
            self.environment = environment
            readsOld = change.status != .added && ReleaseFacts.isYAML(change.oldPath ?? change.path)
            readsNew = change.status != .deleted && ReleaseFacts.isYAML(change.path)
            guard (readsOld || readsNew) && !change.isBinary else { return }
            if readsOld { old = Self.read(change.oldBlob, from: blobs) }
            if readsNew { new = Self.read(change.newBlob, from: blobs) }
        }

        private static func read(_ blob: ObjectID?, from blobs: any BlobSource) -> Result<Data, YAMLSkipReason>? {
            guard let blob else { return nil }
            do { return .success(try blobs.blobData(blob)) } catch { return .failure(.unreadable) }
        }

        func outcome(reader: ManifestReader) -> Outcome {
            guard readsOld || readsNew else { return Outcome() }
            if change.isBinary { return Outcome(skipped: .binary) }
            do throws(YAMLSkipReason) {
                let old = readsOld ? try Self.objects(in: self.old, reader: reader) : [:]
                let new = readsNew ? try Self.objects(in: self.new, reader: reader) : [:]
                return Outcome(releases: ReleaseFacts.changes(from: old, to: new, environment: environment))
            } catch {
                return Outcome(skipped: error)
            }
        }

        private static func objects(in side: Result<Data, YAMLSkipReason>?, reader: ManifestReader)
            throws(YAMLSkipReason) -> [ManifestObject.Key: ManifestObject] {
            guard let side else { return [:] }
            return ManifestObject.objects(in: try reader.documents(in: try side.get()))
        }
    }

    /// Outcomes written by index from several threads, each index once.
    private final class OutcomeBuffer: @unchecked Sendable {
        private let storage: UnsafeMutableBufferPointer<Outcome>

        init(count: Int) {
            storage = .allocate(capacity: count)
            storage.initialize(repeating: Outcome())
        }

        deinit {
            storage.deinitialize()
            storage.deallocate()
        }

        func set(_ index: Int, _ outcome: Outcome) { storage[index] = outcome }

        var values: [Outcome] { Array(storage) }
    }

    /// Whether `path` names a YAML file (by its extension, in any letter case).
    static func isYAML(_ path: String) -> Bool {
        let lowered = path.lowercased()
        return lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml")
    }

    /// A `ReleaseChange` per object that was added, removed, or changed its summary or values; ordered by
    /// kind, namespace and name.
    static func changes(from old: [ManifestObject.Key: ManifestObject], to new: [ManifestObject.Key: ManifestObject],
                        environment: Environment) -> [ReleaseChange] {
        let keys = Set(old.keys).union(new.keys).sorted(by: ManifestObject.Key.precedes)
        return keys.compactMap { key in
            let before = old[key], after = new[key]
            let valuesChanged = ValuesDiff.changedPaths(from: before?.values, to: after?.values)
            let kind: ObjectChangeKind = before == nil ? .added : after == nil ? .removed : .modified
            guard kind != .modified || before?.summary != after?.summary || !valuesChanged.isEmpty else { return nil }
            return ReleaseChange(kind: key.kind, name: key.name, namespace: key.namespace, environment: environment,
                                 from: before?.summary, to: after?.summary, valuesChanged: valuesChanged,
                                 change: kind)
        }
    }
}
