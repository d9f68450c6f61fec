import BasculeCore
import Foundation

/// Releases placed in Paris local time, so that tests read like the calendar people use.
enum Paris {
    static let zone = TimeZone(identifier: "Europe/Paris")!
    static let clock = PolicyClock(timeZone: zone)

    /// `2027-03-05 14:00` in Paris.
    static func at(_ text: String) -> Date {
        let parts = text.split(separator: " ")
        let date = parts[0].split(separator: "-").map { Int($0)! }
        let time = parts[1].split(separator: ":").map { Int($0)! }
        return clock.instant(year: date[0], month: date[1], day: date[2], minutes: time[0] * 60 + time[1])!
    }

    static func release(
        _ start: String, _ end: String, environment: String = "production", type: ReleaseType = .minor, tags: [String] = [],
        status: ReleaseStatus = .planned
    ) -> Release {
        Release(key: ReleaseKey(number: 7), fields: ReleaseFields(
            title: "Payroll 3.1", version: "3.1.0", type: type, window: PlannedWindow(start: at(start), end: at(end)),
            environment: environment, tags: tags), status: status, createdAt: at("2027-01-04 09:00"))
    }

    static func dossier(_ release: Release, now: String = "2027-01-10 09:00", plan: ReleasePlan = ReleasePlan(),
                        changes: [Change] = [], documents: Set<DocumentKind> = [], campaigns: [TestCampaign] = [],
                        approvals: ApprovalRound? = nil) -> ReleaseDossier {
        ReleaseDossier(release: release, plan: plan, changes: changes, documents: documents, campaigns: campaigns,
                       approvals: approvals, now: at(now))
    }

    static func evaluate(_ rule: any PolicyRule, _ dossier: ReleaseDossier, to target: ReleaseStatus = .approved) -> RuleEvaluation {
        rule.evaluate(dossier, context: PolicyContext(clock: clock, target: target))
    }

    static func policy(_ yaml: String) throws -> ReleasePolicy {
        try PolicyDocument.parse(yaml)
    }
}
