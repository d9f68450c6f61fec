import Foundation

/// The policy as a page lists it: each rule with the gates it guards and what it covers, and
/// each freeze with its period, in both languages.
public enum PolicySummary {
    public struct Rule: Sendable, Equatable {
        public let id: String
        public let kind: String
        public let gates: LocalizedText
        public let scope: LocalizedText?
    }

    public struct Freeze: Sendable, Equatable {
        public let id: String
        public let reason: String
        public let period: LocalizedText
        public let scope: LocalizedText
    }

    public static func rules(of policy: ReleasePolicy) -> [Rule] {
        policy.rules.map { rule in
            let scope: LocalizedText? = (rule as? FreezeRule)?.scope.text ?? (rule as? ArtefactsRule)?.scope.text
            return Rule(id: rule.id, kind: rule.kind, gates: describeGates(rule.gates), scope: scope)
        }
    }

    public static func freezes(of policy: ReleasePolicy) -> [Freeze] {
        policy.rules.compactMap { $0 as? FreezeRule }.map { freeze in
            let period: LocalizedText
            switch freeze.period {
            case .oneOff(let interval): period = describeWindow(interval, clock: policy.clock)
            case .recurring(let schedule): period = schedule.summary
            }
            return Freeze(id: freeze.id, reason: freeze.reason, period: period, scope: freeze.scope.text)
        }
    }
}
