import BasculeCore
import Foundation

/// One release: its header, the refusal of the last move if there was one (each reason once,
/// with what fixes it), its overview or one of its tabs, and its history paged to the first event.
enum ReleasePage {
    struct Transition: Sendable {
        let value: String
        let label: String
        let style: String
        let confirm: String?
    }

    struct Step: Sendable {
        let label: String
        let state: String
    }

    struct Header: Sendable {
        let key: String
        let href: String
        let title: String
        let version: String
        let type: String
        let typeValue: String
        let status: String
        let statusValue: String
        let semantic: Bool
        let window: String?
        let environment: String?
        let owner: String?
        let tags: [String]
        let descriptionHTML: String?
        let createdAt: String
        let updatedAt: String
        let revision: Int
        let editable: Bool
        let deletable: Bool
        let transitions: [Transition]
        let ended: Bool
        let frozen: Bool
        let lifecycle: [Step]
        /// The live run under way, for a link from the header.
        let liveRunHref: String?
    }

    struct Refusal: Sendable {
        let summary: String
        let reasons: [GateReason]
        let override: Override?
        let suggested: CalendarTab.Slots?
    }

    struct Override: Sendable {
        let to: String
        let revision: Int
    }

    struct HistoryLine: Sendable {
        let at: String
        let actor: String
        let what: String
        let summary: String
        let sequence: Int
    }

    struct Model: Sendable {
        let release: Header
        let tabs: [Tab]
        let overview: Bool
        let refusal: Refusal?
        let history: [HistoryLine]
        let canReadHistory: Bool
        let olderHistoryHref: String?
        let newestHistoryHref: String?
        let plan: PlanTab?
        let risks: RisksTab?
        let changes: ChangesTab?
        let tests: TestsTab?
        let approvals: ApprovalsTab?
        let policy: PolicyTab?
        let impact: ImpactTab?
        let calendar: CalendarTab?
        let runbook: RunbookTab?
        /// Stakeholders and following, on the overview.
        let people: StakeholdersPanel?
        let afterRelease: AfterReleasePanel?
        let meetings: MeetingsPanel?
        let promotion: PromotionPanel?
        let dependencies: DependenciesPanel?
        let versions: VersionsTab?
    }

    struct Tab: Sendable {
        let href: String
        let label: String
        let current: Bool
    }

    static let tabNames = ["overview", "plan", "risks", "changes", "versions", "impact", "calendar", "runbook", "tests", "approvals", "policy"]

    static func header(_ release: Release, liveRun: Run?, _ words: Words) -> Header {
        let origin = RequestOrigin.current
        let transitions = origin.may(.releaseTransition) ? release.allowedTransitions : []
        let order = ReleaseStatus.allCases
        return Header(
            key: release.key.description, href: "/releases/\(release.key)", title: release.title, version: release.version,
            type: words.label(release.type), typeValue: release.type.rawValue, status: words.label(release.status), statusValue: release.status.rawValue,
            semantic: release.semanticVersion != nil, window: release.window.map(words.window), environment: release.environment,
            owner: release.owner, tags: release.tags,
            descriptionHTML: release.description.isEmpty ? nil : MarkdownRenderer.html(release.description),
            createdAt: words.date(release.createdAt), updatedAt: words.date(release.updatedAt), revision: release.revision,
            editable: release.status.isPlanEditable && origin.may(.releaseEdit),
            deletable: release.status == .draft && origin.may(.releaseDelete),
            transitions: transitions.map { target in
                // The way forward is the primary button; stepping back is plain; giving up is red and asks first.
                let backwards = (order.firstIndex(of: target) ?? 0) < (order.firstIndex(of: release.status) ?? 0)
                    && [ReleaseStatus.draft, .planned, .approved].contains(target)
                let giveUp = [ReleaseStatus.cancelled, .failed, .rolledBack].contains(target)
                return Transition(value: target.rawValue, label: words.text("to_\(target.rawValue)"),
                                  style: giveUp ? "danger" : backwards ? "" : "primary",
                                  confirm: giveUp ? words.text("confirm_move", ["status": words.label(target)]) : nil)
            },
            ended: release.allowedTransitions.isEmpty, frozen: !release.status.isPlanEditable,
            lifecycle: lifecycle(release, words),
            liveRunHref: liveRun.map { "/runs/\($0.id.uuidString.lowercased())" })
    }

    /// The main path with the release's place on it; a side exit is shown after the point it left.
    private static func lifecycle(_ release: Release, _ words: Words) -> [Step] {
        let path: [ReleaseStatus] = [.draft, .planned, .approved, .ready, .inProgress, .deployed, .closed]
        let position = path.firstIndex(of: release.status)
        var steps = path.enumerated().map { index, status in
            Step(label: words.label(status), state: position.map { index < $0 ? "done" : index == $0 ? "current" : "todo" } ?? "todo")
        }
        if position == nil { steps.append(Step(label: words.label(release.status), state: "current exit")) }
        return steps
    }

    static func history(_ event: AuditEvent, _ words: Words) -> HistoryLine {
        HistoryLine(at: words.date(event.at), actor: event.entry.actor, what: words.label(event.entry.action), summary: readable(event.entry.summary, words),
                    sequence: event.sequence)
    }

    /// A change of status said with the statuses' names ("Planned → Approved"); any other
    /// summary is shown as the audit trail recorded it.
    static func readable(_ summary: String, _ words: Words) -> String {
        guard let match = summary.wholeMatch(of: /status: ([a-zA-Z]+) → ([a-zA-Z]+)(.*)/),
              let from = ReleaseStatus(rawValue: String(match.1)), let to = ReleaseStatus(rawValue: String(match.2)) else { return summary }
        return "\(words.label(from)) → \(words.label(to))" + (match.3.hasPrefix(" (live run)") ? " (\(words.text("run_live")))" : String(match.3))
    }

    static func tabs(_ key: String, current: String, _ words: Words) -> [Tab] {
        tabNames.map { name in
            Tab(href: name == "overview" ? "/releases/\(key)" : "/releases/\(key)?tab=\(name)", label: words.text("tab_\(name)"), current: name == current)
        }
    }
}
