import BasculeCore
import Foundation

/// The tabs of the release page: plan, risks, changes, tests, approvals and the policy check.
/// Each reads through the services, so a person sees only what they may read.
struct ReleaseTabs: Sendable {
    static let names = ["overview", "plan", "risks", "changes", "impact", "calendar", "runbook", "tests", "approvals", "policy"]

    let services: BasculeServices
    let localizer: Localizer
    let formatting: WebFormatting

    func navigation(_ key: String, current: String, _ language: Language) -> [[String: Any]] {
        Self.names.map { name in
            ["href": name == "overview" ? "/releases/\(key)" : "/releases/\(key)?tab=\(name)",
             "label": localizer.text("tab_\(name)", language), "current": name == current]
        }
    }

    func model(_ tab: String, release: Release, target: ReleaseStatus?, _ language: Language) async throws -> [String: Any] {
        let key = release.key.description
        switch tab {
        case "plan": return try await plan(key, language)
        case "risks": return try await risks(key, language)
        case "changes":
            let changes = try await services.changes.list(of: key)
            let canManage = RequestOrigin.current.may(.changeManage) && release.status.isPlanEditable
            return ["canManage": canManage, "changes": changes.map { change -> [String: Any] in
                let f = change.fields
                return ["key": change.key.description, "title": f.title, "category": localizer.text(f.category.labelKey, language), "kind": localizer.text(f.kind.labelKey, language),
                        "risk": localizer.text(f.risk.labelKey, language), "status": localizer.text(f.status.labelKey, language), "requestedBy": change.requestedBy,
                        "link": present(f.link.flatMap { Reference.isWebLink($0) ? $0 : nil }),
                        "reference": present(f.link), "rollback": f.rollback, "items": f.items.joined(separator: ", "),
                        "editHref": present(canManage ? "/releases/\(key)/changes/\(change.key)/edit" : nil)]
            }, "hasChanges": !changes.isEmpty]
        case "tests":
            let campaigns = try await services.tests.list(of: key)
            return ["canRecord": RequestOrigin.current.may(.testRecord), "campaigns": campaigns.map { campaign -> [String: Any] in
                let r = campaign.result
                return ["kind": localizer.text(campaign.kind.labelKey, language), "environment": campaign.environment ?? "—", "passed": r.passed, "failed": r.failed,
                        "skipped": r.skipped, "rate": r.passRate.map { ArtefactsRule.percent(($0 * 10).rounded() / 10) } ?? "—",
                        "failing": Array(r.failingTests.prefix(20)), "hasFailing": !r.failingTests.isEmpty, "source": campaign.source,
                        "by": campaign.recordedBy, "at": formatting.display(campaign.recordedAt, language),
                        "evidence": present(campaign.evidence.flatMap { Reference.isWebLink($0) ? $0 : nil })]
            }, "hasCampaigns": !campaigns.isEmpty]
        case "approvals": return try await approvals(release, language)
        case "policy": return try await policy(release, target: target, language)
        case "impact": return try await impact(key, language)
        case "calendar": return try await calendar(release, language)
        case "runbook": return try await runbook(release, language)
        default: return [:]
        }
    }

    private func plan(_ key: String, _ language: Language) async throws -> [String: Any] {
        let (plan, revision) = try await services.plans.plan(of: key)
        let now = Date()
        var documents: [[String: Any]] = []
        for kind in DocumentKind.allCases {
            let (current, history) = try await services.plans.document(kind, of: key)
            documents.append(["title": localizer.text("doc_\(kind.rawValue)", language), "href": "/releases/\(key)/documents/\(kind.rawValue)",
                              "html": present(current.map { MarkdownRenderer.html($0.content) }),
                              "meta": present(current.map { "v\($0.version) · \($0.author) · \(formatting.display($0.at, language)) · \(history.count)" })])
        }
        let release = try await services.releases.get(key)
        return [
            "revision": revision,
            "canEdit": RequestOrigin.current.may(.planEdit) && release.status.isPlanEditable,
            "objectives": plan.objectives.map { ["statement": $0.statement, "criterion": $0.successCriterion, "assessment": $0.assessment.map { localizer.text($0.labelKey, language) } ?? "—"] },
            "hasObjectives": !plan.objectives.isEmpty,
            "scopeIn": plan.scopeIn, "scopeOut": plan.scopeOut,
            "milestones": plan.milestones.map { m -> [String: Any] in
                ["name": m.name, "due": formatting.display(m.due, language), "done": present(m.doneAt.map { formatting.display($0, language) }),
                 "overdue": m.isOverdue(at: now)]
            },
            "hasMilestones": !plan.milestones.isEmpty,
            "resources": plan.resources.map { ["name": $0.name, "kind": localizer.text($0.kind.labelKey, language), "role": localizer.text($0.role.labelKey, language)] },
            "training": plan.training.map { ["title": $0.title, "audience": localizer.text($0.audience.labelKey, language), "due": $0.due.map { formatting.display($0, language) } ?? "—", "done": $0.done] },
            "requirements": plan.requirements.map { ["category": localizer.text($0.category.labelKey, language), "target": $0.target, "verification": $0.verification, "status": localizer.text($0.status.labelKey, language)] },
            "readiness": plan.readiness.map { ["title": $0.title, "done": $0.done] },
            "readinessDone": "\(plan.readiness.filter(\.done).count)/\(plan.readiness.count)",
            "documents": documents,
        ]
    }

    private func risks(_ key: String, _ language: Language) async throws -> [String: Any] {
        let (plan, _) = try await services.plans.plan(of: key)
        let score = try await services.policy.riskScore(key)
        return [
            "risks": plan.risks.sorted { $0.score > $1.score }.map { risk -> [String: Any] in
                ["title": risk.title, "probability": risk.probability, "impact": risk.impact, "score": risk.score, "level": risk.level.rawValue,
                 "mitigation": risk.mitigation, "owner": risk.owner, "status": localizer.text(risk.status.labelKey, language)]
            },
            "hasRisks": !plan.risks.isEmpty,
            "score": score.score, "scoreStatus": score.status.rawValue, "scoreLabel": localizer.text("risk_\(score.status.rawValue)", language),
            "factors": score.factors.map { ["points": $0.points, "text": $0.explanation.text(for: language.rawValue)] },
            "hasFactors": !score.factors.isEmpty,
        ]
    }

    private func approvals(_ release: Release, _ language: Language) async throws -> [String: Any] {
        let origin = RequestOrigin.current
        var model: [String: Any] = [
            "canRequest": origin.may(.approvalRequest) && release.acceptsApprovalRequest,
            "canDecide": false,
        ]
        guard let round = try await services.approvals.current(of: release.key.description) else { return model }
        model["round"] = [
            "requestedBy": round.requestedBy, "requestedAt": formatting.display(round.requestedAt, language),
            "voided": round.status == .voided, "voidReason": round.voidReason ?? "", "approved": round.isApproved,
            "requirements": round.requirements.map { requirement -> [String: Any] in
                let approvers = round.approvers(for: requirement)
                return ["rule": requirement.rule, "roles": requirement.roles.map(\.rawValue).joined(separator: ", "), "have": approvers.count,
                        "count": requirement.count, "satisfied": round.isSatisfied(requirement), "approvers": approvers.joined(separator: ", ")]
            },
            "decisions": round.decisions.map { d -> [String: Any] in
                ["approver": d.approver, "decision": localizer.text("decision_\(d.decision.rawValue)", language), "value": d.decision.rawValue,
                 "comment": d.comment, "conditions": present(d.conditions.isEmpty ? nil : d.conditions), "at": formatting.display(d.at, language)]
            },
        ] as [String: Any]
        model["canDecide"] = round.awaitsDecisions(on: release) && origin.may(.approvalDecide) && !round.decisions.contains { $0.approver == origin.actor }
        return model
    }

    private func policy(_ release: Release, target: ReleaseStatus?, _ language: Language) async throws -> [String: Any] {
        let gate = target ?? release.nextGate
        let (check, overrides) = try await services.policy.check(release.key.description, to: gate)
        return [
            "target": localizer.text("status_\(gate.rawValue)", language),
            "targets": [ReleaseStatus.approved, .ready, .inProgress, .closed].map {
                ["value": $0.rawValue, "label": localizer.text("status_\($0.rawValue)", language), "selected": $0 == gate]
            },
            "passed": check.passed, "version": check.policyVersion,
            "outcomes": check.outcomes.map { outcome -> [String: Any] in
                ["rule": outcome.rule, "kind": outcome.kind, "verdict": outcome.verdict.rawValue,
                 "verdictLabel": localizer.text("verdict_\(outcome.verdict.rawValue)", language),
                 "explanation": outcome.explanation.text(for: language.rawValue)]
            },
            "overrides": overrides.map { ["actor": $0.actor, "target": $0.target.rawValue, "rules": $0.rules.joined(separator: ", "),
                                          "reason": $0.reason, "at": formatting.display($0.at, language)] },
            "hasOverrides": !overrides.isEmpty,
        ]
    }

    private func impact(_ key: String, _ language: Language) async throws -> [String: Any] {
        let impact = try await services.inventory.impact(ofRelease: key)
        let diagram = ImpactDiagram(modified: impact.modified, impacted: impact.impacted)
        func row(_ item: ImpactedItem) -> [String: Any] {
            ["key": item.node.key.text, "name": item.node.name, "type": item.node.type.rawValue, "criticality": item.node.criticality,
             "depth": item.depth, "path": item.path.map(\.text).joined(separator: " → "), "team": item.node.ownerTeam ?? "—"]
        }
        return [
            "modified": impact.modified.map { ["key": $0.key.text, "name": $0.name, "type": $0.type.rawValue] },
            "hasModified": !impact.modified.isEmpty,
            "services": impact.businessServices.map(row), "hasServices": !impact.businessServices.isEmpty,
            "impacted": impact.impacted.map(row), "count": impact.impacted.count,
            "svg": impact.modified.isEmpty ? "" : diagram.svg(title: localizer.text("impact_graph", language) + " " + key),
            "omitted": diagram.omitted, "hasOmitted": diagram.omitted > 0,
        ]
    }

    private func calendar(_ release: Release, _ language: Language) async throws -> [String: Any] {
        let key = release.key.description
        let (_, conflicts) = try await services.calendar.conflicts(of: key)
        var model: [String: Any] = [
            "conflicts": conflicts.map { conflictRow($0, language) }, "hasConflicts": !conflicts.isEmpty,
            "hasWindow": release.window != nil,
            "window": release.window.map { formatting.displayWindow($0.start, $0.end, language) } ?? "",
        ]
        model.merge(try await slots(release, language)) { _, new in new }
        return model
    }

    func conflictRow(_ conflict: Conflict, _ language: Language) -> [String: Any] {
        ["kind": conflict.kind.rawValue, "kindLabel": localizer.text("conflict_\(conflict.kind.rawValue)", language),
         "explanation": conflict.explanation.text(for: language.rawValue),
         "other": present(conflict.other?.description), "otherHref": present(conflict.other.map { "/releases/\($0)?tab=calendar" })]
    }

    /// The scheduling assistant's offers, each a form that moves the release there.
    func slots(_ release: Release, _ language: Language) async throws -> [String: Any] {
        guard release.window != nil, release.status.isPlanEditable, RequestOrigin.current.may(.releaseEdit) else { return ["hasSlots": false] }
        let (_, slots) = try await services.calendar.slots(of: release.key.description, within: nil, duration: nil, limit: 5)
        let iso = ISO8601DateFormatter()
        return [
            "slots": slots.map { ["label": formatting.displayWindow($0.start, $0.end, language), "start": iso.string(from: $0.start),
                                  "end": iso.string(from: $0.end), "revision": release.revision, "key": release.key.description] },
            "hasSlots": !slots.isEmpty, "noSlots": slots.isEmpty,
        ]
    }

    private func runbook(_ release: Release, _ language: Language) async throws -> [String: Any] {
        let key = release.key.description
        let (runbook, revision) = try await services.runbooks.get(key)
        let runs = try await services.runs.list(of: key)
        let origin = release.window?.start ?? Date(timeIntervalSinceReferenceDate: 0)
        let (main, timeline) = runbook.plannedTimeline(from: origin)
        let critical = Set(timeline.criticalPath.map { main[$0].key })
        let may = RequestOrigin.current.may(.runExecute)
        return [
            "hasSteps": !runbook.steps.isEmpty, "revision": revision, "count": runbook.steps.count,
            "plannedMinutes": Int((timeline.end.timeIntervalSince(origin) / 60).rounded()),
            "steps": runbook.steps.map { step -> [String: Any] in
                var row = RunRoutes<BasculeRequestContext>.stepRow(step, language)
                row["critical"] = critical.contains(step.key)
                return row
            },
            "runs": runs.reversed().map { run -> [String: Any] in
                ["href": "/runs/\(run.id.uuidString.lowercased())", "kind": localizer.text("run_\(run.kind.rawValue)", language),
                 "status": localizer.text("runstatus_\(run.status.rawValue)", language), "statusValue": run.status.rawValue,
                 "created": formatting.display(run.createdAt, language)]
            },
            "hasRuns": !runs.isEmpty,
            "report": try await rehearsalReport(key),
            "canEdit": RequestOrigin.current.may(.runbookEdit) && release.status.isPlanEditable,
            "yaml": RunbookDocument.yaml(runbook),
            "canRehearse": may && !runbook.steps.isEmpty && release.status.isPlanEditable,
            "canGoLive": may && !runbook.steps.isEmpty && release.status == .ready && !runs.contains { $0.kind == .live && !$0.status.isOver },
        ]
    }

    private func rehearsalReport(_ key: String) async throws -> [String: Any] {
        let report = try await services.runs.rehearsalReport(of: key)
        func minutes(_ seconds: TimeInterval?) -> String { seconds.map { String(Int(($0 / 60).rounded())) } ?? "—" }
        return [
            "hasRehearsals": !report.rehearsals.isEmpty,
            "columns": report.rehearsals.enumerated().map { ["label": "R\($0.offset + 1)", "minutes": minutes($0.element.duration),
                                                            "downtime": minutes($0.element.downtime), "status": $0.element.status.rawValue] },
            "plannedMinutes": minutes(report.plannedDuration), "plannedDowntime": minutes(report.plannedDowntime),
            "rows": report.rows.map { row -> [String: Any] in
                ["key": row.key, "title": row.title, "planned": minutes(row.planned), "actuals": row.actuals.map { minutes($0) },
                 "deviation": present(row.deviation.map { String(format: "%+.0f %%", $0 * 100) }), "flagged": row.flagged]
            },
            "flaggedCount": report.rows.filter(\.flagged).count,
        ]
    }
}
