import BasculeCore
import Foundation

/// One release as lists show it: display-ready, with its raw status and type kept only as
/// CSS class names.
struct ReleaseLine: Sendable {
    let key: String
    let href: String
    let title: String
    let version: String
    let type: String
    let typeClass: String
    let status: String
    let statusClass: String
    let window: String?
    let environment: String
    let owner: String
    let tags: [String]

    init(_ release: Release, _ words: Words) {
        key = release.key.description
        href = "/releases/\(release.key)"
        title = release.title
        version = release.version
        type = words.label(release.type)
        typeClass = release.type.rawValue
        status = words.label(release.status)
        statusClass = release.status.rawValue
        window = release.window.map(words.window)
        environment = release.environment ?? ""
        owner = release.owner ?? ""
        tags = release.tags
    }
}

/// What fixes a failing rule, by its kind: the tab where the release manager can act.
enum GateFix {
    static func link(for outcome: RuleOutcome, release key: String, _ words: Words) -> Link {
        switch outcome.kind {
        case "approvals": Link(href: "/releases/\(key)?tab=approvals", label: words.text("fix_approvals"))
        case "artefacts": Link(href: "/releases/\(key)/plan/edit", label: words.text("fix_artefacts"))
        case "rehearsal", "backupBeforeDowntime": Link(href: "/releases/\(key)?tab=runbook", label: words.text("fix_runbook"))
        default: Link(href: "/releases/\(key)?tab=calendar", label: words.text("fix_calendar"))
        }
    }

    /// The rule kinds whose failure a different window can cure: only then are windows suggested.
    static let calendarKinds: Set<String> = ["leadTime", "allowedDays", "maintenanceWindow", "freeze", "conflicts"]

    struct Link: Sendable {
        let href: String
        let label: String
    }
}

/// A reason a gate is refused, in words, with what fixes it.
struct GateReason: Sendable {
    let text: String
    let fix: GateFix.Link?

    /// The policy's failures and the lifecycle's own requirements (a window, an environment),
    /// each once.
    static func all(check: PolicyCheck, release: Release, _ words: Words) -> [GateReason] {
        let key = release.key.description
        let required = lifecycle(release, to: check.target, words)
        var seen = Set<String>()
        let policy = check.failures.compactMap { outcome -> GateReason? in
            let text = outcome.explanation.text(for: words.language.rawValue)
            guard seen.insert(text).inserted else { return nil }
            return GateReason(text: text, fix: GateFix.link(for: outcome, release: key, words))
        }
        return required + policy
    }

    /// What the lifecycle itself asks before `target` (a window, an environment), fixed on the release's form.
    static func lifecycle(_ release: Release, to target: ReleaseStatus, _ words: Words) -> [GateReason] {
        RequiredFieldsGuard().failures(for: release, to: target).map { failure in
            GateReason(text: words.text(failure.field == "environment" ? "gate_needs_environment" : "gate_needs_window"),
                       fix: GateFix.Link(href: "/releases/\(release.key)/edit", label: words.text("fix_edit")))
        }
    }
}
