import BasculeCore
import Foundation

/// Reads each tab of the release page through the services, so that a person sees only what
/// they may read, and makes its typed model.
struct ReleaseTabs: Sendable {
    let services: BasculeServices
    let words: Words

    func plan(_ release: Release) async throws -> PlanTab {
        let key = release.key.description
        let (plan, revision) = try await services.plans.plan(of: key)
        let now = Date()
        var documents: [PlanTab.DocumentLine] = []
        for kind in DocumentKind.allCases {
            let (current, history) = try await services.plans.document(kind, of: key)
            documents.append(PlanTab.DocumentLine(
                title: words.label(kind), href: "/releases/\(key)/documents/\(kind.rawValue)",
                html: current.map { MarkdownRenderer.html($0.content) },
                meta: current.map { words.text("document_meta", ["n": words.number($0.version), "who": $0.author, "when": words.date($0.at), "count": words.number(history.count)]) }))
        }
        return PlanTab(
            revision: revision, canEdit: RequestOrigin.current.may(.planEdit) && release.status.isPlanEditable,
            objectives: plan.objectives.map { .init(statement: $0.statement, criterion: $0.successCriterion, assessment: $0.assessment.map(words.label) ?? "—") },
            hasObjectives: !plan.objectives.isEmpty, scopeIn: plan.scopeIn, scopeOut: plan.scopeOut,
            milestones: plan.milestones.map { .init(name: $0.name, due: words.date($0.due), done: $0.doneAt.map(words.date), overdue: $0.isOverdue(at: now)) },
            hasMilestones: !plan.milestones.isEmpty,
            resources: plan.resources.map { .init(name: $0.name, kind: words.label($0.kind), role: words.label($0.role)) },
            training: plan.training.map { .init(title: $0.title, audience: words.label($0.audience), due: $0.due.map(words.date) ?? "—", done: $0.done) },
            requirements: plan.requirements.map { .init(category: words.label($0.category), target: $0.target, verification: $0.verification, status: words.label($0.status)) },
            readiness: plan.readiness.map { .init(title: $0.title, done: $0.done) },
            readinessDone: "\(plan.readiness.filter(\.done).count)/\(plan.readiness.count)", documents: documents)
    }

    func risks(_ release: Release) async throws -> RisksTab {
        let key = release.key.description
        let (plan, _) = try await services.plans.plan(of: key)
        let score = try await services.policy.riskScore(key)
        return RisksTab(
            risks: plan.risks.sorted { $0.score > $1.score }.map {
                .init(title: $0.title, probability: $0.probability, impact: $0.impact, score: $0.score, level: $0.level.rawValue, levelLabel: words.label($0.level),
                      mitigation: $0.mitigation, owner: $0.owner, status: words.label($0.status))
            },
            hasRisks: !plan.risks.isEmpty, score: score.score, scoreStatus: score.status.rawValue, scoreLabel: words.label(score.status),
            factors: score.factors.map { .init(points: $0.points, text: $0.explanation.text(for: words.language.rawValue)) },
            hasFactors: !score.factors.isEmpty, canEdit: RequestOrigin.current.may(.planEdit) && release.status.isPlanEditable)
    }

    func changes(_ release: Release) async throws -> ChangesTab {
        let key = release.key.description
        let changes = try await services.changes.list(of: key)
        let canManage = RequestOrigin.current.may(.changeManage) && release.status.isPlanEditable
        return ChangesTab(
            changes: changes.map { change in
                let f = change.fields
                return .init(key: change.key.description, title: f.title, category: words.label(f.category), kind: words.label(f.kind), risk: words.label(f.risk),
                             status: words.label(f.status), requestedBy: change.requestedBy, link: f.link.flatMap { Reference.isWebLink($0) ? $0 : nil },
                             reference: f.link, rollback: f.rollback, items: f.items.joined(separator: ", "),
                             editHref: canManage ? "/releases/\(key)/changes/\(change.key)/edit" : nil)
            },
            hasChanges: !changes.isEmpty, canManage: canManage)
    }

    func tests(_ release: Release) async throws -> TestsTab {
        let campaigns = try await services.tests.list(of: release.key.description)
        return TestsTab(
            campaigns: campaigns.map { campaign in
                let r = campaign.result
                return .init(kind: words.label(campaign.kind), environment: campaign.environment ?? "—", passed: r.passed, failed: r.failed, skipped: r.skipped,
                             rate: r.passRate.map { ArtefactsRule.percent(($0 * 10).rounded() / 10) } ?? "—", failing: Array(r.failingTests.prefix(20)),
                             hasFailing: !r.failingTests.isEmpty, source: campaign.source == "manual" ? words.text("tests_manual") : campaign.source,
                             by: campaign.recordedBy, at: words.date(campaign.recordedAt), evidence: campaign.evidence.flatMap { Reference.isWebLink($0) ? $0 : nil })
            },
            hasCampaigns: !campaigns.isEmpty, canRecord: RequestOrigin.current.may(.testRecord))
    }

    func approvals(_ release: Release) async throws -> ApprovalsTab {
        let origin = RequestOrigin.current
        let canRequest = origin.may(.approvalRequest) && release.acceptsApprovalRequest
        guard let round = try await services.approvals.current(of: release.key.description) else {
            return ApprovalsTab(canRequest: canRequest, canDecide: false, round: nil)
        }
        return ApprovalsTab(
            canRequest: canRequest,
            canDecide: round.awaitsDecisions(on: release) && origin.may(.approvalDecide) && !round.decisions.contains { $0.approver == origin.actor },
            round: .init(
                requestedBy: round.requestedBy, requestedAt: words.date(round.requestedAt), voided: round.status == .voided,
                voidReason: round.voidReason ?? "", approved: round.isApproved,
                requirements: round.requirements.map { requirement in
                    let approvers = round.approvers(for: requirement)
                    return .init(rule: requirement.rule, roles: requirement.roles.sorted().map(words.label).joined(separator: ", "), have: approvers.count,
                                 count: requirement.count, satisfied: round.isSatisfied(requirement), approvers: approvers.isEmpty ? nil : approvers.joined(separator: ", "))
                },
                decisions: round.decisions.map {
                    .init(approver: $0.approver, decision: words.label($0.decision), value: $0.decision.rawValue, comment: $0.comment,
                          conditions: $0.conditions.isEmpty ? nil : $0.conditions, at: words.date($0.at))
                }))
    }

    /// The gates still ahead of the release, the next one chosen unless another is asked for.
    func policy(_ release: Release, target: ReleaseStatus?) async throws -> PolicyTab {
        let ahead = Self.gatesAhead(of: release)
        let gate = target.flatMap { ahead.contains($0) ? $0 : nil } ?? (ahead.first ?? release.nextGate)
        let (check, overrides) = try await services.policy.check(release.key.description, to: gate)
        let requirements = GateReason.lifecycle(release, to: gate, words)
        return PolicyTab(
            target: words.label(gate),
            targets: ahead.map { .init(value: $0.rawValue, label: words.label($0), selected: $0 == gate) },
            passed: check.passed && requirements.isEmpty, version: check.policyVersion, requirements: requirements,
            outcomes: check.outcomes.map {
                .init(rule: $0.rule, verdict: $0.verdict.rawValue, verdictLabel: words.label($0.verdict), explanation: $0.explanation.text(for: words.language.rawValue))
            },
            overrides: overrides.map { .init(actor: $0.actor, target: words.label($0.target), rules: $0.rules.joined(separator: ", "), reason: $0.reason, at: words.date($0.at)) },
            hasOverrides: !overrides.isEmpty, passedGate: ahead.isEmpty)
    }

    /// The gates of the main path after the release's status, in order.
    static func gatesAhead(of release: Release) -> [ReleaseStatus] {
        let path: [ReleaseStatus] = [.planned, .approved, .ready, .inProgress, .deployed, .closed]
        guard let position = [ReleaseStatus.draft].contains(release.status) ? -1 : path.firstIndex(of: release.status) else { return [] }
        return Array(path.dropFirst(position + 1))
    }

    func impact(_ release: Release) async throws -> ImpactTab {
        let key = release.key.description
        let impact = try await services.inventory.impact(ofRelease: key)
        let diagram = ImpactDiagram(modified: impact.modified, impacted: impact.impacted)
        func line(_ item: ImpactedItem) -> ImpactTab.ItemLine {
            .init(key: item.node.key.text, name: item.node.name, type: words.label(item.node.type), criticality: item.node.criticality, depth: item.depth,
                  path: item.path.map(\.text).joined(separator: " → "), team: item.node.ownerTeam ?? "—")
        }
        return ImpactTab(
            modified: impact.modified.map { .init(key: $0.key.text, name: $0.name, type: words.label($0.type)) }, hasModified: !impact.modified.isEmpty,
            services: impact.businessServices.map(line), hasServices: !impact.businessServices.isEmpty, impacted: impact.impacted.map(line),
            count: impact.impacted.count, svg: impact.modified.isEmpty ? "" : diagram.svg(title: words.text("impact_graph") + " " + key),
            omitted: diagram.omitted, hasOmitted: diagram.omitted > 0)
    }

    func calendar(_ release: Release) async throws -> CalendarTab {
        let (_, conflicts) = try await services.calendar.conflicts(of: release.key.description)
        let offer = try await slots(release)
        return CalendarTab(
            conflicts: conflicts.map(conflictLine), hasConflicts: !conflicts.isEmpty, hasWindow: release.window != nil,
            window: release.window.map(words.window) ?? "", slots: offer.slots, hasSlots: offer.hasSlots, noSlots: offer.noSlots)
    }

    func conflictLine(_ conflict: Conflict) -> CalendarTab.ConflictLine { CalendarTab.line(conflict, words) }
}

extension CalendarTab {
    /// A conflict as the release's calendar tab and the calendar page list it.
    static func line(_ conflict: Conflict, _ words: Words) -> ConflictLine {
        ConflictLine(kind: conflict.kind.rawValue, kindLabel: words.label(conflict.kind), explanation: conflict.explanation.text(for: words.language.rawValue),
              other: conflict.other?.description, otherHref: conflict.other.map { "/releases/\($0)?tab=calendar" })
    }
}

extension ReleaseTabs {

    func slots(_ release: Release) async throws -> CalendarTab.Slots {
        guard release.window != nil, release.status.isPlanEditable, RequestOrigin.current.may(.releaseEdit) else {
            return .init(slots: [], hasSlots: false, noSlots: false)
        }
        let (_, slots) = try await services.calendar.slots(of: release.key.description, within: nil, duration: nil, limit: 5)
        let iso = ISO8601DateFormatter()
        return .init(
            slots: slots.map { .init(label: words.window($0.start, $0.end), start: iso.string(from: $0.start), end: iso.string(from: $0.end),
                                     revision: release.revision, key: release.key.description) },
            hasSlots: !slots.isEmpty, noSlots: slots.isEmpty)
    }

    func runbook(_ release: Release, draft: (yaml: String, errors: [FieldError])? = nil) async throws -> RunbookTab {
        let key = release.key.description
        let (runbook, revision) = try await services.runbooks.get(key)
        let runs = try await services.runs.list(of: key)
        let origin = release.window?.start ?? Date(timeIntervalSinceReferenceDate: 0)
        let (main, timeline) = runbook.plannedTimeline(from: origin)
        let critical = Set(timeline.criticalPath.map { main[$0].key })
        let may = RequestOrigin.current.may(.runExecute)
        return RunbookTab(
            hasSteps: !runbook.steps.isEmpty, revision: revision, count: runbook.steps.count,
            plannedMinutes: Int((timeline.end.timeIntervalSince(origin) / 60).rounded()),
            steps: runbook.steps.map { step in
                .init(key: step.key, title: step.title, phase: words.label(step.phase), kind: words.label(step.kind), owner: step.owner ?? "—",
                      minutes: String(Int((step.plannedDuration / 60).rounded())), after: step.predecessors.joined(separator: ", "),
                      downtime: step.downtime, undoneBy: step.undoneBy, critical: critical.contains(step.key))
            },
            runs: runs.reversed().map { run in
                .init(href: "/runs/\(run.id.uuidString.lowercased())", kind: words.label(run.kind), status: words.label(run.status),
                      statusValue: run.status.rawValue, created: words.date(run.createdAt))
            },
            hasRuns: !runs.isEmpty, report: try await rehearsalReport(key),
            canEdit: RequestOrigin.current.may(.runbookEdit) && release.status.isPlanEditable, yaml: draft?.yaml ?? RunbookDocument.yaml(runbook),
            yamlErrors: (draft?.errors ?? []).map { error in
                error.line.map { words.text("inventory_line", ["n": words.number($0)]) + " · " + words.error(error) } ?? words.error(error)
            },
            canRehearse: may && !runbook.steps.isEmpty && release.status.isPlanEditable,
            canGoLive: may && !runbook.steps.isEmpty && release.status == .ready && !runs.contains { $0.kind == .live && !$0.status.isOver })
    }

    private func rehearsalReport(_ key: String) async throws -> RunbookTab.Report {
        let report = try await services.runs.rehearsalReport(of: key)
        func minutes(_ seconds: TimeInterval?) -> String { seconds.map { String(Int(($0 / 60).rounded())) } ?? "—" }
        return .init(
            hasRehearsals: !report.rehearsals.isEmpty,
            columns: report.rehearsals.enumerated().map {
                .init(label: "R\($0.offset + 1)", minutes: minutes($0.element.duration), downtime: minutes($0.element.downtime),
                      interruption: $0.element.measuredInterruption.map { RollingPanel.seconds($0, words) } ?? "—")
            },
            plannedMinutes: minutes(report.plannedDuration), plannedDowntime: minutes(report.plannedDowntime),
            rows: report.rows.map { .init(key: $0.key, title: $0.title, planned: minutes($0.planned), actuals: $0.actuals.map { minutes($0) },
                                          deviation: $0.deviation.map { String(format: "%+.0f %%", $0 * 100) }, flagged: $0.flagged) },
            flaggedCount: report.rows.filter(\.flagged).count,
            measured: report.rehearsals.contains { $0.measuredInterruption != nil })
    }
}
