import Foundation
@testable import Promote

/// Reports the renderer tests share.
enum ReportFixtures {
    static func id(_ prefix: String) -> ObjectID {
        ObjectID(hex: prefix + String(repeating: "0", count: 40 - prefix.count))!
    }

    static let revision = id("1a2b3c4d5e")
    static let targetTip = id("5d6e7f8091")
    static let mergeBase = id("9a8b7c6d5e")

    /// A dry-run merge: two staging clusters reconciled, two components, one file outside components.
    static var dryRunMerge: PromotionReport {
        PromotionReport(
            command: .promote,
            source: .init(branch: "main", revision: revision),
            target: .init(branch: "production", revision: targetTip),
            mergeBase: mergeBase,
            verification: VerificationReport(status: .reconciled, clusters: [
                ClusterVerification(name: "staging-1", revision: "main@sha1:1a2b3c4d5e", objects: [
                    ObjectVerification(kind: "Kustomization", namespace: "flux-system", name: "apps", ready: true,
                                       reason: "ReconciliationSucceeded", message: "Applied revision: main@sha1:1a2b3c4d5e"),
                ]),
            ]),
            diff: ComponentDiff(components: [
                ComponentChange(name: "metrics-server", change: .modified, affectsProduction: true, files: [
                    FileChange(path: "components/metrics-server/controllers/base/release.yaml", change: .modified,
                               environment: .base, additions: 1, deletions: 1, binary: false),
                    FileChange(path: "components/metrics-server/controllers/production/patch.yaml", change: .modified,
                               environment: .production, additions: 3, deletions: 0, binary: false),
                ], releases: [
                    ReleaseChange(kind: "HelmRelease", name: "metrics-server", namespace: "flux-system", environment: .base,
                                  from: "metrics-server 3.12.2", to: "metrics-server 3.13.1", valuesChanged: []),
                    ReleaseChange(kind: "HelmRelease", name: "metrics-server", namespace: "flux-system",
                                  environment: .production, from: nil, to: nil,
                                  valuesChanged: ["args", "resources.limits.memory"]),
                ]),
                ComponentChange(name: "podinfo", change: .added, affectsProduction: false, files: [
                    FileChange(path: "components/podinfo/staging/logo.png", change: .added, environment: .staging,
                               additions: 0, deletions: 0, binary: true),
                    FileChange(path: "components/podinfo/staging/release.yaml", oldPath: "components/podinfo/staging/old.yaml",
                               change: .renamed, environment: .staging, additions: 2, deletions: 1, binary: false,
                               yamlSkipped: .invalidYAML),
                ], releases: [
                    ReleaseChange(kind: "OCIRepository", name: "podinfo", namespace: "apps", environment: .staging,
                                  from: nil, to: "oci://ghcr.io/stefanprodan/charts/podinfo 6.5.0", valuesChanged: [],
                                  change: .added),
                ]),
            ], outsideComponents: [
                FileChange(path: "README.md", change: .modified, environment: .shared, additions: 2, deletions: 0, binary: false),
            ]),
            action: .merge,
            result: .init(pushed: false, commit: nil),
            warnings: ["staging-2 is not configured"],
            dryRun: true)
    }

    /// Everything a hostile repository or cluster could put in names, paths and messages.
    static let escape = "\u{1B}"
    static var hostile: PromotionReport {
        var report = dryRunMerge
        report.verification = VerificationReport(status: .failed, clusters: [
            ClusterVerification(name: "staging\(escape)]0;owned\u{7}", revision: nil, objects: [
                ObjectVerification(kind: "Kustomization", namespace: "flux-system", name: "apps|`x`", ready: false,
                                   reason: "HealthCheckFailed", message: "boom\n\(escape)[2J\u{9B}31m *bold* <b>|</b>"),
            ]),
        ])
        report.diff = ComponentDiff(components: [
            ComponentChange(name: "evil\(escape)[31m|`name`", change: .modified, affectsProduction: true, files: [
                FileChange(path: "components/evil/base/\u{202E}lmay.exe", change: .modified, environment: .base,
                           additions: 1, deletions: 0, binary: false, conflict: true),
                FileChange(path: "components/evil/base/zero\u{200B}width\u{2066}iso\u{2069}.yaml", change: .added,
                           environment: .base, additions: 1, deletions: 0, binary: false),
            ], releases: [
                ReleaseChange(kind: "HelmRelease", name: "x\n\(escape)[1A", namespace: nil, environment: .base,
                              from: "chart\u{202E} 1", to: "chart 2", valuesChanged: ["a[\"b\\u001b\"]", "c\u{1B}"]),
            ]),
        ], outsideComponents: [])
        report.conflicts = ["components/evil/base/\u{202E}lmay.exe"]
        report.warnings = ["tab\there \(escape)[5m"]
        report.error = .init(code: 4, message: "merge conflict in \(escape)[31mcomponents")
        return report
    }
}
