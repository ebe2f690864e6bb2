/// What a plan's diff needs that the merge-base walk's thread does ahead, with a handle of its own, once the plan
/// has listed the files that differ between its two commits: the line counts of those files, which the diff
/// asks for first, then the YAML of the component files among them (see `LineCounts` and `ParsedManifests` for
/// how the threads share the work). The diff takes what is done and does the rest itself.
final class DiffAhead: Sendable {
    let lineCounts = LineCounts()
    let manifests = ParsedManifests()

    /// Stops the work ahead before its next file (when the plan needs no diff after all).
    func stop() {
        lineCounts.stop()
        manifests.stopParsingAhead()
    }

    /// The work, for the merge-base walk to run afterwards with its handle and the differing files.
    func work(layout: RepositoryLayout) -> @Sendable (Repository, FileChanges) -> Void {
        { [self] second, differences in
            lineCounts.countAhead(differences, in: second)
            let yaml = Repository.changedBlobs(in: differences).filter {
                ReleaseFacts.isYAML($0.path) && layout.component(of: $0.path) != nil
            }
            manifests.parseAhead(yaml.map(\.blob), from: second)
        }
    }
}
