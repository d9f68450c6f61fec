import Foundation

/// How worried to be about a release, 0–100, and why. Computed from the dossier and the
/// policy check; the formula is in docs/RISK-SCORE.md and each factor says what it added.
public struct RiskScore: Sendable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable { case onTrack, attention, atRisk }

    public struct Factor: Sendable, Equatable {
        public let name: String
        public let points: Int
        public let explanation: LocalizedText
    }

    public let score: Int
    public let status: Status
    public let factors: [Factor]

    /// Points from each source, capped so that no single one decides alone.
    public enum Weights {
        public static let registerCap = 30
        public static let type: [ReleaseType: Int] = [.major: 10, .minor: 5, .patch: 0, .emergency: 20]
        public static let perPolicyFailure = 10, policyCap = 30
        public static let perOverdueMilestone = 5, milestoneCap = 15
        public static let testsCap = 25
        public static let perOverride = 10, overrideCap = 20
        public static let perOpenReadinessItem = 3, readinessCap = 15
        /// A live run behind plan: a point per `delayMinutesPerPoint` minutes late, from `delayFromMinutes`.
        public static let delayFromMinutes = 15, delayMinutesPerPoint = 3, delayCap = 25
        public static let attentionFrom = 30, atRiskFrom = 60
    }

    /// What the dossier does not hold: gates pushed through by override, and how late the
    /// live run is against its plan.
    public struct Signals: Sendable, Equatable {
        public var overrides: [GateOverride]
        /// Positive when the live run under way is behind plan; nil without one.
        public var liveDelay: TimeInterval?

        public init(overrides: [GateOverride] = [], liveDelay: TimeInterval? = nil) {
            self.overrides = overrides
            self.liveDelay = liveDelay
        }
    }

    public init(dossier: ReleaseDossier, policyFailures: [RuleOutcome], signals: Signals = Signals()) {
        var factors: [Factor] = []
        let live = dossier.plan.risks.filter { $0.status == .open || $0.status == .accepted }
        if let worst = live.max(by: { $0.score < $1.score }) {
            let points = min(Weights.registerCap, worst.score * Weights.registerCap / 25)
            factors.append(Factor(name: "riskRegister", points: points, explanation: LocalizedText(
                en: "highest open risk \"\(worst.title)\" scores \(worst.score)/25 (\(live.count) open or accepted)",
                fr: "le risque ouvert le plus élevé « \(worst.title) » vaut \(worst.score)/25 (\(live.count) ouvert(s) ou accepté(s))")))
        }
        let type = dossier.release.type
        if let points = Weights.type[type], points > 0 {
            factors.append(Factor(name: "releaseType", points: points, explanation: LocalizedText(
                en: "a \(Naming.type(type).en) release", fr: "une version \(Naming.type(type).fr)")))
        }
        if !policyFailures.isEmpty {
            let points = min(Weights.policyCap, policyFailures.count * Weights.perPolicyFailure)
            let rules = policyFailures.map(\.rule).joined(separator: ", ")
            factors.append(Factor(name: "policyFailures", points: points, explanation: LocalizedText(
                en: "\(policyFailures.count) policy rule(s) failing: \(rules)", fr: "\(policyFailures.count) règle(s) de la politique en échec : \(rules)")))
        }
        let overdue = dossier.plan.overdueMilestones(at: dossier.now)
        if !overdue.isEmpty {
            let points = min(Weights.milestoneCap, overdue.count * Weights.perOverdueMilestone)
            let names = overdue.map(\.name).joined(separator: ", ")
            factors.append(Factor(name: "overdueMilestones", points: points, explanation: LocalizedText(
                en: "\(overdue.count) milestone(s) overdue: \(names)", fr: "\(overdue.count) jalon(s) en retard : \(names)")))
        }
        let latest = dossier.campaigns.latestByKind().values.sorted { $0.kind.rawValue < $1.kind.rawValue }
        let failing = latest.filter { $0.result.failed > 0 }
        if !failing.isEmpty {
            let worstRate = failing.compactMap(\.result.passRate).min() ?? 0
            let points = max(1, min(Weights.testsCap, Int(((100 - worstRate) * Double(Weights.testsCap) / 20).rounded(.up))))
            let kinds = Naming.join(failing.map { campaign in
                let rate = ArtefactsRule.percent(campaign.result.passRate ?? 0)
                return LocalizedText(en: "\(Naming.testKind(campaign.kind).en) \(rate)", fr: "tests \(Naming.testKind(campaign.kind).fr) \(rate)")
            })
            factors.append(Factor(name: "failingTests", points: points, explanation: LocalizedText(
                en: "latest campaigns with failing tests: \(kinds.en)", fr: "dernières campagnes avec des tests en échec\u{00A0}: \(kinds.fr)")))
        }
        if !signals.overrides.isEmpty {
            let points = min(Weights.overrideCap, signals.overrides.count * Weights.perOverride)
            let rules = Array(Set(signals.overrides.flatMap(\.rules))).sorted().joined(separator: ", ")
            factors.append(Factor(name: "overrides", points: points, explanation: LocalizedText(
                en: "\(signals.overrides.count) gate(s) passed by override of the policy: \(rules)",
                fr: "\(signals.overrides.count) étape(s) franchie(s) en dérogeant à la politique : \(rules)")))
        }
        let status = dossier.release.status
        let openReadiness = dossier.plan.readiness.filter { !$0.done }
        if !openReadiness.isEmpty, [.approved, .ready, .inProgress].contains(status) {
            let points = min(Weights.readinessCap, openReadiness.count * Weights.perOpenReadinessItem)
            let titles = openReadiness.map(\.title).joined(separator: ", ")
            factors.append(Factor(name: "readinessOpen", points: points, explanation: LocalizedText(
                en: "\(openReadiness.count) readiness item(s) not done while \(Naming.status(status).en): \(titles)",
                fr: "\(openReadiness.count) point(s) de préparation non faits : \(titles)")))
        }
        if let delay = signals.liveDelay {
            let minutes = Int((delay / 60).rounded())
            if minutes >= Weights.delayFromMinutes {
                let points = min(Weights.delayCap, minutes / Weights.delayMinutesPerPoint)
                factors.append(Factor(name: "liveRunBehind", points: points, explanation: LocalizedText(
                    en: "the live run is \(minutes) min behind plan", fr: "la bascule en cours a \(minutes) min de retard sur le plan")))
            }
        }
        let score = min(100, factors.map(\.points).reduce(0, +))
        self.score = score
        self.factors = factors
        self.status = score >= Weights.atRiskFrom ? .atRisk : score >= Weights.attentionFrom ? .attention : .onTrack
    }
}
