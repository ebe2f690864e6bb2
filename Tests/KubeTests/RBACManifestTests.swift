import Foundation
import Testing
import TestSupport
import Yams
@testable import PromoteKube

/// `deploy/rbac.yaml` grants what the API reader needs, and nothing more.
@Suite struct RBACManifestTests {
    @Test func theClusterRoleGrantsGetAndListOnEveryKindTheReaderLists() throws {
        let text = try String(contentsOf: PackagePaths.root().appendingPathComponent("deploy/rbac.yaml"), encoding: .utf8)
        let documents = try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
        #expect(documents.compactMap { $0["kind"] as? String } == ["ClusterRole", "ServiceAccount", "ClusterRoleBinding"])

        let role = try #require(documents.first { $0["kind"] as? String == "ClusterRole" })
        let rules = try #require(role["rules"] as? [[String: Any]])
        var granted: [String: Set<String>] = [:]
        for rule in rules {
            let verbs = Set(rule["verbs"] as? [String] ?? [])
            for group in rule["apiGroups"] as? [String] ?? [] {
                for resource in rule["resources"] as? [String] ?? [] {
                    granted["\(resource).\(group)", default: []].formUnion(verbs)
                }
            }
        }
        let needed = Dictionary(uniqueKeysWithValues: FluxAPIReader.kinds.map { ("\($0.plural).\($0.group)", Set(["get", "list"])) })
        #expect(granted == needed)

        let binding = try #require(documents.first { $0["kind"] as? String == "ClusterRoleBinding" })
        let roleRef = binding["roleRef"] as? [String: Any]
        #expect(roleRef?["kind"] as? String == "ClusterRole")
        #expect(roleRef?["name"] as? String == (role["metadata"] as? [String: Any])?["name"] as? String)
    }
}
