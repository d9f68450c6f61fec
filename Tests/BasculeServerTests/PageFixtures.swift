@testable import BasculeCore
@testable import BasculeServer
import Foundation

/// Fixed domain values and a fixed shell, so that a page's HTML depends on its model only.
enum PageFixtures {
    static let zone = TimeZone(identifier: "Europe/Paris")!
    /// Thursday 4 March 2027, 10:00 in Paris.
    static let now = Date(timeIntervalSince1970: 1_804_150_800)

    static func renderer() async throws -> PageRenderer { try await PageRenderer.load(timeZone: zone) }

    static func words(_ renderer: PageRenderer, _ language: Language) -> Words {
        Words(localizer: renderer.localizer, language: language, formatting: renderer.formatting)
    }

    static func shell(_ words: Words, title: String, flash: String? = nil, unread: Int? = nil) -> PageShell {
        PageShell(
            user: "claire", roles: [Role.releaseManager].map(words.label).joined(separator: ", "), csrf: "CSRF", lang: words.language.rawValue,
            otherLang: words.language.other.rawValue, title: title, timeZone: zone.identifier, version: "test",
            switchLanguageHref: "/language/\(words.language.other.rawValue)?return=%2F",
            nav: ["nav_home", "nav_releases", "nav_calendar", "nav_approvals"].map {
                PageShell.Section(label: words.text($0), href: "/", current: $0 == "nav_home")
            },
            flash: flash, inbox: unread.map { PageShell.inbox($0, words) })
    }

    static func release(_ number: Int, _ title: String, status: ReleaseStatus, type: ReleaseType = .minor, startInHours: Double? = 30,
                        owner: String? = "claire", tags: [String] = []) -> Release {
        let window = startInHours.flatMap { PlannedWindow(start: now.addingTimeInterval($0 * 3600), end: now.addingTimeInterval($0 * 3600 + 4 * 3600)) }
        return Release(key: ReleaseKey(number: number), fields: ReleaseFields(title: title, version: "2.\(number).0", type: type, window: window,
                                                                              environment: "production", owner: owner, tags: tags),
                       status: status, createdAt: now.addingTimeInterval(-30 * 86_400))
    }

    static func liveRun(of release: Release) -> Run {
        let steps = [
            RunbookStep(key: "C01", title: "Freeze the ledger", plannedDuration: 1800),
            RunbookStep(key: "C02", title: "Migrate balances", plannedDuration: 3600, predecessors: ["C01"], downtime: true),
            RunbookStep(key: "C03", title: "Check totals", plannedDuration: 900, predecessors: ["C02"]),
        ]
        var run = Run(id: UUID(uuidString: "00000000-0000-4000-8000-000000000019")!, releaseKey: release.key, kind: .live, runbook: Runbook(steps: steps), at: now.addingTimeInterval(-7200))
        _ = try? run.apply(.start("C01"), by: "olivier", at: now.addingTimeInterval(-7000))
        _ = try? run.apply(.complete("C01"), by: "olivier", at: now.addingTimeInterval(-5000))
        _ = try? run.apply(.start("C02"), by: "olivier", at: now.addingTimeInterval(-4900))
        return run
    }

    static func failingCheck(to target: ReleaseStatus) -> PolicyCheck {
        PolicyCheck(target: target, policyVersion: 3, outcomes: [
            RuleOutcome(rule: "rollback-plan", kind: "artefacts", verdict: .fail,
                        explanation: LocalizedText(en: "the rollback plan is missing", fr: "le plan de retour arrière manque")),
            RuleOutcome(rule: "cab", kind: "approvals", verdict: .fail,
                        explanation: LocalizedText(en: "approval was never requested", fr: "l’approbation n’a jamais été demandée")),
            RuleOutcome(rule: "lead-time", kind: "leadTime", verdict: .pass, explanation: LocalizedText(en: "5 days ahead", fr: "5 jours d’avance")),
        ])
    }
}
