import BasculeCore
import Foundation

/// The release's promotion path on its overview: each environment in turn with where the
/// release stands on it, its deployments and the tests run there since, what the environment
/// mirrors and how fresh it is, and the form that records a deployment.
struct PromotionPanel: Sendable {
    /// A mirror refreshed longer ago than this is flagged: problems it should show may not.
    static let staleAfter: TimeInterval = 30 * 86_400

    struct Stop: Sendable {
        let environment: String
        let kind: String
        let standing: String
        let standingValue: String
        let current: Bool
        let next: Bool
        let latest: String?
        let note: String?
        let tests: String?
        let mirror: String?
        let stale: Bool
        let earlier: [String]
    }

    let stops: [Stop]
    let blocked: String?
    let ruleHint: String?
    let recordHref: String?
    let environments: [Choice]
    let outcomes: [Choice]

    static func model(_ view: PromotionService.View, now: Date, _ words: Words) -> PromotionPanel {
        let path = view.path
        let current = path.current?.environment.name, next = path.next?.environment.name
        let stops = path.stops.map { stop in
            let environment = stop.environment
            let mirror = environment.mirrors.map { mirrors in
                environment.refreshedAt.map { words.text("promotion_mirror_refreshed", ["mirrors": mirrors, "date": words.date($0)]) }
                    ?? words.text("promotion_mirror_never", ["mirrors": mirrors])
            }
            let stale = environment.mirrors != nil && environment.refreshedAt.map { now.timeIntervalSince($0) > staleAfter } ?? true
            let failing = stop.campaigns.latestByKind().values.reduce(0) { $0 + $1.result.failed }
            return Stop(
                environment: environment.name, kind: words.label(environment.kind), standing: words.label(stop.standing),
                standingValue: stop.standing.rawValue, current: environment.name == current, next: environment.name == next,
                latest: stop.latest.map { line($0, words) }, note: stop.latest.flatMap { $0.note.isEmpty ? nil : $0.note },
                tests: stop.campaigns.isEmpty ? nil : words.text("promotion_tests", ["count": String(stop.campaigns.count), "failed": String(failing)]),
                mirror: mirror, stale: stale, earlier: stop.deployments.dropFirst().map { line($0, words) })
        }
        let blocked = view.blocker.map { blocker in
            words.text("promotion_blocked", ["environment": blocker.environment, "why": words.language == .fr ? blocker.french : blocker.english,
                                             "rule": view.rule?.id ?? ""])
        }
        let mayRecord = RequestOrigin.current.may(.runExecute) && !path.stops.isEmpty
        return PromotionPanel(
            stops: stops, blocked: blocked, ruleHint: view.rule == nil && !path.stops.isEmpty ? words.text("promotion_no_rule") : nil,
            recordHref: mayRecord ? "/releases/\(view.release.key)/promotion" : nil,
            environments: path.stops.map { Choice(value: $0.environment.name, label: $0.environment.name, selected: $0.environment.name == next) },
            outcomes: EnvironmentDeployment.Outcome.allCases.map { Choice(value: $0.rawValue, label: words.label($0), selected: $0 == .deployed) })
    }

    private static func line(_ deployment: EnvironmentDeployment, _ words: Words) -> String {
        words.text("promotion_deployment", ["outcome": words.label(deployment.outcome), "date": words.date(deployment.at), "who": deployment.recordedBy])
            + (deployment.run.map { " · " + words.text("promotion_by_run", ["run": String($0.uuidString.lowercased().prefix(8))]) } ?? "")
    }
}
