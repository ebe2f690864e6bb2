import Foundation
import Testing
@testable import Promote

/// A HelmRelease manifest as the d1 reference repositories write it.
func helmRelease(name: String = "metrics-server", namespace: String? = "flux-system", chart: String? = "metrics-server",
                 version: String? = "3.12.2", values: String = "") -> String {
    var text = """
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata:
          name: \(name)

        """
    if let namespace { text += "  namespace: \(namespace)\n" }
    text += "spec:\n  interval: 30m\n"
    if chart != nil || version != nil {
        text += "  chart:\n    spec:\n"
        if let chart { text += "      chart: \(chart)\n" }
        if let version { text += "      version: \"\(version)\"\n" }
        text += "      sourceRef:\n        kind: HelmRepository\n        name: \(name)\n"
    }
    if !values.isEmpty { text += "  values:\n" + values }
    return text
}

@Suite("Release facts from YAML")
struct ReleaseFactsYAMLTests {
    /// The one component's releases and files after changing `path` from `old` to `new`.
    private func facts(_ path: String, old: String?, new: String?, status: RawFileChange.Status? = nil,
                       oldPath: String? = nil) -> (releases: [ReleaseChange], file: FileChange) {
        var blobs = InMemoryBlobSource()
        let oldBlob = old.map { blobs.add($0) }, newBlob = new.map { blobs.add($0) }
        let status = status ?? (old == nil ? .added : new == nil ? .deleted : .modified)
        let change = RawFileChange(path: path, oldPath: oldPath, status: status, additions: 1, deletions: 1,
                                   oldBlob: oldBlob, newBlob: newBlob)
        let diff = buildDiff([change], blobs: blobs)
        return (diff.components[0].releases, diff.components[0].files[0])
    }

    @Test("a HelmRelease version bump in base")
    func versionBump() {
        let result = facts("components/metrics-server/controllers/base/release.yaml",
                           old: helmRelease(version: "3.12.2"), new: helmRelease(version: "3.13.1"))
        #expect(result.releases == [ReleaseChange(kind: "HelmRelease", name: "metrics-server", namespace: "flux-system",
                                                  environment: .base, from: "metrics-server 3.12.2",
                                                  to: "metrics-server 3.13.1", valuesChanged: [], change: .modified)])
        #expect(result.file.yamlSkipped == nil)
    }

    @Test("a values change in a production overlay patch reports the changed key paths")
    func valuesInProductionPatch() {
        let old = helmRelease(chart: nil, version: nil, values: """
                replicas: 2
                args: [--kubelet-insecure-tls]
                podAnnotations:
                  prometheus.io/scrape: "false"
                resources:
                  limits: {cpu: 100m, memory: 128Mi}
                  requests: {cpu: 50m}
                unchanged: {a: 1}

            """)
        let new = helmRelease(chart: nil, version: nil, values: """
                replicas: 3
                args: [--kubelet-insecure-tls, --metric-resolution=15s]
                podAnnotations:
                  prometheus.io/scrape: "true"
                resources:
                  limits: {cpu: 100m, memory: 256Mi}
                  requests: {cpu: 50m}
                unchanged: {a: 1}
                tolerations: []

            """)
        let result = facts("components/metrics-server/controllers/production/release-patch.yaml", old: old, new: new)
        #expect(result.releases.count == 1)
        let release = result.releases[0]
        #expect(release.environment == .production)
        #expect(release.from == nil && release.to == nil)
        #expect(release.valuesChanged == ["args", "podAnnotations[\"prometheus.io/scrape\"]", "replicas",
                                          "resources.limits.memory", "tolerations"])
    }

    @Test("a patch carrying only a version gives only the version")
    func versionOnlyPatch() {
        let result = facts("components/m/production/patch.yaml",
                           old: helmRelease(chart: nil, version: "3.12.2"), new: helmRelease(chart: nil, version: "3.13.1"))
        #expect(result.releases.map { [$0.from, $0.to] } == [["3.12.2", "3.13.1"]])
    }

    @Test("a chart change with the same version")
    func chartChange() {
        let result = facts("components/podinfo/base/release.yaml",
                           old: helmRelease(name: "podinfo", chart: "podinfo", version: "6.5.0"),
                           new: helmRelease(name: "podinfo", chart: "podinfo-next", version: "6.5.0"))
        #expect(result.releases.map { [$0.from, $0.to] } == [["podinfo 6.5.0", "podinfo-next 6.5.0"]])
    }

    @Test("a move from spec.chart to spec.chartRef")
    func chartRef() {
        let new = """
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata: {name: podinfo, namespace: apps}
            spec:
              chartRef: {kind: OCIRepository, name: podinfo-chart, namespace: apps}
            """
        let result = facts("components/podinfo/base/release.yaml",
                           old: helmRelease(name: "podinfo", namespace: "apps", chart: "podinfo", version: "6.5.0"), new: new)
        #expect(result.releases.map { [$0.from, $0.to] } == [["podinfo 6.5.0", "OCIRepository/podinfo-chart"]])
    }

    private func ociRepository(_ reference: String, url: String = "oci://ghcr.io/stefanprodan/charts/podinfo") -> String {
        """
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: OCIRepository
        metadata:
          name: podinfo
          namespace: apps
        spec:
          interval: 10m
          url: \(url)
          ref:
            \(reference)
        """
    }

    @Test("an OCIRepository tag, semver range or digest")
    func ociRepositoryReference() {
        let url = "oci://ghcr.io/stefanprodan/charts/podinfo"
        let tag = facts("components/podinfo/base/source.yaml", old: ociRepository("tag: 6.5.0"), new: ociRepository("tag: 6.6.0"))
        #expect(tag.releases == [ReleaseChange(kind: "OCIRepository", name: "podinfo", namespace: "apps", environment: .base,
                                               from: "\(url) 6.5.0", to: "\(url) 6.6.0", valuesChanged: [])])
        let semver = facts("components/podinfo/base/source.yaml", old: ociRepository("tag: 6.5.0"),
                           new: ociRepository("semver: \">=6.6.0\""))
        #expect(semver.releases.map(\.to) == ["\(url) semver >=6.6.0"])
        let digest = facts("components/podinfo/base/source.yaml", old: ociRepository("digest: sha256:aaaa"),
                           new: ociRepository("digest: sha256:bbbb"))
        #expect(digest.releases.map { [$0.from, $0.to] } == [["\(url) sha256:aaaa", "\(url) sha256:bbbb"]])
        let same = facts("components/podinfo/base/source.yaml", old: ociRepository("tag: 6.5.0"),
                         new: ociRepository("tag: \"6.5.0\"") + "\n  timeout: 60s\n")
        #expect(same.releases.isEmpty, "the interval or timeout alone is no release fact")
    }

    @Test("a HelmRepository URL")
    func helmRepositoryURL() {
        func repository(_ url: String) -> String {
            "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: bitnami\n  namespace: flux-system\nspec:\n  url: \(url)\n"
        }
        let result = facts("components/redis/controllers/base/repository.yaml",
                           old: repository("https://charts.bitnami.com/bitnami"), new: repository("oci://registry-1.docker.io/bitnamicharts"))
        #expect(result.releases.map { "\($0.kind) \($0.namespace ?? "-")/\($0.name): \($0.from ?? "-") → \($0.to ?? "-")" } ==
                ["HelmRepository flux-system/bitnami: https://charts.bitnami.com/bitnami → oci://registry-1.docker.io/bitnamicharts"])
    }

    @Test("multi-document files: every changed object, in kind/namespace/name order; other documents skipped")
    func multiDocument() {
        let repository = "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata: {name: metrics-server, namespace: flux-system}\nspec:\n  url: https://kubernetes-sigs.github.io/metrics-server/\n"
        let configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: \"1\"}\n"
        let old = ["# leading comment", repository, configMap, "- just\n- a list", helmRelease(version: "3.12.2"),
                   helmRelease(name: "other", version: "1.0.0")].joined(separator: "\n---\n")
        let new = ["# leading comment", repository.replacingOccurrences(of: "github.io/metrics-server/", with: "github.io/ms/"),
                   configMap.replacingOccurrences(of: "\"1\"", with: "\"2\""), "plain scalar", helmRelease(version: "3.13.1"),
                   helmRelease(name: "other", version: "1.0.0"), "---"].joined(separator: "\n---\n")
        let result = facts("components/metrics-server/controllers/base/all.yml", old: old, new: new)
        #expect(result.releases.map { "\($0.kind) \($0.name)" } == ["HelmRelease metrics-server", "HelmRepository metrics-server"])
        #expect(result.releases.map(\.to) == ["metrics-server 3.13.1", "https://kubernetes-sigs.github.io/ms/"])
        #expect(result.file.yamlSkipped == nil)
    }

    @Test("objects added and removed, with whole files or inside one")
    func addedAndRemoved() {
        let added = facts("components/podinfo/base/release.yaml", old: nil,
                          new: helmRelease(name: "podinfo", chart: "podinfo", version: "6.5.0", values: "    replicaCount: 2\n    ingress:\n      enabled: true\n"))
        #expect(added.releases == [ReleaseChange(kind: "HelmRelease", name: "podinfo", namespace: "flux-system", environment: .base,
                                                 from: nil, to: "podinfo 6.5.0", valuesChanged: ["ingress", "replicaCount"],
                                                 change: .added)])
        let removed = facts("components/podinfo/base/release.yaml", old: helmRelease(name: "podinfo", chart: "podinfo"), new: nil)
        #expect(removed.releases.map(\.change) == [.removed])
        #expect(removed.releases.map(\.from) == ["podinfo 3.12.2"])
        #expect(removed.releases.map(\.to) == [nil])

        let both = helmRelease(name: "a") + "---\n" + helmRelease(name: "b")
        let inside = facts("components/x/base/releases.yaml", old: both, new: helmRelease(name: "b"))
        #expect(inside.releases.map { "\($0.name) \($0.change.rawValue)" } == ["a removed"])
    }

    @Test("a renamed file compares its old blob with its new one")
    func renamedFile() {
        let result = facts("components/m/base/helmrelease.yaml", old: helmRelease(version: "1.0.0"), new: helmRelease(version: "1.0.1"),
                           status: .renamed, oldPath: "components/m/base/release.yaml")
        #expect(result.releases.map(\.to) == ["metrics-server 1.0.1"])
    }

    @Test("scalars compare by meaning: quoting alone is no change, a number turned string is")
    func scalarComparison() {
        let old = helmRelease(values: "    a: text\n    b: ~\n    c: 1\n    d: {x: 1, y: 2}\n")
        let new = helmRelease(values: "    a: 'text'\n    b: null\n    c: \"1\"\n    d: {y: 2, x: 1}\n")
        #expect(facts("components/m/base/r.yaml", old: old, new: new).releases.map(\.valuesChanged) == [["c"]])
    }

    @Test("value paths escape keys that are not plain words")
    func valuePathEscaping() {
        #expect(ValuePath.render(["a", "x.y"]) == "a[\"x.y\"]")
        #expect(ValuePath.render(["with space", "b"]) == "[\"with space\"].b")
        #expect(ValuePath.render(["q\"uote", "back\\slash"]) == "[\"q\\\"uote\"][\"back\\\\slash\"]")
        #expect(ValuePath.render(["snake_case", "kebab-case", "42"]) == "snake_case.kebab-case.42")
        #expect(ValuePath.render([""]) == "[\"\"]")
    }

    @Test("anchors, aliases and merge keys in values are followed")
    func anchorsAndMergeKeys() {
        let old = helmRelease(values: "    defaults: &defaults {cpu: 100m, memory: 128Mi}\n    api:\n      <<: *defaults\n    worker:\n      <<: *defaults\n      memory: 256Mi\n")
        let new = helmRelease(values: "    defaults: &defaults {cpu: 200m, memory: 128Mi}\n    api:\n      <<: *defaults\n    worker:\n      <<: *defaults\n      memory: 256Mi\n")
        let result = facts("components/m/base/r.yaml", old: old, new: new)
        #expect(result.releases.map(\.valuesChanged) == [["api.cpu", "defaults.cpu", "worker.cpu"]])
        #expect(result.file.yamlSkipped == nil)
    }

    @Test("invalid YAML gives no facts and says so; valid files beside it still give theirs")
    func invalidYAML() {
        var blobs = InMemoryBlobSource()
        let good = RawFileChange(path: "components/a/base/good.yaml", status: .modified,
                                 oldBlob: blobs.add(helmRelease(version: "1")), newBlob: blobs.add(helmRelease(version: "2")))
        let broken = RawFileChange(path: "components/a/base/broken.yaml", status: .modified,
                                   oldBlob: blobs.add(helmRelease(version: "1")), newBlob: blobs.add("kind: HelmRelease\nspec: [unclosed\n  a: b: c"))
        let duplicate = RawFileChange(path: "components/a/base/duplicate.yaml", status: .added,
                                      newBlob: blobs.add("kind: HelmRelease\nkind: HelmRelease\n"))
        let notYAML = RawFileChange(path: "components/a/base/README.md", status: .modified,
                                    oldBlob: blobs.add("# a"), newBlob: blobs.add("kind: [broken"))
        let diff = buildDiff([good, broken, duplicate, notYAML], blobs: blobs)
        let skipped = Dictionary(uniqueKeysWithValues: diff.components[0].files.map { ($0.path, $0.yamlSkipped) })
        #expect(skipped == ["components/a/base/good.yaml": nil, "components/a/base/broken.yaml": .invalidYAML,
                            "components/a/base/duplicate.yaml": .invalidYAML, "components/a/base/README.md": nil])
        #expect(diff.components[0].releases.map(\.to) == ["metrics-server 2"])
    }

    @Test("files outside components are not read for facts")
    func outsideNotRead() {
        var blobs = InMemoryBlobSource()
        let workflow = RawFileChange(path: ".github/workflows/ci.yaml", status: .modified,
                                     oldBlob: blobs.add("on: [push]"), newBlob: blobs.add("on: [unclosed"))
        let moved = RawFileChange(path: "update/release.yaml", oldPath: "components/a/base/release.yaml", status: .renamed,
                                  oldBlob: blobs.add(helmRelease(version: "1")), newBlob: blobs.add("on: [unclosed"))
        let diff = buildDiff([workflow, moved], old: ["a"], new: ["a"], blobs: blobs)
        #expect(diff.outsideComponents.map(\.yamlSkipped) == [nil, .invalidYAML])
        #expect(diff.components.map(\.name) == ["a"])
        #expect(diff.components[0].files.map(\.yamlSkipped) == [.invalidYAML], "a rename out of a component is read for it")
    }

    @Test("binary, oversized and unreadable blobs give no facts and say why")
    func unreadableBlobs() {
        var blobs = InMemoryBlobSource()
        let flaggedBinary = RawFileChange(path: "components/a/base/1.yaml", status: .added, isBinary: true,
                                          newBlob: blobs.add(helmRelease()))
        let nulBytes = RawFileChange(path: "components/a/base/2.yaml", status: .added, newBlob: blobs.add(Data([0x6B, 0x00, 0x3A])))
        let notUTF8 = RawFileChange(path: "components/a/base/3.yaml", status: .added, newBlob: blobs.add(Data([0x6B, 0xFF, 0xFE])))
        let huge = RawFileChange(path: "components/a/base/4.yaml", status: .added,
                                 newBlob: blobs.add(helmRelease() + "# " + String(repeating: "x", count: 1 << 20) + "\n"))
        let missing = RawFileChange(path: "components/a/base/5.yaml", status: .added, newBlob: unknownBlob)
        let diff = buildDiff([flaggedBinary, nulBytes, notUTF8, huge, missing], blobs: blobs)
        #expect(diff.components[0].files.map(\.yamlSkipped) == [.binary, .binary, .binary, .tooLarge, .unreadable])
        #expect(diff.components[0].releases.isEmpty)
    }

    @Test("a billion-laughs alias bomb is refused before it is expanded", .timeLimit(.minutes(1)))
    func aliasBomb() throws {
        var bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for level in 1...12 {
            let previous = level == 1 ? "a" : "l\(level - 1)"
            bomb += "l\(level): &l\(level) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
        }
        let document = helmRelease(values: bomb.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n")
        let result = facts("components/a/base/bomb.yaml", old: helmRelease(), new: document)
        #expect(result.file.yamlSkipped == .unsafeAliases)
        #expect(result.releases.isEmpty)
        #expect(throws: YAMLSkipReason.unsafeAliases) { try ManifestReader().documents(in: Data(bomb.utf8)) }
    }

    @Test("few aliases that expand into many nodes, or aliases in keys, are refused too", .timeLimit(.minutes(1)))
    func smallAliasBombs() throws {
        // 30 aliases, 10 per level: 1000 leaves from a 200-byte document.
        var wide = "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
        wide += "b: &b [" + Array(repeating: "*a", count: 10).joined(separator: ",") + "]\n"
        wide += "c: &c [" + Array(repeating: "*b", count: 10).joined(separator: ",") + "]\n"
        wide += "d: [" + Array(repeating: "*c", count: 10).joined(separator: ",") + "]\n"
        #expect(throws: YAMLSkipReason.tooComplex) { try ManifestReader().documents(in: Data(wide.utf8)) }

        let aliasKey = "a: &a [x, y]\nb: &b [*a, *a]\nc:\n  ? *b\n  : value\n"
        #expect(throws: YAMLSkipReason.unsafeAliases) { try ManifestReader().documents(in: Data(aliasKey.utf8)) }
        let flowKey = "a: &a [x, y]\nc: {[*a, *a]: value}\n"
        #expect(throws: YAMLSkipReason.unsafeAliases) { try ManifestReader().documents(in: Data(flowKey.utf8)) }
        let plainAliasKey = "a: &a x\nc:\n  *a : value\n"
        #expect(throws: YAMLSkipReason.unsafeAliases) { try ManifestReader().documents(in: Data(plainAliasKey.utf8)) }

        // The same shapes without aliases are fine.
        #expect(try ManifestReader().documents(in: Data("c:\n  ? [x, y]\n  : value\n".utf8)).count == 1)
    }

    @Test("nesting deeper than the limit is refused, not followed into a stack overflow")
    func deepNesting() throws {
        let deep = String(repeating: "[", count: 900) + String(repeating: "]", count: 900)
        #expect(throws: YAMLSkipReason.tooComplex) { try ManifestReader().documents(in: Data(deep.utf8)) }
        let deeper = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        #expect(throws: YAMLSkipReason.invalidYAML) { try ManifestReader().documents(in: Data(deeper.utf8)) }
    }

    @Test("the alias scan over-counts, never under-counts")
    func aliasScan() {
        #expect(AliasScan(Array("a: *x\nb: [*y, *z]\nc: {k: *w}".utf8)).aliasCount == 4)
        #expect(AliasScan(Array("a: \"not*alias\"\nb: x*y\nc: '*'".utf8)).aliasCount == 0)
        #expect(AliasScan(Array("a: [*x]: 1".utf8)).hasComplexKeyShape)
        #expect(!AliasScan(Array("a: b\nc: [d]\n".utf8)).hasComplexKeyShape)
    }
}
