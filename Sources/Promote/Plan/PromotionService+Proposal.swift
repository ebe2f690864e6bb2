import Foundation

extension PromotionService {
    /// The branch a proposal of `revision` is pushed to: `promote/<first 12 hex>`.
    static func proposalBranch(_ revision: ObjectID) -> String { "promote/" + revision.prefix(12) }

    /// `promote --propose`: verify and plan as `promote` does, push `promote/<revision>` at exactly the verified
    /// revision, and open — or update — its pull request into the target, closing older promotion pull
    /// requests; without a token, report the compare URL instead. A conflict still proposes (the body lists the
    /// paths), then fails with `.conflict` so that a pipeline knows a person is needed.
    public func propose() -> CommandOutcome {
        run(.promote) { report in
            let endpoint = try ProposalEndpoint.resolve(settings: options.proposal,
                                                        remoteURL: repository.remoteURL(options.remote))
            let state = try prepare(report: &report, verificationRequired: true, conflictsStop: false)
            guard state.plan.action != .none else { return }
            let branch = Self.proposalBranch(state.revision)
            report.action = .propose
            if options.signing?.enabled == true {
                report.warnings.append("signing does not apply to a proposal: keos-promote writes no merge commit; the merge commit is made when the pull request is merged")
            }
            report.result = .init(pushed: false, commit: state.revision, branch: branch)
            if let file = options.bodyFile {
                try writeBodyFile(ProposalBody.full(report), to: file)
            }
            if options.dryRun { return }

            try pushProposal(state.revision, branch: branch)
            report.result.pushed = true
            if let token = endpoint.token(in: context.environment), let makeHost = context.pullRequestHost {
                let host = makeHost(endpoint, token)
                let body = ProposalBody.make(report, limit: endpoint.bodyLimit)
                if body.shortened {
                    context.log("the plan is longer than \(endpoint.providerName) accepts (\(endpoint.bodyLimit) characters): the pull request shows shortened per-file detail")
                }
                let draft = PullRequestDraft(title: ProposalBody.title(report, shortRevision: repository.shortID(state.revision)),
                                             body: body.text, sourceBranch: branch, targetBranch: options.targetBranch)
                let (pullRequest, others) = try openOrUpdate(draft, on: host)
                report.result.pullRequest = pullRequest.url
                try closeSuperseded(others, by: pullRequest, revision: state.revision, on: host)
            } else {
                let url = endpoint.compareURL(source: branch, target: options.targetBranch)
                report.result.compareURL = url
                context.log("no \(endpoint.tokenVariable) set: open the pull request at \(url)")
            }
            if !state.plan.conflicts.isEmpty {
                let place = report.result.pullRequest.map { "pull request \($0)" } ?? "branch \(branch)"
                throw PromoteError(.conflict, "merging \(options.sourceBranch)@\(repository.shortID(state.revision)) into \(options.targetBranch) conflicts in \(state.plan.conflicts.count) path(s): \(Self.conflictSummary(state.plan)); proposed as \(place) for a person to resolve")
            }
        }
    }

    /// Pushes the proposal branch without force. When the remote's branch already holds the revision and more
    /// (a person resolved conflicts on it), their work stays and the push is not needed.
    private func pushProposal(_ revision: ObjectID, branch: String) throws {
        do {
            try push(revision, to: branch)
        } catch let rejected as PushRejected {
            try fetchBranches([branch])
            if let tip = try repository.referenceTarget(trackingReference(branch)), try repository.isAncestor(revision, of: tip) {
                context.log("\(branch) on \(options.remote) already holds \(repository.shortID(revision)) and more; left as it is")
                return
            }
            throw PromoteError(.runtime, "the remote refused the push of \(branch): \(CredentialRedaction.redact(rejected.description))")
        }
    }

    /// Updates the open pull request of `draft`'s branch, or opens one; also returns the other open ones.
    private func openOrUpdate(_ draft: PullRequestDraft, on host: any PullRequestHost) throws -> (PullRequest, [PullRequest]) {
        let open = try host.openPullRequests(into: draft.targetBranch)
        let others = open.filter { $0.sourceBranch != draft.sourceBranch }
        if let existing = open.first(where: { $0.sourceBranch == draft.sourceBranch }) {
            let updated = try host.update(existing, with: draft)
            context.log("updated pull request #\(updated.number): \(updated.url)")
            return (updated, others)
        }
        let created: PullRequest
        do {
            created = try host.create(draft)
        } catch {
            // The provider may have opened it although the answer was lost (a retried 5xx): then update that one.
            guard let opened = try? host.openPullRequests(into: draft.targetBranch).first(where: { $0.sourceBranch == draft.sourceBranch }) else {
                throw error
            }
            created = try host.update(opened, with: draft)
        }
        context.log("opened pull request #\(created.number): \(created.url)")
        return (created, others)
    }

    /// Closes the open promotion pull requests of revisions that `revision` contains, pointing to `newer`.
    /// Pull requests of other branches, and of revisions that are not older, stay open.
    private func closeSuperseded(_ candidates: [PullRequest], by newer: PullRequest, revision: ObjectID,
                                 on host: any PullRequestHost) throws {
        for candidate in candidates where candidate.sourceBranch.hasPrefix("promote/") {
            let hex = String(candidate.sourceBranch.dropFirst("promote/".count))
            guard hex.count == 12, hex.allSatisfy(\.isHexDigit), let older = try? repository.resolveCommit(hex),
                  older != revision, (try? repository.isAncestor(older, of: revision)) == true else {
                context.log("left pull request #\(candidate.number) (\(DisplayText.escaped(candidate.sourceBranch))) open: not an older revision of \(options.sourceBranch)")
                continue
            }
            let comment = "Superseded by #\(newer.number) (\(newer.url)), which promotes \(options.sourceBranch)@\(repository.shortID(revision)) and contains this revision."
            try host.close(candidate, comment: comment)
            context.log("closed pull request #\(candidate.number), superseded by #\(newer.number)")
        }
    }

    /// Writes the full plan to `--body-file`.
    private func writeBodyFile(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw PromoteError(.runtime, "--body-file \(DisplayText.escaped(path)): cannot write it (\((error as NSError).localizedDescription))")
        }
    }
}
