/// Git's directory-rename detection (merge-ort with `merge.directoryRenames=conflict`, git's default), which
/// libgit2 lacks: when one side moved every file out of a directory, a file the other side adds to that
/// directory belongs in the new one, and git stops for a person to confirm ("CONFLICT (file location)").
enum DirectoryRenames {
    /// Directory renames implied by one side's file renames: `old directory → new directory`.
    ///
    /// Counts, for each renamed file, its parent directories pairwise while their last names agree (as git does
    /// for `a/b/c/x → a/q/c/x`: both `a/b/c → a/q/c` and `a/b → a/q`); only directories that no longer exist on
    /// that side count; a tie between targets is no rename.
    static func detect(fileRenames: [(old: String, new: String)], isRemoved: (String) -> Bool) -> [String: String] {
        var votes: [String: [String: Int]] = [:]
        for rename in fileRenames {
            var old = rename.old.split(separator: "/", omittingEmptySubsequences: false).dropLast()
            var new = rename.new.split(separator: "/", omittingEmptySubsequences: false).dropLast()
            while let oldName = old.last {
                let oldDirectory = old.joined(separator: "/")
                let newDirectory = new.joined(separator: "/")
                guard oldDirectory != newDirectory, isRemoved(oldDirectory) else { break }
                votes[oldDirectory, default: [:]][newDirectory, default: 0] += 1
                guard let newName = new.last, newName == oldName else { break }
                old = old.dropLast()
                new = new.dropLast()
            }
        }
        var renames: [String: String] = [:]
        for (directory, targets) in votes {
            let best = targets.values.max() ?? 0
            let winners = targets.filter { $0.value == best }
            if winners.count == 1, let target = winners.first?.key { renames[directory] = target }
        }
        return renames
    }

    /// Where `path` goes when its nearest renamed ancestor directory moved; `nil` when none moved.
    static func relocation(of path: String, by renames: [String: String]) -> String? {
        // Each byte `/` ends a directory of the path, the nearest one last (Git splits paths on that byte alone).
        var end = path.utf8.endIndex
        while let slash = path.utf8[..<end].lastIndex(of: UInt8(ascii: "/")) {
            if let target = renames[String(path[..<slash])] {
                let rest = path[path.utf8.index(after: slash)...]
                return target.isEmpty ? String(rest) : target + "/" + rest
            }
            end = slash
        }
        return nil
    }
}

extension Repository {
    /// Paths where git's merge would stop with "CONFLICT (file location)": files one side adds (or renames)
    /// into a directory the other side renamed away; reported at their new location, as git reports them.
    func directoryRenameConflicts(base: ObjectID, ours: ObjectID, theirs: ObjectID) throws -> [String] {
        let baseTree = try treeID(ofCommit: base)
        let ourTree = try treeID(ofCommit: ours)
        let theirTree = try treeID(ofCommit: theirs)
        return try directoryRenameConflicts(
            ours: SideChanges(repository: self, base: baseTree, tip: ourTree, files: differingFiles(old: baseTree, new: ourTree)),
            theirs: SideChanges(repository: self, base: baseTree, tip: theirTree, files: differingFiles(old: baseTree, new: theirTree)))
    }

    /// The same from what each side changed since the merge base.
    ///
    /// Renames are looked for only on a side that both deletes and adds files, and only when their answer
    /// can matter, so the common promotion (one side only edits files) costs nothing more.
    func directoryRenameConflicts(ours ourSide: SideChanges, theirs theirSide: SideChanges) throws -> [String] {
        // Rename detection pairs deleted with added files; the paths files arrive at are the same either way.
        guard !ourSide.arrivals.isEmpty || !theirSide.arrivals.isEmpty else { return [] }

        // A side's directory renames matter when the other side adds files, or to cancel the other side's.
        var ourRenames = theirSide.arrivals.isEmpty ? [:] : try ourSide.directoryRenames()
        var theirRenames = ourSide.arrivals.isEmpty && ourRenames.isEmpty ? [:] : try theirSide.directoryRenames()
        if ourRenames.isEmpty && theirSide.arrivals.isEmpty && !theirRenames.isEmpty {
            ourRenames = try ourSide.directoryRenames()
        }
        for directory in Set(ourRenames.keys).intersection(theirRenames.keys) {
            ourRenames[directory] = nil
            theirRenames[directory] = nil
        }

        var conflicts = Set<String>()
        for path in ourSide.arrivals {
            if let moved = DirectoryRenames.relocation(of: path, by: theirRenames) { conflicts.insert(moved) }
        }
        for path in theirSide.arrivals {
            if let moved = DirectoryRenames.relocation(of: path, by: ourRenames) { conflicts.insert(moved) }
        }
        return Array(conflicts)
    }
}

/// What one side of a merge changed since the merge base, for directory-rename detection.
struct SideChanges {
    let repository: Repository
    /// The merge base's tree and the side's tree.
    let base: ObjectID
    let tip: ObjectID
    /// The files that differ between them (`differingFiles`, of these trees or of trees pruned alike).
    let files: FileChanges
    /// Paths of files the side added (a renamed file arrives at its new path).
    let arrivals: [String]
    /// Whether the side both deleted and added files, without which it renamed nothing.
    let mayRename: Bool

    init(repository: Repository, base: ObjectID, tip: ObjectID, files: FileChanges) {
        self.repository = repository
        self.base = base
        self.tip = tip
        self.files = files
        // libgit2 reports a file whose type changed (file, link, submodule) as deleted and added again.
        let before = Dictionary(files.old.map { ($0.path, $0.mode & Self.typeMask) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(files.new.map { ($0.path, $0.mode & Self.typeMask) }, uniquingKeysWith: { first, _ in first })
        arrivals = files.new.filter { before[$0.path] != $0.mode & Self.typeMask }.map { GitPath.decode($0.path) }
        mayRename = !arrivals.isEmpty && files.old.contains { after[$0.path] != $0.mode & Self.typeMask }
    }

    /// The bits of a mode that tell a file, a link and a submodule apart.
    private static let typeMask: UInt32 = 0o170000

    /// The directories this side renamed (`old → new`), from its file renames.
    func directoryRenames() throws -> [String: String] {
        guard mayRename else { return [:] }
        let changes = try repository.changedFiles(old: base, new: tip, files: files)
        let renamed = changes.compactMap { change in change.status == .renamed ? change.oldPath.map { ($0, change.path) } : nil }
        guard !renamed.isEmpty else { return [:] }
        var removed: [String: Bool] = [:]
        return DirectoryRenames.detect(fileRenames: renamed) { directory in
            if let known = removed[directory] { return known }
            let gone = (try? repository.entryID(atPath: directory, inTree: tip)) == nil
            removed[directory] = gone
            return gone
        }
    }
}
