import Foundation

/// What emergency releases may skip, and how soon the approvals they skipped must follow.
public struct EmergencyProvision: Sendable, Equatable {
    public let skips: Set<String>
    public let approvalsWithinHours: Int

    public init(skips: Set<String>, approvalsWithinHours: Int) {
        self.skips = skips
        self.approvalsWithinHours = approvalsWithinHours
    }
}

/// The outcome of one rule at one gate, as shown on the release and returned by the API.
public struct RuleOutcome: Sendable, Equatable {
    public let rule: String
    public let kind: String
    public let verdict: Verdict
    public let explanation: LocalizedText
}

/// Every rule's verdict for a release about to enter `target`.
public struct PolicyCheck: Sendable, Equatable {
    public let target: ReleaseStatus
    public let policyVersion: Int
    public let outcomes: [RuleOutcome]

    public var failures: [RuleOutcome] { outcomes.filter { $0.verdict == .fail } }
    public var passed: Bool { failures.isEmpty }

    /// The failures as field errors (field `policy.<rule>`), for a refused transition.
    public var fieldErrors: [FieldError] { failures.map { FieldError("policy.\($0.rule)", $0.explanation.en) } }

    /// Separation of duties: a policy change loosens nothing for a release planned before it
    /// (removing the approval rule, moving the release, then putting the rule back would
    /// otherwise leave no trace on the release). So a release is held to the policy in force
    /// when it was planned as well as to the current one: each failure of `earlier` that the
    /// current check does not also report is added, saying which version it comes from.
    /// Stricter changes apply at once, since the current check is kept whole.
    public func holding(to earlier: PolicyCheck?) -> PolicyCheck {
        guard let earlier, earlier.policyVersion != policyVersion else { return self }
        let failing = Set(failures.map(\.rule))
        let kept = earlier.failures.filter { !failing.contains($0.rule) }.map { outcome in
            RuleOutcome(rule: outcome.rule, kind: outcome.kind, verdict: .fail, explanation: LocalizedText(
                en: "under policy version \(earlier.policyVersion), in force when this release was planned (a policy change applies to releases planned after it): " + outcome.explanation.en,
                fr: "selon la version \(earlier.policyVersion) de la politique, en vigueur quand cette mise en production a été planifiée (un changement de politique s'applique aux mises en production planifiées après lui) : " + outcome.explanation.fr))
        }
        return PolicyCheck(target: target, policyVersion: policyVersion, outcomes: outcomes + kept)
    }
}

/// How the policy follows releases up: how far back an incident looks for the releases that
/// may have caused it, and how long after its cutover an incident counts against a release.
public struct AfterReleaseSettings: Sendable, Equatable {
    public let attributionDays: Int
    public let incidentDays: Int

    public init(attributionDays: Int, incidentDays: Int) {
        self.attributionDays = attributionDays
        self.incidentDays = incidentDays
    }

    public static let standard = AfterReleaseSettings(attributionDays: 7, incidentDays: 7)
}

/// The release policy: one document of rules, evaluated in its own time zone.
public struct ReleasePolicy: Sendable {
    public static let defaultTimeZone = "Europe/Paris"
    public let version: Int
    public let clock: PolicyClock
    /// Who may push a release through a failing gate, with a reason.
    public let overrideRoles: Set<Role>
    public let emergency: EmergencyProvision?
    public let afterRelease: AfterReleaseSettings
    public let rules: [any PolicyRule]

    public init(version: Int = 0, timeZone: TimeZone, overrideRoles: Set<Role> = [.admin], emergency: EmergencyProvision? = nil,
                afterRelease: AfterReleaseSettings = .standard, rules: [any PolicyRule]) {
        self.version = version
        self.afterRelease = afterRelease
        self.clock = PolicyClock(timeZone: timeZone)
        self.overrideRoles = overrideRoles
        self.emergency = emergency
        self.rules = rules
    }

    /// The policy in force before anyone wrote one: no rule, overrides by admins.
    public static let empty = ReleasePolicy(timeZone: TimeZone(identifier: defaultTimeZone) ?? .gmt, rules: [])

    public func check(_ dossier: ReleaseDossier, to target: ReleaseStatus) -> PolicyCheck {
        let context = PolicyContext(clock: clock, target: target)
        let outcomes = rules.map { rule in
            let result = evaluate(rule, dossier, context)
            return RuleOutcome(rule: rule.id, kind: rule.kind, verdict: result.verdict, explanation: result.explanation)
        }
        return PolicyCheck(target: target, policyVersion: version, outcomes: outcomes)
    }

    /// The approvals this release needs: one requirement per approval rule that covers it.
    /// An emergency release still gets them; they are only allowed to come later.
    public func approvalRequirements(for dossier: ReleaseDossier) -> [ApprovalRequirement] {
        rules.compactMap { $0 as? ApprovalRule }.filter { $0.applies(to: dossier) }.map(\.requirement)
    }

    /// The approvals under this policy and, for the rules it no longer has, under `earlier`,
    /// the policy the release was planned under (`PolicyCheck.holding(to:)`).
    public func approvalRequirements(for dossier: ReleaseDossier, holdingTo earlier: ReleasePolicy?) -> [ApprovalRequirement] {
        let current = approvalRequirements(for: dossier)
        let kept = (earlier?.approvalRequirements(for: dossier) ?? []).filter { old in !current.contains { $0.rule == old.rule } }
        return current + kept
    }

    /// Whether a release moving to `target` records this policy as its floor: when it is
    /// planned (again), or at the first gate it passes when it skips planning.
    public static func recordsFloor(movingTo target: ReleaseStatus, floorRecorded: Bool) -> Bool {
        target == .planned || (target != .cancelled && !floorRecorded)
    }

    /// When the approvals an emergency release skipped become overdue.
    public func emergencyApprovalDeadline(for release: Release) -> Date? {
        guard release.type == .emergency, let emergency, let start = release.window?.start else { return nil }
        return start.addingTimeInterval(TimeInterval(emergency.approvalsWithinHours) * 3600)
    }

    private func evaluate(_ rule: any PolicyRule, _ dossier: ReleaseDossier, _ context: PolicyContext) -> RuleEvaluation {
        if dossier.release.type == .emergency, let emergency, emergency.skips.contains(rule.id) {
            return evaluateSkipped(rule, dossier, context, emergency)
        }
        guard rule.gates.contains(context.target) else {
            let gates = describeGates(rule.gates)
            return .notApplicable("checked only before: \(gates.en)", "vérifiée seulement avant\u{00A0}: \(gates.fr)")
        }
        return rule.evaluate(dossier, context: context)
    }

    /// A skipped rule is waived, except approvals: they must follow within the provision's
    /// hours of the planned start and before the release is closed.
    private func evaluateSkipped(_ rule: any PolicyRule, _ dossier: ReleaseDossier, _ context: PolicyContext,
                                 _ emergency: EmergencyProvision) -> RuleEvaluation {
        guard let approvals = rule as? ApprovalRule else {
            return RuleEvaluation(.waived, LocalizedText(
                en: "waived for an emergency release by the policy's emergency provision (rule `\(rule.id)`)",
                fr: "levée pour une mise en production d'urgence par la disposition d'urgence de la politique (règle `\(rule.id)`)"))
        }
        let result = approvals.evaluate(dossier, context: context)
        guard result.verdict == .fail else { return result }
        let deadline = emergencyApprovalDeadline(for: dossier.release)
        let due = deadline.map { clock.describe($0) }
        if context.target == .closed || deadline.map({ dossier.now > $0 }) == true {
            return RuleEvaluation(.fail, LocalizedText(
                en: "emergency approvals after the fact are overdue (due by \(due?.en ?? "the cutover")): " + result.explanation.en,
                fr: "les approbations d'urgence a posteriori sont en retard (attendues avant \(due?.fr ?? "la bascule")) : " + result.explanation.fr))
        }
        return RuleEvaluation(.waived, LocalizedText(
            en: "emergency release: approvals may follow, within \(emergency.approvalsWithinHours) h of the planned start (by \(due?.en ?? "—")) (rule `\(rule.id)`)",
            fr: "mise en production d'urgence : les approbations peuvent suivre, dans les \(emergency.approvalsWithinHours) h après le début prévu (avant \(due?.fr ?? "—")) (règle `\(rule.id)`)"))
    }
}
