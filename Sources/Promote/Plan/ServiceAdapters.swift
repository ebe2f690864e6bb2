import Foundation

// Temporary adapters until the verification and diff modules land.

extension PromotionService {
    func componentDiff(from old: ObjectID?, to new: ObjectID, conflicts: Set<String>) throws -> ComponentDiff {
        let changes = try repository.diffTrees(old: old, new: new)
        var files: [FileChange] = []
        for change in changes {
            files.append(FileChange(path: change.path, oldPath: change.oldPath, change: .modified, environment: .shared,
                                    additions: change.additions, deletions: change.deletions, binary: change.isBinary,
                                    conflict: conflicts.contains(change.path) ? true : nil))
        }
        return ComponentDiff(components: [], outsideComponents: files)
    }
}
