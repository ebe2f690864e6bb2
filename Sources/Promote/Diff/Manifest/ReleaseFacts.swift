import Foundation

/// The release facts of one changed file: which Flux objects changed chart, version, URL, tag or values.
struct ReleaseFacts {
    /// What a file's YAML yields: its release changes, or why it was not read.
    struct Outcome: Equatable {
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
        let oldPath = change.oldPath ?? change.path
        let readsOld = change.status != .added && Self.isYAML(oldPath)
        let readsNew = change.status != .deleted && Self.isYAML(change.path)
        guard readsOld || readsNew else { return Outcome() }
        if change.isBinary { return Outcome(skipped: .binary) }
        do throws(YAMLSkipReason) {
            let old = readsOld ? try objects(in: change.oldBlob) : [:]
            let new = readsNew ? try objects(in: change.newBlob) : [:]
            return Outcome(releases: Self.changes(from: old, to: new, environment: environment))
        } catch {
            return Outcome(skipped: error)
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

    private func objects(in blob: ObjectID?) throws(YAMLSkipReason) -> [ManifestObject.Key: ManifestObject] {
        guard let blob else { return [:] }
        let data: Data
        do { data = try blobs.blobData(blob) } catch { throw .unreadable }
        return ManifestObject.objects(in: try reader.documents(in: data))
    }
}
