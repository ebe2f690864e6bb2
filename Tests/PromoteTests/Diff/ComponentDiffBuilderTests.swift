import Foundation
import Testing
@testable import Promote

@Suite("ComponentDiff builder")
struct ComponentDiffBuilderTests {
    @Test("environment is the first segment named base, staging or production, else shared")
    func environments() {
        let diff = buildDiff([
            raw("components/a/controllers/base/release.yaml"),
            raw("components/a/controllers/staging/patch.yaml"),
            raw("components/a/controllers/production/patch.yaml"),
            raw("components/a/staging/base/odd.yaml"),
            raw("components/a/basement/notes.md"),
            raw("components/a/README.md"),
            raw("production/cluster.yaml"),
        ])
        let environments = Dictionary(uniqueKeysWithValues: (diff.components[0].files + diff.outsideComponents)
            .map { ($0.path, $0.environment) })
        #expect(environments == [
            "components/a/controllers/base/release.yaml": .base,
            "components/a/controllers/staging/patch.yaml": .staging,
            "components/a/controllers/production/patch.yaml": .production,
            "components/a/staging/base/odd.yaml": .staging,
            "components/a/basement/notes.md": .shared,
            "components/a/README.md": .shared,
            "production/cluster.yaml": .production,
        ])
    }

    @Test("a component is the first segment below the components folder; the rest is outside")
    func componentsAndOutside() {
        let diff = buildDiff([
            raw("components/metrics-server/controllers/base/release.yaml"),
            raw("components/README.md"),
            raw("update/image-policy.yaml"),
            raw("README.md"),
            raw("componentsX/a/file.yaml"),
        ])
        #expect(diff.components.map(\.name) == ["metrics-server"])
        #expect(diff.outsideComponents.map(\.path) == ["README.md", "components/README.md", "componentsX/a/file.yaml",
                                                       "update/image-policy.yaml"])
    }

    @Test("a nested components folder, however it is spelled", arguments: ["clusters/components", "./clusters/components/"])
    func nestedComponentsDir(dir: String) {
        let diff = buildDiff([
            raw("clusters/components/ingress/base/release.yaml"),
            raw("components/ingress/base/release.yaml"),
        ], componentsDir: dir)
        #expect(diff.components.map(\.name) == ["ingress"])
        #expect(diff.components[0].files.map(\.path) == ["clusters/components/ingress/base/release.yaml"])
        #expect(diff.outsideComponents.map(\.path) == ["components/ingress/base/release.yaml"])
    }

    @Test("a component is added when absent before, removed when absent after, else modified")
    func componentChangeKinds() {
        let diff = buildDiff([
            raw("components/new/base/release.yaml", .added),
            raw("components/gone/base/release.yaml", .deleted),
            raw("components/kept/base/release.yaml"),
        ], old: ["gone", "kept"], new: ["new", "kept"])
        #expect(diff.components.map(\.name) == ["gone", "kept", "new"])
        #expect(diff.components.map(\.change) == [.removed, .modified, .added])
    }

    @Test("file change kinds: deletions are removed, copies added with their source, type changes modified")
    func fileChangeKinds() {
        let diff = buildDiff([
            raw("components/a/base/added.yaml", .added),
            raw("components/a/base/deleted.yaml", .deleted),
            raw("components/a/base/modified.yaml", .modified),
            raw("components/a/base/link", .typeChanged),
            raw("components/a/base/renamed.yaml", .renamed, from: "components/a/base/old.yaml"),
            raw("components/a/base/copy.yaml", .copied, from: "components/a/base/added.yaml"),
        ])
        let kinds = diff.components[0].files.map { "\($0.path) \($0.change.rawValue) \($0.oldPath ?? "-")" }
        #expect(kinds == [
            "components/a/base/added.yaml added -",
            "components/a/base/copy.yaml added components/a/base/added.yaml",
            "components/a/base/deleted.yaml removed -",
            "components/a/base/link modified -",
            "components/a/base/modified.yaml modified -",
            "components/a/base/renamed.yaml renamed components/a/base/old.yaml",
        ])
    }

    @Test("line counts and the binary flag are carried over")
    func lineCounts() {
        let diff = buildDiff([raw("components/a/base/logo.png", binary: true), raw("components/a/base/x.yaml", plus: 7, minus: 3)])
        #expect(diff.components[0].files.map { [$0.additions, $0.deletions] } == [[1, 0], [7, 3]])
        #expect(diff.components[0].files.map(\.binary) == [true, false])
    }

    @Test("a component affects production unless every file is staging-only")
    func affectsProduction() {
        let diff = buildDiff([
            raw("components/staging-only/controllers/staging/patch.yaml"),
            raw("components/staging-only/configs/staging/values.yaml", .added),
            raw("components/with-base/controllers/staging/patch.yaml"),
            raw("components/with-base/controllers/base/release.yaml"),
            raw("components/with-shared/staging/patch.yaml"),
            raw("components/with-shared/kustomization.yaml"),
            raw("components/prod/production/patch.yaml"),
        ])
        let affects = Dictionary(uniqueKeysWithValues: diff.components.map { ($0.name, $0.affectsProduction) })
        #expect(affects == ["staging-only": false, "with-base": true, "with-shared": true, "prod": true])
    }

    @Test("a rename is staging-only only when both paths are in staging")
    func renamesAcrossEnvironments() {
        let diff = buildDiff([
            raw("components/s2s/staging/b.yaml", .renamed, from: "components/s2s/staging/a.yaml"),
            raw("components/s2p/production/a.yaml", .renamed, from: "components/s2p/staging/a.yaml"),
            raw("components/p2s/staging/a.yaml", .renamed, from: "components/p2s/production/a.yaml"),
            raw("components/copy/staging/a.yaml", .copied, from: "components/copy/production/a.yaml"),
        ])
        let affects = Dictionary(uniqueKeysWithValues: diff.components.map { ($0.name, $0.affectsProduction) })
        #expect(affects == ["s2s": false, "s2p": true, "p2s": true, "copy": false])
        #expect(diff.components.first { $0.name == "p2s" }?.files[0].environment == .staging)
    }

    @Test("a rename between components is listed under both, and outside when one side is outside")
    func renamesAcrossComponents() {
        let diff = buildDiff([
            raw("components/new-name/base/release.yaml", .renamed, from: "components/old-name/base/release.yaml"),
            raw("components/adopted/base/extra.yaml", .renamed, from: "update/extra.yaml"),
        ], old: ["old-name", "adopted"], new: ["new-name", "adopted"])
        #expect(diff.components.map(\.name) == ["adopted", "new-name", "old-name"])
        #expect(diff.components.map(\.change) == [.modified, .added, .removed])
        for component in diff.components {
            #expect(component.files.count == 1)
            #expect(component.files[0].change == .renamed)
        }
        #expect(diff.components[2].files[0].path == "components/new-name/base/release.yaml")
        #expect(diff.outsideComponents.map(\.oldPath) == ["update/extra.yaml"])
    }

    @Test("components sort by UTF-8 bytes, and names that differ only in normalisation stay apart")
    func byteOrder() {
        let angstromSign = "\u{212B}"  // canonically equal to Å (U+00C5), which Swift's `<` puts before Æ
        let nfc = "caf\u{E9}", nfd = "cafe\u{301}"
        let diff = buildDiff([
            raw("components/\u{C6}/base/a.yaml"),
            raw("components/\(angstromSign)/base/a.yaml"),
            raw("components/\(nfc)/base/a.yaml"),
            raw("components/\(nfd)/base/a.yaml"),
            raw("components/Zeta/base/a.yaml"),
            raw("components/alpha/base/b.yaml"),
            raw("components/alpha/base/B.yaml"),
            raw("components/alpha/base-2/a.yaml"),
            raw("components/alpha/base/\(angstromSign).yaml"),
            raw("components/alpha/base/\u{C6}.yaml"),
        ])
        let names = diff.components.map { Array($0.name.utf8) }
        #expect(names == [Array("Zeta".utf8), Array("alpha".utf8), Array(nfd.utf8), Array(nfc.utf8),
                          Array("\u{C6}".utf8), Array(angstromSign.utf8)])
        #expect(diff.components[1].files.map(\.path) == ["components/alpha/base-2/a.yaml", "components/alpha/base/B.yaml",
                                                         "components/alpha/base/b.yaml", "components/alpha/base/\u{C6}.yaml",
                                                         "components/alpha/base/\(angstromSign).yaml"])
        #expect(angstromSign < "\u{C6}", "the fixture must disagree with Swift's ordering")
    }

    @Test("the order does not depend on the order of the input")
    func orderIndependent() {
        let changes = [raw("components/b/base/2.yaml"), raw("components/a/x.yaml"), raw("README.md"),
                       raw("components/b/base/1.yaml"), raw(".github/ci.yaml")]
        #expect(buildDiff(changes) == buildDiff(changes.reversed()))
        #expect(buildDiff(changes).outsideComponents.map(\.path) == [".github/ci.yaml", "README.md"])
    }

    @Test("conflicting paths are flagged, by new or old path; the rest carry no flag")
    func conflicts() {
        let diff = buildDiff([
            raw("components/a/base/release.yaml"),
            raw("components/a/base/moved.yaml", .renamed, from: "components/a/base/was.yaml"),
            raw("components/a/base/clean.yaml"),
            raw("README.md"),
        ], conflicts: ["components/a/base/release.yaml", "components/a/base/was.yaml", "README.md"])
        #expect(diff.components[0].files.map(\.conflict) == [nil, true, true])
        #expect(diff.outsideComponents.map(\.conflict) == [true])
    }

    @Test("an empty change list is an empty diff")
    func empty() {
        #expect(buildDiff([]).isEmpty)
    }
}
