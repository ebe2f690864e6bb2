/// Builds the per-component diff from the Git layer's tree-to-tree changes; pure apart from reading blobs.
///
/// Rules (SPEC "Per-component diff"):
/// - a file belongs to the component named by its first path segment below the components folder, else to
///   `outsideComponents` (a file lying directly in the components folder belongs to no component);
/// - a rename is listed wherever its old or new path lies, so moving a file from component `a` to `b` shows
///   in both (and in `outsideComponents` when one side lies outside); its release facts go with the new
///   path (or the old one when the new path lies outside components); files that touch no component are
///   not read for facts;
/// - a copy is an addition that keeps its source as `oldPath`; a type change is a modification;
/// - a component is `added` when absent from the old tree, `removed` when absent from the new one, else
///   `modified`; it affects production unless every file it lists is staging-only (a rename: both paths);
/// - components are ordered by name and files by path, both as UTF-8 bytes.
public struct ComponentDiffBuilder {
    private let layout: RepositoryLayout
    private let facts: ReleaseFacts

    /// A builder for a repository whose components live in `componentsDir` (such as `components` or
    /// `clusters/components`), with environment folders named as `environments`, reading YAML through `blobs`.
    public init(componentsDir: String = "components", environments: EnvironmentFolders = .standard, blobs: any BlobSource) {
        self.init(componentsDir: componentsDir, environments: environments, blobs: blobs, manifests: ParsedManifests())
    }

    /// The same, taking parsed blobs from `manifests` (which may have started parsing them already).
    init(componentsDir: String, environments: EnvironmentFolders, blobs: any BlobSource, manifests: ParsedManifests) {
        self.layout = RepositoryLayout(componentsDir: componentsDir, environments: environments)
        self.facts = ReleaseFacts(blobs: blobs, manifests: manifests)
    }

    /// The per-component diff of `changes`.
    ///
    /// - Parameters:
    ///   - changes: the tree-to-tree diff, renames detected, line counts included.
    ///   - oldComponents: entry names directly under the components folder in the old tree.
    ///   - newComponents: entry names directly under the components folder in the new tree.
    ///   - conflicts: paths that conflict in the merge; files at those paths (old or new) are flagged.
    /// Never throws: a file whose YAML cannot be read gets `yamlSkipped` and no release facts.
    public func build(changes: [RawFileChange], oldComponents: Set<String>, newComponents: Set<String>,
                      conflicts: Set<String> = []) -> ComponentDiff {
        // Keyed by the name's bytes: Swift's String equality would merge names that differ only in
        // Unicode normalisation, which Git keeps apart.
        var filesByComponent: [[UInt8]: [FileChange]] = [:]
        var releasesByComponent: [[UInt8]: [ReleaseChange]] = [:]
        var outside: [FileChange] = []

        let files = changes.map { fileChange($0, conflicts: conflicts) }
        let owners = changes.map(owners(of:))
        // Release facts belong to a component; files outside components are not read.
        let read = changes.indices.filter { owners[$0].contains { $0 != nil } }
        let outcomes = facts.outcomes(of: read.map { (changes[$0], files[$0].environment) })
        var outcomeOf: [Int: ReleaseFacts.Outcome] = [:]
        for (index, outcome) in zip(read, outcomes) { outcomeOf[index] = outcome }

        for (index, owners) in owners.enumerated() {
            var file = files[index]
            if let factsOwner = owners.lazy.compactMap({ $0 }).first, let outcome = outcomeOf[index] {
                file.yamlSkipped = outcome.skipped
                releasesByComponent[Array(factsOwner.utf8), default: []].append(contentsOf: outcome.releases)
            }
            for owner in owners {
                if let owner { filesByComponent[Array(owner.utf8), default: []].append(file) } else { outside.append(file) }
            }
        }

        let names = filesByComponent.keys.map { String(decoding: $0, as: UTF8.self) }.sorted(by: ByteOrder.precedes)
        let components = names.map { name in
            let key = Array(name.utf8)
            let files = Self.sorted(filesByComponent[key] ?? [])
            return ComponentChange(
                name: name,
                change: Self.componentChange(name, old: oldComponents, new: newComponents),
                affectsProduction: !files.allSatisfy(isStagingOnly),
                files: files,
                releases: Self.sorted(releasesByComponent[key] ?? []))
        }
        return ComponentDiff(components: components, outsideComponents: Self.sorted(outside))
    }

    /// The components a change is listed under, `nil` standing for "outside components": the new path's, and
    /// for a rename the old path's too when it differs. Release facts go with the first component.
    private func owners(of raw: RawFileChange) -> [String?] {
        let newOwner = layout.component(of: raw.path)
        var owners: [String?] = [newOwner]
        if raw.status == .renamed, let oldPath = raw.oldPath {
            let oldOwner = layout.component(of: oldPath)
            if !ByteOrder.same(oldOwner, newOwner) { owners.append(oldOwner) }
        }
        return owners
    }

    /// The report's view of one raw change: kind, environment (of the new path) and conflict flag.
    func fileChange(_ raw: RawFileChange, conflicts: Set<String>) -> FileChange {
        let kind: FileChangeKind
        switch raw.status {
        case .added, .copied: kind = .added
        case .deleted: kind = .removed
        case .modified, .typeChanged: kind = .modified
        case .renamed: kind = .renamed
        }
        let conflicted = conflicts.contains(raw.path) || raw.oldPath.map(conflicts.contains) == true
        return FileChange(path: raw.path, oldPath: raw.oldPath, change: kind,
                          environment: layout.environment(of: raw.path),
                          additions: raw.additions, deletions: raw.deletions, binary: raw.isBinary,
                          conflict: conflicted ? true : nil)
    }

    /// Whether `file` changes staging only: its path is in `staging`, and for a rename its old path too.
    func isStagingOnly(_ file: FileChange) -> Bool {
        guard file.environment == .staging else { return false }
        guard file.change == .renamed, let oldPath = file.oldPath else { return true }
        return layout.environment(of: oldPath) == .staging
    }

    private static func componentChange(_ name: String, old: Set<String>, new: Set<String>) -> ComponentChangeKind {
        switch (old.contains(name), new.contains(name)) {
        case (false, true): .added
        case (true, false): .removed
        default: .modified
        }
    }

    /// Files by path, then old path, then kind, all in byte order.
    private static func sorted(_ files: [FileChange]) -> [FileChange] {
        files.sorted { lhs, rhs in
            if !ByteOrder.same(lhs.path, rhs.path) { return ByteOrder.precedes(lhs.path, rhs.path) }
            if !ByteOrder.same(lhs.oldPath, rhs.oldPath) { return ByteOrder.precedes(lhs.oldPath, rhs.oldPath) }
            return ByteOrder.precedes(lhs.change.rawValue, rhs.change.rawValue)
        }
    }

    /// Releases by kind, namespace, name, then environment and the rest, all in byte order.
    private static func sorted(_ releases: [ReleaseChange]) -> [ReleaseChange] {
        releases.sorted { lhs, rhs in
            let left = [lhs.kind, lhs.namespace ?? "", lhs.name, lhs.environment.rawValue, lhs.change.rawValue,
                        lhs.from ?? "", lhs.to ?? ""] + lhs.valuesChanged
            let right = [rhs.kind, rhs.namespace ?? "", rhs.name, rhs.environment.rawValue, rhs.change.rawValue,
                         rhs.from ?? "", rhs.to ?? ""] + rhs.valuesChanged
            return ByteOrder.precedes(left, right)
        }
    }
}
