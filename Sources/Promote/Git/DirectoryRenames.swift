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
        var components = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        while !components.isEmpty {
            let directory = components.joined(separator: "/")
            if let target = renames[directory] {
                let rest = path.dropFirst(directory.count + 1)
                return target.isEmpty ? String(rest) : target + "/" + rest
            }
            components = components.dropLast()
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
        let ourChanges = try diffTrees(old: baseTree, new: ourTree)
        let theirChanges = try diffTrees(old: baseTree, new: theirTree)

        func renames(_ changes: [RawFileChange], tree: ObjectID) throws -> [String: String] {
            let files = changes.compactMap { change in change.status == .renamed ? change.oldPath.map { ($0, change.path) } : nil }
            guard !files.isEmpty else { return [:] }
            var removed: [String: Bool] = [:]
            return DirectoryRenames.detect(fileRenames: files) { directory in
                if let known = removed[directory] { return known }
                let gone = (try? entryID(atPath: directory, inTree: tree)) == nil
                removed[directory] = gone
                return gone
            }
        }
        var ourRenames = try renames(ourChanges, tree: ourTree)
        var theirRenames = try renames(theirChanges, tree: theirTree)
        for directory in Set(ourRenames.keys).intersection(theirRenames.keys) {
            ourRenames[directory] = nil
            theirRenames[directory] = nil
        }

        func arrivals(_ changes: [RawFileChange]) -> [String] {
            changes.filter { $0.status == .added || $0.status == .renamed || $0.status == .copied }.map(\.path)
        }
        var conflicts = Set<String>()
        for path in arrivals(ourChanges) {
            if let moved = DirectoryRenames.relocation(of: path, by: theirRenames) { conflicts.insert(moved) }
        }
        for path in arrivals(theirChanges) {
            if let moved = DirectoryRenames.relocation(of: path, by: ourRenames) { conflicts.insert(moved) }
        }
        return Array(conflicts)
    }
}
