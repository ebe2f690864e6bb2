import Foundation
@testable import Promote

/// Blobs held in memory, for the builder's YAML facts.
struct InMemoryBlobSource: BlobSource {
    struct Missing: Error {}

    private(set) var blobs: [ObjectID: Data] = [:]

    /// Stores `data` under a fresh id.
    mutating func add(_ data: Data) -> ObjectID {
        let id = ObjectID(hex: String(format: "%040x", blobs.count + 1))!
        blobs[id] = data
        return id
    }

    /// Stores `text` (UTF-8) under a fresh id.
    mutating func add(_ text: String) -> ObjectID { add(Data(text.utf8)) }

    func blobData(_ id: ObjectID) throws -> Data {
        guard let data = blobs[id] else { throw Missing() }
        return data
    }
}

/// A blob id that no source holds.
let unknownBlob = ObjectID(hex: String(repeating: "f", count: 40))!

/// A change with no blobs, for rules that never read YAML.
func raw(_ path: String, _ status: RawFileChange.Status = .modified, from oldPath: String? = nil,
         plus: Int = 1, minus: Int = 0, binary: Bool = false) -> RawFileChange {
    RawFileChange(path: path, oldPath: oldPath, status: status, additions: plus, deletions: minus, isBinary: binary)
}

/// The diff of `changes` with components `a`…`z` present on both sides unless given.
func buildDiff(_ changes: [RawFileChange], componentsDir: String = "components", old: Set<String>? = nil,
               new: Set<String>? = nil, conflicts: Set<String> = [], blobs: InMemoryBlobSource = InMemoryBlobSource()) -> ComponentDiff {
    let everyName = Set(changes.flatMap { [$0.path, $0.oldPath].compactMap { $0 } }
        .compactMap { RepositoryLayout(componentsDir: componentsDir).component(of: $0) })
    return ComponentDiffBuilder(componentsDir: componentsDir, blobs: blobs)
        .build(changes: changes, oldComponents: old ?? everyName, newComponents: new ?? everyName, conflicts: conflicts)
}
