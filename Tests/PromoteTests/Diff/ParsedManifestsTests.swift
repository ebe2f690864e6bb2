import Foundation
import Testing
import TestSupport
@testable import Promote

/// Blobs parsed once per run, possibly ahead of the diff: the release facts are the same whatever was parsed
/// before, by whichever thread.
@Suite struct ParsedManifestsTests {
    /// A generated change set: HelmReleases with random versions and values, one kustomization shared by many
    /// paths, invalid YAML, a binary file, a blob over the size limit, renames and removals.
    static func changeSet(seed: UInt64) -> (changes: [RawFileChange], blobs: InMemoryBlobSource) {
        var random = SeededGenerator(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        var blobs = InMemoryBlobSource()
        let shared = blobs.add("resources:\n  - release.yaml\n")
        let invalid = blobs.add("kind: HelmRelease\nmetadata: {name: [\n")
        let large = blobs.add(String(repeating: "key: value\n", count: 100_000))
        var pool = [shared, invalid]
        func release() -> ObjectID {
            let yaml = helmRelease(name: pick(["podinfo", "redis", "metrics-server"]),
                                   version: "1.\(random.next() % 4).0",
                                   values: pick(["", "    replicas: 2\n", "    replicas: 3\n    image: {tag: v1}\n"]))
            let id = blobs.add(yaml)
            pool.append(id)
            return id
        }
        var changes: [RawFileChange] = []
        for index in 0..<24 {
            let folder = "components/\(pick(["a", "b", "c"]))/controllers/\(pick(["base", "staging", "production"]))"
            let path = "\(folder)/file-\(index).yaml"
            let old = random.next() % 3 == 0 ? pick(pool) : release()
            let new = random.next() % 3 == 0 ? pick(pool) : release()
            switch random.next() % 8 {
            case 0: changes.append(RawFileChange(path: path, status: .added, newBlob: new))
            case 1: changes.append(RawFileChange(path: path, status: .deleted, oldBlob: old))
            case 2: changes.append(RawFileChange(path: path, oldPath: "\(folder)/old-\(index).yml", status: .renamed, oldBlob: old, newBlob: new))
            case 3: changes.append(RawFileChange(path: path, status: .modified, isBinary: true, oldBlob: old, newBlob: new))
            case 4: changes.append(RawFileChange(path: path, status: .modified, oldBlob: old, newBlob: large))
            default: changes.append(RawFileChange(path: path, status: .modified, oldBlob: old, newBlob: new))
            }
        }
        changes.append(RawFileChange(path: "components/b/controllers/base/large.yaml", status: .modified, oldBlob: shared, newBlob: large))
        changes.append(RawFileChange(path: "components/a/controllers/staging/kustomization.yaml", status: .modified, oldBlob: shared, newBlob: invalid))
        changes.append(RawFileChange(path: "components/a/controllers/production/kustomization.yaml", status: .modified, oldBlob: shared, newBlob: invalid))
        return (changes, blobs)
    }

    static func diff(_ changes: [RawFileChange], blobs: InMemoryBlobSource, manifests: ParsedManifests) -> ComponentDiff {
        ComponentDiffBuilder(componentsDir: "components", environments: .standard, blobs: blobs, manifests: manifests)
            .build(changes: changes, oldComponents: ["a", "b", "c"], newComponents: ["a", "b", "c"])
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func factsAreTheSameWhateverWasParsedBefore(seed: UInt64) {
        let (changes, blobs) = Self.changeSet(seed: seed)
        let plain = buildDiff(changes, blobs: blobs)
        #expect(plain.components.contains { !$0.releases.isEmpty })
        #expect(plain.components.flatMap(\.files).contains { $0.yamlSkipped == .tooLarge })
        #expect(plain.components.flatMap(\.files).contains { $0.yamlSkipped == .invalidYAML })

        let every = changes.flatMap { [$0.oldBlob, $0.newBlob].compactMap { $0 } }
        var random = SeededGenerator(seed: seed)
        let some = every.filter { _ in random.next() % 2 == 0 }
        for parsedBefore in [every, some, [unknownBlob] + some.reversed(), []] {
            let manifests = ParsedManifests()
            manifests.parseAhead(parsedBefore, from: blobs)
            #expect(Self.diff(changes, blobs: blobs, manifests: manifests) == plain)
        }
    }

    @Test func aBlobSharedByTwoPathsIsParsedOnce() {
        var blobs = InMemoryBlobSource()
        let old = blobs.add(helmRelease(version: "1.0.0"))
        let new = blobs.add(helmRelease(version: "1.1.0"))
        let changes = ["staging", "production"].map {
            RawFileChange(path: "components/a/controllers/\($0)/release.yaml", status: .modified, oldBlob: old, newBlob: new)
        }
        let manifests = ParsedManifests()
        let diff = Self.diff(changes, blobs: blobs, manifests: manifests)
        #expect(diff.components.first?.releases.map(\.environment) == [.production, .staging])
        #expect(manifests.parseCount == 2)

        // Parsed ahead of the facts: the facts parse nothing more.
        let ahead = ParsedManifests()
        ahead.parseAhead([new, old, new], from: blobs)
        #expect(Self.diff(changes, blobs: blobs, manifests: ahead) == diff)
        #expect(ahead.parseCount == 2)
    }

    @Test func aBlobOverTheLimitIsNotKept() throws {
        let big = String(repeating: "key: a line of a large manifest\n", count: 40_000)  // 1.28 MB
        let fixture = try GitFixture(files: ["components/a/big.yaml": .text(big),
                                             "components/a/small.yaml": "a: 1\n"])
        let repository = try Repository.open(at: fixture.origin.path)
        let bigID = try #require(ObjectID(hex: try fixture.revParse("HEAD:components/a/big.yaml", in: fixture.origin)))
        let smallID = try #require(ObjectID(hex: try fixture.revParse("HEAD:components/a/small.yaml", in: fixture.origin)))
        #expect(try repository.blobData(bigID, maximumBytes: 1 << 20) == nil)
        #expect(try repository.blobData(smallID, maximumBytes: 1 << 20) == Data("a: 1\n".utf8))

        let manifests = ParsedManifests()
        manifests.parseAhead([bigID, smallID], from: repository)
        let objects = manifests.objects(of: [bigID, smallID], from: repository)
        #expect(objects.map { (try? $0.get()) == nil } == [true, false])
        #expect(objects[0] == .failure(.tooLarge))
    }

    /// A thread parsing ahead with a blob source of its own while the facts are built: the same facts, and every
    /// blob parsed once, by one thread or the other.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func parsingAheadOnAnotherThreadGivesTheSameFacts(seed: UInt64) async {
        let (changes, blobs) = Self.changeSet(seed: seed)
        let plain = buildDiff(changes, blobs: blobs)
        let every = changes.flatMap { [$0.oldBlob, $0.newBlob].compactMap { $0 } }
        let manifests = ParsedManifests()
        let ahead = Task.detached { manifests.parseAhead(every.reversed(), from: blobs) }
        #expect(Self.diff(changes, blobs: blobs, manifests: manifests) == plain)
        await ahead.value
        #expect(manifests.parseCount == Set(every).count)
    }

    @Test func nothingIsParsedAheadAfterTheStop() {
        let (changes, blobs) = Self.changeSet(seed: 7)
        let manifests = ParsedManifests()
        manifests.stopParsingAhead()
        manifests.parseAhead(changes.compactMap(\.newBlob), from: blobs)
        #expect(manifests.parseCount == 0)
        #expect(Self.diff(changes, blobs: blobs, manifests: manifests) == buildDiff(changes, blobs: blobs))
    }

    /// Through the service: a plan's diff, parsed ahead on the merge-base walk's thread and handle, equals one
    /// parsed afterwards on the plan's own.
    @Test func aPlanParsedAheadEqualsOneParsedAfterwards() throws {
        let release = "components/app/controllers/base/release.yaml"
        let kustomization = "resources:\n  - release.yaml\n"
        let fixture = try GitFixture(files: [
            release: .text(helmRelease(version: "1.0.0")),
            "components/app/controllers/staging/kustomization.yaml": .text(kustomization),
            "components/app/controllers/production/kustomization.yaml": .text(kustomization),
            "README.md": "hello\n",
        ])
        let base = try fixture.revParse("main", in: fixture.origin)
        try fixture.createBranch("production", at: base, in: fixture.origin)
        let production = try fixture.commit(["README.md": "hotfix\n"], on: "production", message: "hotfix", in: fixture.origin)
        let patch = helmRelease(chart: nil, version: nil, values: "    replicas: 3\n")
        let main = try fixture.commit([
            release: .text(helmRelease(version: "1.2.0")),
            "components/app/controllers/staging/patch.yaml": .text(patch),
            "components/app/controllers/production/patch.yaml": .text(patch),
            "components/app/controllers/production/kustomization.yaml": "resources:\n  - release.yaml\n  - patch.yaml\n",
        ], on: "main", message: "bump", in: fixture.origin)

        var options = PromoteOptions()
        options.repositoryPath = fixture.origin.path
        let service = try PromotionService(options: options, context: ServiceContext(environment: [:]))
        let ours = try #require(ObjectID(hex: production)), theirs = try #require(ObjectID(hex: main))
        let plan = try service.makePlan(revision: theirs, targetTip: ours)
        let merged = try #require(plan.resultTree)
        #expect(plan.diff.components.first?.releases.count == 3)

        // The merged trees are stored for the second service's handle to read.
        try service.repository.savePendingObjects()
        let fresh = try PromotionService(options: options, context: ServiceContext(environment: [:]))
        let ourTree = try fresh.repository.treeID(ofCommit: ours)
        let parsedAfterwards = try fresh.componentDiff(from: ourTree, to: merged, conflicts: [], ahead: DiffAhead())
        #expect(plan.diff == parsedAfterwards)
    }
}
