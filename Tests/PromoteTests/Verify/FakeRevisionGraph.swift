@testable import Promote

/// A readable fake object id: `oid("r")` is `"72"` (hex of `r`) padded with zeros to 40 digits, so that
/// short forms (`prefix(12)`) of different names differ too.
func oid(_ name: String) -> ObjectID {
    let hex = name.utf8.map { String($0, radix: 16) }.joined()
    precondition(hex.count <= 40, "fake id name too long: \(name)")
    return ObjectID(hex: hex + String(repeating: "0", count: 40 - hex.count))!
}

/// An in-memory commit DAG with, per commit, the entry ids of the paths a test cares about.
struct FakeRevisionGraph: RevisionGraph {
    struct Commit {
        var parents: [ObjectID]
        /// Path → tree or blob id; `""` is the root tree.
        var entries: [String: ObjectID]
    }

    struct UnknownCommit: Error, Equatable {
        var id: ObjectID
    }

    private(set) var commits: [ObjectID: Commit] = [:]

    /// Adds commit `name` with `parents` and entries given as path → short tree name.
    mutating func commit(_ name: String, parents: [String] = [], entries: [String: String]) {
        commits[oid(name)] = Commit(parents: parents.map(oid), entries: entries.mapValues { oid("t-\($0)") })
    }

    func containsCommit(_ id: ObjectID) -> Bool { commits[id] != nil }

    func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) throws -> Bool {
        guard commits[ancestor] != nil else { throw UnknownCommit(id: ancestor) }
        var queue = [descendant]
        var seen: Set<ObjectID> = []
        while let next = queue.popLast() {
            guard let commit = commits[next] else { throw UnknownCommit(id: next) }
            if next == ancestor { return true }
            for parent in commit.parents where seen.insert(parent).inserted { queue.append(parent) }
        }
        return false
    }

    func entryID(atPath path: String, in commit: ObjectID) throws -> ObjectID? {
        guard let found = commits[commit] else { throw UnknownCommit(id: commit) }
        return found.entries[path]
    }
}

/// The history most tests use:
///
/// ```
/// a ─ b ─ r ─ d ─ e      (main; r is the revision under test)
///       └ x              (a side line: diverged from r)
/// ```
/// `components/monitoring` changes in r and e (but not its `configs/staging` overlay); `components/apps`
/// changes in d; `clusters/staging` never changes; the root tree changes in every commit.
enum Line {
    static let a = oid("a"), b = oid("b"), r = oid("r"), d = oid("d"), e = oid("e"), x = oid("x")
    /// A commit the local clone does not have.
    static let unfetched = oid("zz")

    static var graph: FakeRevisionGraph {
        var graph = FakeRevisionGraph()
        graph.commit("a", entries: ["": "root-a", "components/monitoring": "mon-1", "components/apps": "apps-1", "clusters/staging": "stg-1", "components/monitoring/configs/staging": "mcs-1"])
        graph.commit("b", parents: ["a"], entries: ["": "root-b", "components/monitoring": "mon-1", "components/apps": "apps-1", "clusters/staging": "stg-1", "components/monitoring/configs/staging": "mcs-1"])
        graph.commit("r", parents: ["b"], entries: ["": "root-r", "components/monitoring": "mon-2", "components/apps": "apps-1", "clusters/staging": "stg-1", "components/monitoring/configs/staging": "mcs-1"])
        graph.commit("d", parents: ["r"], entries: ["": "root-d", "components/monitoring": "mon-2", "components/apps": "apps-2", "clusters/staging": "stg-1", "components/monitoring/configs/staging": "mcs-1"])
        graph.commit("e", parents: ["d"], entries: ["": "root-e", "components/monitoring": "mon-3", "components/apps": "apps-2", "clusters/staging": "stg-1", "components/monitoring/configs/staging": "mcs-1"])
        graph.commit("x", parents: ["b"], entries: ["": "root-x", "components/monitoring": "mon-x", "components/apps": "apps-1", "clusters/staging": "stg-1", "components/monitoring/configs/staging": "mcs-1"])
        return graph
    }
}
