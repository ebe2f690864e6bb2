/// This repository's source branch as staging clusters must track it.
public struct StagingScope: Sendable, Equatable {
    /// The repository's remote URL as written in its config (any spelling; see `RepositoryURL`).
    public var repositoryURL: String
    /// The source branch staging reconciles, e.g. `main`.
    public var branch: String
    /// The Kustomizations to verify, as configured (`staging.kustomizations`); `nil`: discover them.
    public var kustomizations: [FluxObjectKey]?

    public init(repositoryURL: String, branch: String, kustomizations: [FluxObjectKey]? = nil) {
        self.repositoryURL = repositoryURL
        self.branch = branch
        self.kustomizations = kustomizations
    }

    /// What discovery looks for, for messages: `https://git.example.com/org/repo.git@main`.
    var searchedFor: String { "\(RepositoryURL(repositoryURL).displayForm)@\(branch)" }
}

/// The objects of one cluster that belong to this repository's source branch, found rather than configured.
///
/// Sources are the GitRepositories whose URL names this repository and whose tracked branch is the source
/// branch; the Kustomizations are those whose `spec.sourceRef` (kind `GitRepository`) names one of them.
public struct StagingDiscovery: Sendable, Equatable {
    public var cluster: String
    public var sources: [GitRepositoryObject]
    /// Sorted by namespace and name.
    public var kustomizations: [KustomizationObject]
    /// What the sources were matched on, for messages: `<url>@<branch>`.
    public var searchedFor: String
    /// Configured Kustomizations the cluster does not have (empty when discovering).
    public var missing: [FluxObjectKey] = []
    /// Configured Kustomizations whose source is not this repository's source branch (empty when discovering).
    public var foreign: [KustomizationObject] = []

    /// Discovers the objects of `snapshot` that belong to `scope`.
    ///
    /// - Throws: `PromoteError(.badInput)` when no GitRepository tracks this repository's source branch:
    ///   the status does not describe a cluster of this repository (wrong file, URL or branch), saying what
    ///   was searched for and which GitRepositories were seen.
    public init(snapshot: ClusterSnapshot, scope: StagingScope) throws(PromoteError) {
        let repository = RepositoryURL(scope.repositoryURL)
        let sources = snapshot.gitRepositories.filter {
            RepositoryURL($0.url).sameRepository(as: repository) && $0.reference.trackedBranch == scope.branch
        }.sorted { $0.key < $1.key }
        guard !sources.isEmpty else {
            let seen = snapshot.gitRepositories.sorted { $0.key < $1.key }.map(Self.describe)
            let list = seen.isEmpty ? "none" : seen.joined(separator: ", ")
            throw PromoteError(.badInput, DisplayText.escaped(
                "\(snapshot.name): no GitRepository tracks \(scope.searchedFor); GitRepositories seen: \(list)"))
        }
        let sourceKeys = Set(sources.map(\.key))
        cluster = snapshot.name
        searchedFor = scope.searchedFor
        self.sources = sources
        let ours: (KustomizationObject) -> Bool = { $0.sourceRef.kind == "GitRepository" && sourceKeys.contains($0.sourceRef.key) }
        guard let explicit = scope.kustomizations else {
            kustomizations = snapshot.kustomizations.filter(ours).sorted { $0.key < $1.key }
            return
        }
        // A configured list replaces discovery: exactly those, each of which must exist and read this source.
        let listed = snapshot.kustomizations.filter { explicit.contains($0.key) }.sorted { $0.key < $1.key }
        kustomizations = listed.filter(ours)
        foreign = listed.filter { !ours($0) }
        missing = explicit.filter { key in !listed.contains { $0.key == key } }.sorted()
    }

    /// The GitRepository a discovered Kustomization reads from.
    public func source(of kustomization: KustomizationObject) -> GitRepositoryObject? {
        sources.first { $0.key == kustomization.sourceRef.key }
    }

    /// The problem to report when no Kustomization uses the discovered sources.
    var noKustomizationsDetail: String {
        let names = sources.map { "GitRepository \($0.key)" }.joined(separator: ", ")
        let which = sources.count == 1 ? "the GitRepository that tracks" : "the GitRepositories that track"
        return "no Kustomization has a spec.sourceRef naming \(names) (\(which) \(searchedFor)); nothing to verify"
    }

    /// Why a configured Kustomization does not count: it reads another source.
    func foreignDetail(_ kustomization: KustomizationObject) -> String {
        let names = sources.map { "GitRepository \($0.key)" }.joined(separator: ", ")
        return "listed in staging.kustomizations, but its spec.sourceRef names \(kustomization.sourceRef.kind) \(kustomization.sourceRef.key), not \(names) (the GitRepositories that track this repository's branch)"
    }

    /// `flux-system/flux-system ssh://git@host/org/repo@main`, without credentials.
    private static func describe(_ repository: GitRepositoryObject) -> String {
        let ref = repository.reference.trackedBranch ?? repository.reference.description
        return "\(repository.key) \(RepositoryURL(repository.url).displayForm)@\(ref)"
    }
}
