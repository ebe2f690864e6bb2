/// The folder whose tree decides whether a Kustomization applies the same content at two revisions.
///
/// A `spec.path` below the components directory stands for its whole component folder
/// (`components/<c>`), because overlays reach into `../base`; any other path stands for itself.
/// Paths are compared lexically: `./`, `.`, `..`, duplicate and trailing slashes are resolved, and
/// `""` or `./` is the repository root, written `""` (`RevisionGraph.entryID(atPath: "")` is the root tree).
public enum AppliedFolder {
    /// The repository-relative folder for `specPath` with `componentsDirectory` as the components root.
    public static func folder(forSpecPath specPath: String, componentsDirectory: String) -> String {
        let path = normalised(specPath)
        let components = normalised(componentsDirectory)
        let segments = path.split(separator: "/").map(String.init)
        let componentSegments = components.split(separator: "/").map(String.init)
        guard segments.count > componentSegments.count,
              Array(segments.prefix(componentSegments.count)) == componentSegments else { return path }
        return segments.prefix(componentSegments.count + 1).joined(separator: "/")
    }

    /// A repository-relative path without `.`/`..` segments, leading, duplicate or trailing slashes.
    static func normalised(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/") {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        return segments.joined(separator: "/")
    }
}
