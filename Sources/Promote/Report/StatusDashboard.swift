import Foundation

/// One environment on the `status` dashboard: the branch its clusters reconcile and what they run.
public struct EnvironmentStatus: Codable, Sendable, Equatable {
    /// What one cluster of the environment runs.
    public struct Cluster: Codable, Sendable, Equatable {
        public var name: String
        /// The revision (40 hex) its Kustomizations of this branch applied, the oldest of them; `nil` when none
        /// did or they cannot be ordered.
        public var revision: String?

        public init(name: String, revision: String?) {
            self.name = name
            self.revision = revision
        }

        private enum CodingKeys: String, CodingKey { case name, revision }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(revision, forKey: .revision)
        }
    }

    /// `staging` (the source branch) or `production` (the target branch).
    public var name: String
    public var branch: String
    public var tip: ObjectID?
    /// Empty when no status source was given for the environment.
    public var clusters: [Cluster]

    public init(name: String, branch: String, tip: ObjectID?, clusters: [Cluster]) {
        self.name = name
        self.branch = branch
        self.tip = tip
        self.clusters = clusters
    }

    private enum CodingKeys: String, CodingKey { case name, branch, tip, clusters }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(branch, forKey: .branch)
        try container.encode(tip, forKey: .tip)
        try container.encode(clusters, forKey: .clusters)
    }
}

/// What waits on the source branch for promotion, for the `status` dashboard.
public struct WaitingSummary: Codable, Sendable, Equatable {
    /// Commits on the source branch's tip that the target lacks.
    public var commits: Int
    /// Of them, those the revision being promoted contains.
    public var included: Int
    /// The components the promotion would change, by name.
    public var components: [String]
    /// The waiting commit with the oldest commit time, its time (seconds since 1970) and its age in seconds at
    /// the time of the report; `nil` when nothing waits.
    public var oldestCommit: ObjectID?
    public var oldestCommitTime: Int64?
    public var oldestAgeSeconds: Int64?

    public init(commits: Int, included: Int, components: [String], oldestCommit: ObjectID? = nil,
                oldestCommitTime: Int64? = nil, oldestAgeSeconds: Int64? = nil) {
        self.commits = commits
        self.included = included
        self.components = components
        self.oldestCommit = oldestCommit
        self.oldestCommitTime = oldestCommitTime
        self.oldestAgeSeconds = oldestAgeSeconds
    }

    private enum CodingKeys: String, CodingKey {
        case commits, included, components, oldestCommit, oldestCommitTime, oldestAgeSeconds
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(commits, forKey: .commits)
        try container.encode(included, forKey: .included)
        try container.encode(components, forKey: .components)
        try container.encode(oldestCommit, forKey: .oldestCommit)
        try container.encode(oldestCommitTime, forKey: .oldestCommitTime)
        try container.encode(oldestAgeSeconds, forKey: .oldestAgeSeconds)
    }
}

extension ReportWording {
    /// The dashboard table's rows: environment, branch, tip, what its clusters run.
    static func environmentRows(_ environments: [EnvironmentStatus]) -> [[Phrase]] {
        environments.map { environment in
            [.words(environment.name), .literal(environment.branch), revision(environment.tip), running(environment)]
        }
    }

    /// `staging-1 452d168, staging-2 (unknown)`, or `not observed` without a status source.
    static func running(_ environment: EnvironmentStatus) -> Phrase {
        guard !environment.clusters.isEmpty else { return .words(notObserved) }
        return Phrase.joined(environment.clusters.map { cluster in
            .literal(cluster.name) + " " + (cluster.revision.map { .literal(ObjectID(hex: $0)?.prefix(shortRevisionLength) ?? $0) }
                                            ?? .words("(unknown)"))
        }, separator: ", ")
    }

    /// Said of an environment whose clusters were not asked.
    static let notObserved = "not observed"

    /// `5 commits waiting (3 in the revision shown), the oldest for 2d3h; 3 components: a, b, c`.
    static func waiting(_ waiting: WaitingSummary) -> Phrase {
        guard waiting.commits > 0 else { return .words("nothing waiting") }
        var phrase = Phrase.words(count(waiting.commits, "commit") + " waiting")
        if waiting.included != waiting.commits { phrase = phrase + " (\(waiting.included) in the revision shown)" }
        if let seconds = waiting.oldestAgeSeconds, let commit = waiting.oldestCommit {
            phrase = phrase + ", the oldest (" + .literal(commit.prefix(shortRevisionLength)) + ") for " + age(seconds)
        }
        let components = waiting.components.map(Phrase.literal)
        phrase = phrase + "; " + count(components.count, "component")
        if !components.isEmpty { phrase = phrase + ": " + Phrase.joined(components, separator: ", ") }
        return phrase
    }

    /// `3d4h`, `2h15m`, `45m`, `30s`: the largest unit and the next one when not zero.
    static func age(_ seconds: Int64) -> String {
        let sizes: [(Int64, String)] = [(86400, "d"), (3600, "h"), (60, "m"), (1, "s")]
        let total = max(0, seconds)
        guard let first = sizes.firstIndex(where: { total >= $0.0 }) else { return "0s" }
        var text = "\(total / sizes[first].0)\(sizes[first].1)"
        if first + 1 < sizes.count {
            let next = total % sizes[first].0 / sizes[first + 1].0
            if next > 0 { text += "\(next)\(sizes[first + 1].1)" }
        }
        return text
    }
}
