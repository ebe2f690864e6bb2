import Foundation
import Testing
import TestSupport

@Suite struct SupportSampleRepositoryTests {
    @Test func historyHasTheExpectedShape() throws {
        let folder = try TemporaryDirectory()
        let sample = try SampleRepository.make(in: folder.url)
        let git = { (arguments: [String]) in try Shell.git(arguments, in: sample.clone) }

        #expect(sample.remoteURL == sample.origin.path)
        #expect(try git(["symbolic-ref", "HEAD"]) == "refs/heads/main")
        #expect(try git(["status", "--porcelain"]).isEmpty)
        #expect(try git(["rev-parse", "origin/main"]) == sample.mainTip)
        #expect(try git(["rev-parse", "origin/production"]) == sample.productionTip)

        // Neither branch contains the other: fast-forward is impossible.
        let mainOnly = try git(["rev-list", "production..main"]).split(separator: "\n")
        let productionOnly = try git(["rev-list", "--format=%s", "--no-commit-header", "main..production"]).split(separator: "\n")
        #expect(mainOnly.count == 5)
        #expect(productionOnly.count == 2)
        #expect(productionOnly.first?.hasPrefix("hotfix") == true)
        #expect(productionOnly.last?.hasPrefix("Promote main@") == true)
        let promotion = try git(["rev-parse", "production~1"])
        #expect(try git(["rev-list", "--parents", "-n", "1", promotion]).split(separator: " ").count == 3)

        // The promotion merges cleanly and changes what the SPEC's example needs.
        let merged = try git(["merge-tree", "--write-tree", "main", "production"])
        let changed = try git(["diff", "--name-only", "production", merged]).split(separator: "\n").map(String.init)
        #expect(changed == [
            ".github/workflows/vet.yaml",
            "components/gosec/configs/staging/kustomization.yaml",
            "components/observability/controllers/base/metrics-server.yaml",
            "components/storage/controllers/production/longhorn-values.yaml",
            "update/metrics-server.yaml",
        ])
        #expect(try git(["ls-tree", "--name-only", "main", "components/"]).split(separator: "\n").map { $0.replacingOccurrences(of: "components/", with: "") }
            == SampleRepository.components)
        #expect(try git(["ls-tree", "--name-only", "main", "components/command-center/"]).contains("components/command-center/staging"))
    }

    @Test func stagingStatusDescribesMainTip() throws {
        let folder = try TemporaryDirectory()
        let sample = try SampleRepository.make(in: folder.url)
        let list = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: sample.stagingStatus)) as? [String: Any])
        #expect(list["kind"] as? String == "List")
        let items = try #require(list["items"] as? [[String: Any]])
        let byKind = Dictionary(grouping: items) { $0["kind"] as? String ?? "" }

        let repository = try #require(byKind["GitRepository"]?.first)
        let repositorySpec = try #require(repository["spec"] as? [String: Any])
        #expect(repositorySpec["url"] as? String == sample.remoteURL)
        #expect((repositorySpec["ref"] as? [String: Any])?["branch"] as? String == "main")

        let kustomizations = try #require(byKind["Kustomization"])
        #expect(kustomizations.count == 7)
        for ks in kustomizations {
            let spec = try #require(ks["spec"] as? [String: Any])
            let status = try #require(ks["status"] as? [String: Any])
            #expect((spec["path"] as? String)?.hasSuffix("/staging") == true)
            #expect((spec["sourceRef"] as? [String: Any])?["name"] as? String == "keos-system-services")
            #expect(status["lastAppliedRevision"] as? String == "main@sha1:\(sample.mainTip)")
            let ready = (status["conditions"] as? [[String: Any]])?.first { $0["type"] as? String == "Ready" }
            #expect(ready?["status"] as? String == "True")
            #expect(status["observedGeneration"] as? Int == (ks["metadata"] as? [String: Any])?["generation"] as? Int)
        }
        let releases = try #require(byKind["HelmRelease"])
        #expect(releases.count == 5)
        let metrics = try #require(releases.first { ($0["metadata"] as? [String: Any])?["name"] as? String == "metrics-server" })
        #expect((metrics["status"] as? [String: Any])?["lastAttemptedRevision"] as? String == "3.12.2")

        // An older revision gets its own chart versions.
        let older = try sample.writeStatus(revision: "main~5", to: folder.url("older.json"))
        let text = try String(contentsOf: older, encoding: .utf8)
        #expect(text.contains("\"lastAttemptedRevision\": \"3.12.1\""))
        #expect(!text.contains(sample.mainTip))
    }
}

@Suite struct SupportSampleCopyTests {
    @Test("a copy of the sample is its own: same commits, its own origin, status naming its origin")
    func copyIsIndependent() throws {
        let first = try TemporaryDirectory()
        let second = try TemporaryDirectory()
        let a = try SampleRepository.copy(in: first.url)
        let b = try SampleRepository.copy(in: second.url)
        #expect(a.mainTip == b.mainTip)
        #expect(a.remoteURL == a.origin.path)
        #expect(b.remoteURL == b.origin.path)
        let status = try String(contentsOf: b.stagingStatus, encoding: .utf8)
        #expect(status.contains("\"url\": \"\(b.origin.path)\""))
        #expect(!status.contains(a.root.path))
    }
}
