import CGit2
import Foundation

extension Repository {
    /// The bytes of blob `id` when it holds at most `maximumBytes`, else `nil`: a larger blob is inflated by
    /// libgit2 (to learn its size; asking the object header first costs about a third of reading a small blob)
    /// but never copied.
    public func blobData(_ id: ObjectID, maximumBytes: Int) throws -> Data? {
        var oid = id.oid
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, pointer, &oid), "read blob \(id.prefix(12))")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size <= maximumBytes else { return nil }
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return Data() }
        return Data(bytes: raw, count: size)
    }
}
