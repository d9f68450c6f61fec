import Foundation

/// What a rule concluded about one release at one gate.
public enum Verdict: String, Sendable, Codable, CaseIterable {
    case pass, fail, notApplicable
    /// Skipped by the emergency provision of the policy.
    case waived
}

public struct RuleEvaluation: Sendable, Equatable {
    public let verdict: Verdict
    public let explanation: LocalizedText

    public init(_ verdict: Verdict, _ explanation: LocalizedText) {
        self.verdict = verdict
        self.explanation = explanation
    }

    public static func pass(_ en: String, _ fr: String) -> RuleEvaluation { RuleEvaluation(.pass, LocalizedText(en: en, fr: fr)) }
    public static func fail(_ en: String, _ fr: String) -> RuleEvaluation { RuleEvaluation(.fail, LocalizedText(en: en, fr: fr)) }
    public static func notApplicable(_ en: String, _ fr: String) -> RuleEvaluation {
        RuleEvaluation(.notApplicable, LocalizedText(en: en, fr: fr))
    }
}

/// What a rule may consult besides the release: the policy's clock.
public struct PolicyContext: Sendable {
    public let clock: PolicyClock
    public let target: ReleaseStatus

    public init(clock: PolicyClock, target: ReleaseStatus) {
        self.clock = clock
        self.target = target
    }
}

/// One rule of the release policy. Each kind (freeze, allowed days, approvals…) is a type;
/// capabilities add kinds by conforming and registering a `PolicyRuleKind`.
public protocol PolicyRule: Sendable {
    /// Unique in the policy, quoted in explanations (`no-friday`).
    var id: String { get }
    var kind: String { get }
    /// The statuses whose entry this rule gates.
    var gates: Set<ReleaseStatus> { get }
    func evaluate(_ dossier: ReleaseDossier, context: PolicyContext) -> RuleEvaluation
}

/// The statuses in lifecycle order, for messages.
func describeGates(_ gates: Set<ReleaseStatus>) -> LocalizedText {
    Naming.join(ReleaseStatus.allCases.filter(gates.contains).map(Naming.status))
}

/// Which releases a rule is about: all of them, those of one environment, or those carrying
/// one of some tags (applications are tagged: `payroll`, `shop`).
public enum PolicyScope: Sendable, Equatable {
    case everything
    case environment(String)
    case tags(Set<String>)

    public func includes(_ release: Release) -> Bool {
        switch self {
        case .everything: return true
        case .environment(let name): return release.environment?.lowercased() == name.lowercased()
        case .tags(let tags): return !tags.isDisjoint(with: release.tags)
        }
    }

    var text: LocalizedText {
        switch self {
        case .everything: return LocalizedText(en: "every release", fr: "toutes les mises en production")
        case .environment(let name): return LocalizedText(en: "releases to \(name)", fr: "les mises en production en \(name)")
        case .tags(let tags):
            let list = tags.sorted().joined(separator: ", ")
            return LocalizedText(en: "releases tagged \(list)", fr: "les mises en production étiquetées \(list)")
        }
    }
}

/// Formats an interval as `Friday 2027-03-05 14:00 – 18:00 Europe/Paris`.
func describeWindow(_ interval: DateInterval, clock: PolicyClock) -> LocalizedText {
    let start = clock.describe(interval.start)
    let sameDay = clock.calendar.isDate(interval.start, inSameDayAs: interval.end)
    let end = sameDay ? String(clock.stamp(interval.end).suffix(5)) : clock.stamp(interval.end)
    let zone = " " + clock.timeZone.identifier
    let enStart = start.en.replacingOccurrences(of: zone, with: "")
    let frStart = start.fr.replacingOccurrences(of: zone, with: "")
    return LocalizedText(en: "\(enStart) – \(end)\(zone)", fr: "\(frStart) – \(end)\(zone)")
}

/// `3 d 4 h`, `45 min`.
func describeDuration(_ seconds: TimeInterval) -> String {
    let minutes = Int((abs(seconds) / 60).rounded(.down))
    let days = minutes / 1440, hours = (minutes % 1440) / 60, rest = minutes % 60
    var parts: [String] = []
    if days > 0 { parts.append("\(days) d") }
    if hours > 0 { parts.append("\(hours) h") }
    if rest > 0 || parts.isEmpty { parts.append("\(rest) min") }
    return parts.joined(separator: " ")
}

func joinNames(_ names: [String], and: String) -> String {
    guard names.count > 1 else { return names.first ?? "" }
    return names.dropLast().joined(separator: ", ") + " \(and) " + names[names.count - 1]
}

/// What a rule about the planned window looks at, or why it does not apply.
enum WindowSubject {
    case window(DateInterval)
    case skip(RuleEvaluation)

    /// The window of `release`; a rule about one environment skips releases to another.
    init(_ release: Release, environment: String? = nil) {
        if let environment, release.environment?.lowercased() != environment.lowercased() {
            self = .skip(.notApplicable("the rule is about \(environment) releases", "la règle concerne les mises en production en \(environment)"))
        } else if let window = release.window {
            self = .window(DateInterval(start: window.start, end: window.end))
        } else {
            self = .skip(.notApplicable("the release has no planned window yet", "la mise en production n'a pas encore de fenêtre prévue"))
        }
    }
}
