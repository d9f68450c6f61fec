import BasculeCore
import Foundation

/// The signed-in person's start page: what is live now, what cuts over this week, their own
/// releases, the approvals that wait for them, the releases that their next gate would refuse,
/// and the milestones overdue.
enum HomePage {
    struct RunLine: Sendable {
        let href: String
        let release: String
        let kind: String
        let live: Bool
        let progress: String
        let running: String?
        let failed: String?
    }

    struct ApprovalLine: Sendable {
        let release: ReleaseLine
        let requested: String
        let needs: String
    }

    struct GateLine: Sendable {
        let release: ReleaseLine
        let gate: String
        let reasons: [GateReason]
    }

    struct MilestoneLine: Sendable {
        let release: String
        let href: String
        let name: String
        let due: String
    }

    struct Model: Sendable {
        let greeting: String
        let runs: [RunLine]
        let week: [ReleaseLine]
        let mine: [ReleaseLine]
        let approvals: [ApprovalLine]
        let showApprovals: Bool
        let blocked: [GateLine]
        let overdue: [MilestoneLine]
        let canCreate: Bool
        let returnTo = "/home"
    }

    /// What the page is made of, gathered by `HomeFacts`.
    struct Facts: Sendable {
        var user: String?
        var runs: [(run: Run, title: String)] = []
        var week: [Release] = []
        var mine: [Release] = []
        var approvals: [(release: Release, round: ApprovalRound)]? = nil
        var blocked: [(release: Release, check: PolicyCheck)] = []
        var overdue: [(release: Release, milestone: Milestone)] = []
        var canCreate = false
    }

    static func model(_ facts: Facts, _ words: Words) -> Model {
        Model(
            greeting: facts.user.map { words.text("home_greeting", ["name": $0]) } ?? words.text("home_title"),
            runs: facts.runs.map { run, title in runLine(run, title: title, words) },
            week: facts.week.map { ReleaseLine($0, words) },
            mine: facts.mine.map { ReleaseLine($0, words) },
            approvals: (facts.approvals ?? []).map { release, round in
                ApprovalLine(
                    release: ReleaseLine(release, words),
                    requested: words.text("home_requested", ["who": round.requestedBy, "when": words.date(round.requestedAt)]),
                    needs: ApprovalsPage.needs(round, words))
            },
            showApprovals: facts.approvals != nil,
            blocked: facts.blocked.map { release, check in
                GateLine(release: ReleaseLine(release, words), gate: words.label(check.target), reasons: GateReason.all(check: check, release: release, words))
            },
            overdue: facts.overdue.map { release, milestone in
                MilestoneLine(release: "\(release.key) \(release.title)", href: "/releases/\(release.key)?tab=plan", name: milestone.name, due: words.date(milestone.due))
            },
            canCreate: facts.canCreate)
    }

    private static func runLine(_ run: Run, title: String, _ words: Words) -> RunLine {
        let main = run.steps.filter { $0.segment == .main }
        let settled = main.filter { $0.progress.state.isSettled }.count
        let keys = { (state: StepState) -> String? in
            let found = run.steps.filter { $0.progress.state == state }.map(\.step.key)
            return found.isEmpty ? nil : found.joined(separator: ", ")
        }
        return RunLine(
            href: "/runs/\(run.id.uuidString.lowercased())", release: "\(run.releaseKey) \(title)", kind: words.label(run.kind), live: run.kind == .live,
            progress: words.text("home_run_progress", ["done": words.number(settled), "total": words.number(main.count)]),
            running: keys(.running), failed: keys(.failed))
    }
}
