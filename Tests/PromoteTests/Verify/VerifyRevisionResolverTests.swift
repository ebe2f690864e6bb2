import Testing
@testable import Promote

@Suite struct VerifyRevisionResolverTests {
    private let scope = StagingScope(repositoryURL: Flux.cloneURL, branch: "main")

    private func resolve(_ clusters: [Flux.Cluster]) throws -> ObjectID {
        try StagingRevisionResolver.resolve(scope: scope, snapshots: clusters.map { try $0.snapshot }, graph: Line.graph)
    }

    private func cluster(_ name: String = "staging-1", applied: [String: ObjectID]) -> Flux.Cluster {
        var cluster = Flux.Cluster(name: name)
        for (kustomization, revision) in applied {
            cluster[kustomization: kustomization].lastAppliedRevision = Flux.revision(revision)
        }
        return cluster
    }

    @Test func allAtOneRevision() throws {
        #expect(try resolve([Flux.Cluster()]) == Line.r)
    }

    @Test func theOldestOfOneLineAcrossClusters() throws {
        let first = cluster(applied: ["apps": Line.d, "monitoring-configs": Line.e])
        let second = cluster("staging-2", applied: ["cluster-sync": Line.b])
        #expect(try resolve([first, second]) == Line.b)
        #expect(try resolve([first]) == Line.r)
    }

    @Test func everyRevisionFormatCounts() throws {
        var legacy = Flux.Cluster()
        legacy[kustomization: "apps"].lastAppliedRevision = "main/\(Line.b.hex)"
        legacy[kustomization: "cluster-sync"].lastAppliedRevision = "refs/heads/main@sha1:\(Line.a.hex)"
        #expect(try resolve([legacy]) == Line.a)
    }

    @Test func divergedRevisionsAreRefusedNamingThem() throws {
        let first = cluster(applied: ["apps": Line.x])
        let second = cluster("staging-2", applied: [:])
        #expect(throws: PromoteError(.notVerified, "staging applied revisions that are not on one line of history: main@sha1:\(Line.x.prefix(12)) on staging-1 flux-system/apps; main@sha1:\(Line.r.prefix(12)) on staging-1 flux-system/cluster-sync, staging-1 flux-system/monitoring-configs, staging-1 flux-system/monitoring-controllers, staging-2 flux-system/apps, staging-2 flux-system/cluster-sync, staging-2 flux-system/monitoring-configs, staging-2 flux-system/monitoring-controllers; wait until staging converges, or pass --revision")) {
            try resolve([first, second])
        }
    }

    @Test func aRevisionMissingFromTheCloneSaysToFetch() throws {
        #expect(throws: PromoteError(.notVerified, "staging applied revisions the local clone does not have (staging-1 flux-system/apps main@sha1:\(Line.unfetched.prefix(12))); fetch main and retry")) {
            try resolve([cluster(applied: ["apps": Line.unfetched])])
        }
    }

    @Test func nothingAppliedYetIsNotVerified() throws {
        var fresh = Flux.Cluster()
        for index in fresh.kustomizations.indices { fresh.kustomizations[index].observedGeneration = nil }
        #expect(throws: PromoteError(.notVerified, "no Kustomization on staging-1 has applied a revision of git@git.example.com:platform/keos-system-services.git@main yet")) {
            try resolve([fresh])
        }
    }

    @Test func revisionsOfOtherBranchesAreLeftOut() throws {
        var switched = Flux.Cluster()
        switched[kustomization: "apps"].lastAppliedRevision = Flux.revision(Line.a, branch: "production")
        #expect(try resolve([switched]) == Line.r)
    }

    @Test func noKustomizationsIsNotVerifiedSayingWhatWasSearched() throws {
        var bare = Flux.Cluster()
        bare.kustomizations = []
        #expect(throws: PromoteError(.notVerified, "no Kustomization on staging-1, staging-2 has applied a revision of git@git.example.com:platform/keos-system-services.git@main yet; no Kustomization uses a GitRepository tracking it on staging-1, staging-2")) {
            try resolve([bare, { var other = bare; other.name = "staging-2"; return other }()])
        }
    }

    @Test func aClusterWithoutThisRepositoryIsBadInput() throws {
        var other = Flux.Cluster()
        other.gitRepositories[0].url = "https://git.example.com/platform/other.git"
        #expect(throws: PromoteError(.badInput, "staging-1: no GitRepository tracks git@git.example.com:platform/keos-system-services.git@main; GitRepositories seen: flux-system/flux-system https://git.example.com/platform/other.git@main")) {
            try resolve([other])
        }
    }
}

@Suite struct VerifyRevisionLineTests {
    @Test func theOldestOfOneLine() throws {
        #expect(try RevisionLine.oldest(of: [Line.e, Line.r, Line.d, Line.r], graph: Line.graph) == Line.r)
        #expect(try RevisionLine.oldest(of: [Line.b], graph: Line.graph) == Line.b)
        #expect(try RevisionLine.oldest(of: [], graph: Line.graph) == nil)
    }

    @Test func revisionsThatForkAreNotOnOneLine() throws {
        // b is an ancestor of both, but r and x diverge.
        #expect(try RevisionLine.oldest(of: [Line.b, Line.r, Line.x], graph: Line.graph) == nil)
    }
}
