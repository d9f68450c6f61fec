import Foundation

/// A rehearsal finished within `within` before the gate: the cutover has been tried in
/// conditions close to production, recently enough to still mean something.
public struct RehearsalRule: PolicyRule {
    public let id: String
    public let kind = "rehearsal"
    public let within: TimeInterval
    public let gates: Set<ReleaseStatus>

    public init(id: String, within: TimeInterval, gates: Set<ReleaseStatus> = [.ready]) {
        self.id = id
        self.within = within
        self.gates = gates
    }

    public func evaluate(_ dossier: ReleaseDossier, context: PolicyContext) -> RuleEvaluation {
        let span = describeDuration(within)
        let finished = dossier.rehearsals.filter { $0.status == .finished }.compactMap(\.endedAt).max()
        guard let finished else {
            return .fail("no rehearsal has finished; one is needed within \(span) before (rule `\(id)`)",
                         "aucune répétition n'est terminée ; il en faut une dans les \(span) qui précèdent (règle `\(id)`)")
        }
        let age = dossier.now.timeIntervalSince(finished)
        let when = context.clock.describe(finished)
        guard age <= within else {
            return .fail("the last rehearsal finished \(when.en), \(describeDuration(age)) ago: more than \(span) (rule `\(id)`)",
                         "la dernière répétition s'est terminée \(when.fr), il y a \(describeDuration(age)) : plus de \(span) (règle `\(id)`)")
        }
        return .pass("a rehearsal finished \(when.en), within \(span) (rule `\(id)`)",
                     "une répétition s'est terminée \(when.fr), dans les \(span) (règle `\(id)`)")
    }
}

/// Before the service goes down, a backup: every downtime step that no other downtime step
/// precedes must have a backup step among the steps before it.
public struct BackupBeforeDowntimeRule: PolicyRule {
    public let id: String
    public let kind = "backupBeforeDowntime"
    public let gates: Set<ReleaseStatus>

    public init(id: String, gates: Set<ReleaseStatus> = [.ready, .inProgress]) {
        self.id = id
        self.gates = gates
    }

    public func evaluate(_ dossier: ReleaseDossier, context: PolicyContext) -> RuleEvaluation {
        guard let runbook = dossier.runbook, !runbook.mainSteps.isEmpty else {
            return .fail("the release has no runbook (rule `\(id)`)", "la mise en production n'a pas de runbook (règle `\(id)`)")
        }
        let steps = runbook.mainSteps
        let byKey = Dictionary(steps.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        func ancestors(of key: String) -> Set<String> {
            var seen: Set<String> = [], stack = byKey[key]?.predecessors ?? []
            while let next = stack.popLast() {
                guard seen.insert(next).inserted else { continue }
                stack += byKey[next]?.predecessors ?? []
            }
            return seen
        }
        let downtime = steps.filter(\.downtime)
        guard !downtime.isEmpty else {
            return .notApplicable("the runbook has no downtime step", "le runbook n'a pas d'étape d'interruption de service")
        }
        let first = downtime.filter { step in !ancestors(of: step.key).contains { byKey[$0]?.downtime == true } }
        let unprotected = first.filter { step in !ancestors(of: step.key).contains { byKey[$0]?.kind == .backup } }.map(\.key)
        guard unprotected.isEmpty else {
            let list = unprotected.joined(separator: ", ")
            return .fail("no backup step comes before the downtime step\(unprotected.count > 1 ? "s" : "") \(list) (rule `\(id)`)",
                         "aucune étape de sauvegarde ne précède l'interruption de service \(list) (règle `\(id)`)")
        }
        return .pass("a backup step comes before the first downtime step (rule `\(id)`)",
                     "une étape de sauvegarde précède la première interruption de service (règle `\(id)`)")
    }
}

/// The latest finished rehearsal measured, from outside, an interruption under the limit: a
/// rolling update that users would notice does not go live on the strength of a plan.
public struct RehearsedInterruptionRule: PolicyRule {
    public let id: String
    public let kind = "rehearsedInterruption"
    public let maxInterruption: TimeInterval
    public let gates: Set<ReleaseStatus>

    public init(id: String, maxInterruption: TimeInterval, gates: Set<ReleaseStatus> = [.ready]) {
        self.id = id
        self.maxInterruption = maxInterruption
        self.gates = gates
    }

    public func evaluate(_ dossier: ReleaseDossier, context: PolicyContext) -> RuleEvaluation {
        let probed = dossier.runbook?.mainSteps.contains { $0.automation?.rollingUpdate?.probe != nil } ?? false
        guard probed else {
            return .notApplicable("the runbook has no rolling update with a probe", "le runbook n'a pas de mise à jour progressive sondée")
        }
        let limit = Self.seconds(maxInterruption)
        guard let latest = dossier.rehearsals.filter({ $0.status == .finished && $0.endedAt != nil }).max(by: { $0.endedAt! < $1.endedAt! }) else {
            return .fail("no rehearsal has finished: the interruption must be measured under \(limit.en) first (rule `\(id)`)",
                         "aucune répétition n'est terminée\u{00A0}: l'interruption doit d'abord être mesurée sous \(limit.fr) (règle `\(id)`)")
        }
        guard let measured = latest.measuredInterruption else {
            return .fail("the latest rehearsal measured no interruption: its rolling updates did not run with their probe (rule `\(id)`)",
                         "la dernière répétition n'a mesuré aucune interruption\u{00A0}: ses mises à jour progressives n'ont pas tourné avec leur sonde (règle `\(id)`)")
        }
        let seen = Self.seconds(measured)
        guard measured <= maxInterruption else {
            return .fail("the latest rehearsal measured \(seen.en) of interruption: more than \(limit.en) (rule `\(id)`)",
                         "la dernière répétition a mesuré \(seen.fr) d'interruption\u{00A0}: plus de \(limit.fr) (règle `\(id)`)")
        }
        return .pass("the latest rehearsal measured \(seen.en) of interruption, within \(limit.en) (rule `\(id)`)",
                     "la dernière répétition a mesuré \(seen.fr) d'interruption, dans la limite de \(limit.fr) (règle `\(id)`)")
    }

    /// `1.25 s` and `1,25 s`.
    static func seconds(_ value: TimeInterval) -> (en: String, fr: String) {
        let text = String(format: "%.2f", value)
        return ("\(text) s", "\(text.replacingOccurrences(of: ".", with: ","))\u{00A0}s")
    }
}
