/// A Git source revision as Flux reports it in `lastAppliedRevision` or a history entry.
///
/// Reads `main@sha1:<hex>` (Flux ≥ 0.40), `refs/heads/main@sha1:<hex>` (a `spec.ref.name`),
/// `sha1:<hex>` (a pinned commit) and the legacy `main/<hex>`. OCI digests (`…@sha256:…`) and other
/// forms are not Git revisions and are not read.
public struct AppliedRevision: Hashable, Sendable, CustomStringConvertible {
    /// The reference part as written (`main`, `refs/heads/main`, `refs/tags/v1`), empty when none.
    public var reference: String
    public var commit: ObjectID

    public init(reference: String, commit: ObjectID) {
        self.reference = reference
        self.commit = commit
    }

    /// Parses one of the formats above; `nil` for anything else.
    public init?(_ text: String) {
        if let at = text.lastIndex(of: "@") {
            let digest = text[text.index(after: at)...]
            guard digest.hasPrefix("sha1:"), let commit = ObjectID(hex: String(digest.dropFirst(5))) else { return nil }
            self.init(reference: String(text[..<at]), commit: commit)
        } else if text.hasPrefix("sha1:") {
            guard let commit = ObjectID(hex: String(text.dropFirst(5))) else { return nil }
            self.init(reference: "", commit: commit)
        } else if let slash = text.lastIndex(of: "/") {
            guard let commit = ObjectID(hex: String(text[text.index(after: slash)...])) else { return nil }
            self.init(reference: String(text[..<slash]), commit: commit)
        } else {
            return nil
        }
    }

    /// The branch the revision was taken from; `nil` for tags, other refs, `HEAD` and pinned commits.
    public var branch: String? {
        if reference.hasPrefix("refs/heads/") { return String(reference.dropFirst("refs/heads/".count)) }
        if reference.isEmpty || reference == "HEAD" || reference.hasPrefix("refs/") { return nil }
        return reference
    }

    /// `main@sha1:0123456789ab`: the reference with a 12-digit commit, for messages.
    public var description: String {
        reference.isEmpty ? "sha1:\(commit.prefix(12))" : "\(reference)@sha1:\(commit.prefix(12))"
    }
}
