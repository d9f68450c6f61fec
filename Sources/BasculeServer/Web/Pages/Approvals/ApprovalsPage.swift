import BasculeCore
import Foundation

/// The approvals: for an approver, the rounds awaiting their decision, each decided in place;
/// for anyone else who may read releases, every round awaiting decisions, read-only.
enum ApprovalsPage {
    struct Line: Sendable {
        let release: ReleaseLine
        let requested: String
        let needs: String
        let decisions: String?
    }

    struct Model: Sendable {
        let heading: String
        let lines: [Line]
        let canDecide: Bool
        let empty: String
        let returnTo = "/approvals"
    }

    static func model(_ items: [(release: Release, round: ApprovalRound)], canDecide: Bool, _ words: Words) -> Model {
        Model(
            heading: words.text(canDecide ? "inbox_title" : "inbox_pending_title"),
            lines: items.map { release, round in
                Line(release: ReleaseLine(release, words),
                     requested: words.text("home_requested", ["who": round.requestedBy, "when": words.date(round.requestedAt)]),
                     needs: needs(round, words),
                     decisions: round.decisions.isEmpty ? nil : round.decisions.map { "\($0.approver) · \(words.label($0.decision))" }.joined(separator: ", "))
            },
            canDecide: canDecide,
            empty: words.text(canDecide ? "inbox_empty" : "inbox_pending_empty"))
    }

    static func needs(_ round: ApprovalRound, _ words: Words) -> String {
        round.requirements.map { requirement in
            words.text("home_needs_line", ["have": words.number(round.approvers(for: requirement).count), "count": words.number(requirement.count),
                                           "roles": requirement.roles.sorted().map(words.label).joined(separator: " / ")])
        }.joined(separator: ", ")
    }
}
