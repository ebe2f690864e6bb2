import Foundation

/// The release facts of one changed file: which Flux objects changed chart, version, URL, tag or values.
struct ReleaseFacts {
    /// What a file's YAML yields: its release changes, or why it was not read.
    struct Outcome: Equatable, Sendable {
        var releases: [ReleaseChange] = []
        var skipped: YAMLSkipReason? = nil
    }

    let blobs: any BlobSource
    /// Parsed blobs, shared with whoever started parsing them before (see `ParsedManifests` for the threads).
    var manifests = ParsedManifests()

    /// The release changes of `change`, comparing the objects on its old side with those on its new side.
    ///
    /// A side whose path is not `.yaml`/`.yml` has no objects. When either side cannot be read, no facts are
    /// given for the file and `skipped` says why; this never throws.
    func outcome(of change: RawFileChange, environment: Environment) -> Outcome {
        outcomes(of: [(change, environment)])[0]
    }

    /// The outcome of each change, in order. Each blob is read and parsed once, the parsing on every core,
    /// because it is most of the work of a large diff.
    func outcomes(of changes: [(change: RawFileChange, environment: Environment)]) -> [Outcome] {
        var blobIDs: [ObjectID] = []
        let sides = changes.map { Sides($0.change, blobIDs: &blobIDs) }
        let objects = manifests.objects(of: blobIDs, from: blobs)
        return zip(changes, sides).map { item, sides in
            sides.outcome(objects: objects, environment: item.environment)
        }
    }

    /// Which sides of a change are read for facts, and where their blobs' objects are.
    private struct Sides {
        var readsOld = false
        var readsNew = false
        var isBinary = false
        /// Positions in the list of blobs to parse (none for a binary file).
        var old: Int?
        var new: Int?

        init(_ change: RawFileChange, blobIDs: inout [ObjectID]) {
            readsOld = change.status != .added && ReleaseFacts.isYAML(change.oldPath ?? change.path)
            readsNew = change.status != .deleted && ReleaseFacts.isYAML(change.path)
            isBinary = change.isBinary
            guard !isBinary else { return }
            func position(_ blob: ObjectID?) -> Int? {
                guard let blob else { return nil }
                blobIDs.append(blob)
                return blobIDs.count - 1
            }
            if readsOld { old = position(change.oldBlob) }
            if readsNew { new = position(change.newBlob) }
        }

        func outcome(objects: [ParsedManifests.Objects], environment: Environment) -> Outcome {
            guard readsOld || readsNew else { return Outcome() }
            if isBinary { return Outcome(skipped: .binary) }
            do throws(YAMLSkipReason) {
                let old = try Self.objects(at: self.old, in: objects)
                let new = try Self.objects(at: self.new, in: objects)
                return Outcome(releases: ReleaseFacts.changes(from: old, to: new, environment: environment))
            } catch {
                return Outcome(skipped: error)
            }
        }

        private static func objects(at position: Int?, in objects: [ParsedManifests.Objects])
            throws(YAMLSkipReason) -> [ManifestObject.Key: ManifestObject] {
            guard let position else { return [:] }
            return try objects[position].get()
        }
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
