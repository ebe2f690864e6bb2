/// The wording every human-readable format shares, so that text and Markdown state the same facts.
enum ReportWording {
    /// Hex digits shown for a revision in prose (JSON always carries all 40).
    static let shortRevisionLength = 7

    /// Said of a waiting commit newer than the revision being promoted.
    static let notIncluded = "after the revision shown"

    /// `branch@1a2b3c4`, or just the branch when its revision is unknown.
    static func branch(_ state: PromotionReport.BranchState) -> Phrase {
        .literal(state.revision.map { state.branch + "@" + $0.prefix(shortRevisionLength) } ?? state.branch)
    }

    /// The first hex digits of `id`, or `none`.
    static func revision(_ id: ObjectID?) -> Phrase {
        id.map { .literal($0.prefix(shortRevisionLength)) } ?? .words("none")
    }

    /// `+3 -1`, or `binary`.
    static func lineCounts(_ file: FileChange) -> String {
        file.binary ? "binary" : "+\(file.additions) -\(file.deletions)"
    }

    /// `+12 -3` over the files of a component (binary files count nothing).
    static func lineCounts(_ component: ComponentChange) -> String {
        let additions = component.files.reduce(0) { $0 + ($1.binary ? 0 : $1.additions) }
        let deletions = component.files.reduce(0) { $0 + ($1.binary ? 0 : $1.deletions) }
        return "+\(additions) -\(deletions)"
    }

    /// `yes` or `no`.
    static func affectsProduction(_ component: ComponentChange) -> String {
        component.affectsProduction ? "yes" : "no"
    }

    /// The path of a file; a rename as `old → new`, a copy as `new (copy of old)`.
    static func path(_ file: FileChange) -> Phrase {
        guard let oldPath = file.oldPath else { return .literal(file.path) }
        if file.change == .renamed { return .literal(oldPath) + " → " + .literal(file.path) }
        return .literal(file.path) + " (copy of " + .literal(oldPath) + ")"
    }

    /// Remarks on a file: a conflict, YAML that was not read.
    static func notes(_ file: FileChange) -> [String] {
        var notes: [String] = []
        if file.conflict == true { notes.append("conflict") }
        if let skipped = file.yamlSkipped { notes.append("YAML not read: " + skipped.explanation) }
        return notes
    }

    /// `HelmRelease flux-system/metrics-server (base): metrics-server 3.12.2 → 3.13.1; values: a.b, c`.
    static func release(_ release: ReleaseChange) -> Phrase {
        let name = release.namespace.map { $0 + "/" + release.name } ?? release.name
        var facts: [Phrase] = []
        switch release.change {
        case .added:
            facts.append(.words("added") + (release.to.map { Phrase.words(" (") + .literal($0) + ")" } ?? Phrase()))
        case .removed:
            facts.append(.words("removed") + (release.from.map { Phrase.words(" (was ") + .literal($0) + ")" } ?? Phrase()))
        case .modified:
            if release.from != release.to {
                facts.append(optional(release.from) + " → " + optional(release.to))
            }
        }
        if !release.valuesChanged.isEmpty {
            facts.append(.words("values: ") + .joined(release.valuesChanged.map(Phrase.literal), separator: ", "))
        }
        return .words(release.kind + " ") + .literal(name) + " (\(release.environment.rawValue)): "
            + .joined(facts, separator: "; ")
    }

    private static func optional(_ text: String?) -> Phrase {
        text.map(Phrase.literal) ?? .words("none")
    }

    /// `staging-1 (main@sha1:…): 2 of 3 objects ready`.
    static func cluster(_ cluster: ClusterVerification) -> Phrase {
        let ready = cluster.objects.filter(\.ready).count
        let revision = cluster.revision.map { text in
            Phrase.words(" (") + .literal(ObjectID(hex: text)?.prefix(shortRevisionLength) ?? text) + ")"
        } ?? Phrase()
        return .literal(cluster.name) + revision + ": \(ready) of \(cluster.objects.count) objects ready"
    }

    /// `Kustomization flux-system/apps: not ready: HealthCheckFailed: message`, for an object not ready.
    static func problem(_ object: ObjectVerification) -> Phrase {
        var phrase = Phrase.literal(object.kind + " " + object.namespace + "/" + object.name) + ": not ready"
        if !object.reason.isEmpty { phrase = phrase + ": " + .literal(object.reason) }
        if !object.message.isEmpty { phrase = phrase + ": " + Phrase([.prose(object.message)]) }
        return phrase
    }

    /// `3 components change (2 affect production); 1 file outside components`, or `no changes`.
    static func summary(_ report: PromotionReport) -> String {
        if report.components.isEmpty && report.outsideComponents.isEmpty { return "no changes" }
        var parts: [String] = []
        if !report.components.isEmpty {
            let production = report.components.filter(\.affectsProduction).count
            parts.append(count(report.components.count, "component") + " changed (\(production) affect"
                         + (production == 1 ? "s" : "") + " production)")
        }
        if !report.outsideComponents.isEmpty {
            parts.append(count(report.outsideComponents.count, "file") + " outside components")
        }
        return parts.joined(separator: "; ")
    }

    /// `1 file`, `2 files`.
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)" + (number == 1 ? "" : "s")
    }

    /// What happened to the target, for `promote`; what failed, for any command; else `nil`.
    static func result(_ report: PromotionReport) -> Phrase? {
        if let error = report.error {
            return .words("failed (exit \(error.code)): ") + Phrase([.prose(error.message)])
        }
        guard report.command == .promote else { return nil }
        let source = branch(report.source), target = Phrase.literal(report.target.branch)
        let result = report.result
        switch report.action {
        case .none:
            return .words("nothing to promote: ") + target + " already contains " + source
        case _ where report.dryRun:
            return .words("dry run, nothing written: would ") + intent(report.action, source: source, target: target)
        case .propose:
            var phrase = Phrase.words(result.pushed ? "proposed: pushed branch " : "proposed: branch ")
                + .literal(result.branch ?? "?")
            if let pullRequest = result.pullRequest {
                phrase = phrase + ", pull request " + .literal(pullRequest)
            } else if let compareURL = result.compareURL {
                phrase = phrase + ", open the pull request at " + .literal(compareURL)
            } else {
                phrase = phrase + ", no pull request opened"
            }
            return phrase
        case .fastForward, .merge:
            guard result.pushed else {
                return .words("not pushed: would ") + intent(report.action, source: source, target: target)
            }
            let commit = result.commit.map { Phrase.words(" at ") + .literal($0.prefix(shortRevisionLength)) } ?? Phrase()
            return .words(report.action == .merge ? "pushed: merged " : "pushed: fast-forwarded ")
                + (report.action == .merge ? source + " into " + target : target + " to " + source) + commit
        }
    }

    private static func intent(_ action: PromotionReport.Action, source: Phrase, target: Phrase) -> Phrase {
        switch action {
        case .merge: .words("merge ") + source + " into " + target
        case .fastForward: .words("fast-forward ") + target + " to " + source
        case .propose: .words("propose ") + source + " for " + target + " in a pull request"
        case .none: .words("do nothing")
        }
    }
}

extension ReportWording {
    /// Conflicting paths grouped by the component whose files list them (`nil`: outside components or not
    /// in the diff); components in report order, the rest last, paths in byte order.
    static func conflictGroups(_ report: PromotionReport) -> [(component: String?, paths: [String])] {
        let paths = report.conflicts.sorted(by: ByteOrder.precedes)
        var groups: [(component: String?, paths: [String])] = []
        var placed = Set<[UInt8]>()
        for component in report.components {
            let mine = paths.filter { path in
                !placed.contains(Array(path.utf8)) && component.files.contains { file in
                    ByteOrder.same(file.path, path) || ByteOrder.same(file.oldPath, path)
                }
            }
            guard !mine.isEmpty else { continue }
            mine.forEach { placed.insert(Array($0.utf8)) }
            groups.append((component.name, mine))
        }
        let rest = paths.filter { !placed.contains(Array($0.utf8)) }
        if !rest.isEmpty { groups.append((nil, rest)) }
        return groups
    }
}
