import BasculeCore
import Foundation

/// The release policy: the rules in force with the gates they guard, the freezes and the
/// maintenance windows, the versions, and the YAML editor whose errors come back at their line.
enum PolicyPage {
    struct RuleLine: Sendable { let id: String; let kind: String; let gates: String; let scope: String? }
    struct FreezeLine: Sendable { let id: String; let reason: String; let period: String; let scope: String }
    struct WindowLine: Sendable { let name: String; let when: String; let covers: String }
    struct VersionLine: Sendable { let label: String; let href: String; let shown: Bool }

    struct Model: Sendable {
        let version: String
        let zone: String
        let rules: [RuleLine]
        let freezes: [FreezeLine]
        let windows: [WindowLine]
        let versions: [VersionLine]
        let yaml: String
        let expected: Int
        let errors: [String]
        let canEdit: Bool
        let olderVersion: String?
    }

    struct Facts: Sendable {
        let shown: PolicyVersion
        let policy: ReleasePolicy
        let latest: Int
        let versions: [PolicyVersion]
        let windows: [MaintenanceWindow]
        var typed: String? = nil
        var errors: [FieldError] = []
        let canEdit: Bool
    }

    static func model(_ facts: Facts, _ words: Words) -> Model {
        let language = words.language.rawValue
        return Model(
            version: words.text("policy_version_line", ["n": words.number(facts.shown.version), "who": facts.shown.author, "when": words.date(facts.shown.at)]),
            zone: facts.policy.clock.timeZone.identifier,
            rules: PolicySummary.rules(of: facts.policy).map {
                RuleLine(id: $0.id, kind: words.localizer.has("rulekind_\($0.kind)") ? words.text("rulekind_\($0.kind)") : $0.kind,
                         gates: $0.gates.text(for: language), scope: $0.scope?.text(for: language))
            },
            freezes: PolicySummary.freezes(of: facts.policy).map {
                FreezeLine(id: $0.id, reason: $0.reason, period: $0.period.text(for: language), scope: $0.scope.text(for: language))
            },
            windows: facts.windows.map { window in
                WindowLine(name: window.name, when: window.summary.text(for: language),
                           covers: (window.environments + window.items.map(\.text)).joined(separator: ", "))
            },
            versions: facts.versions.map {
                VersionLine(label: words.text("policy_version_line", ["n": words.number($0.version), "who": $0.author, "when": words.date($0.at)]),
                            href: "/policy?version=\($0.version)", shown: $0.version == facts.shown.version)
            },
            yaml: facts.typed ?? facts.shown.document, expected: facts.latest,
            errors: facts.errors.map { error in error.line.map { words.text("inventory_line", ["n": words.number($0)]) + " · " + words.error(error) } ?? words.error(error) },
            canEdit: facts.canEdit,
            olderVersion: facts.shown.version == facts.latest ? nil : words.text("document_older", ["n": words.number(facts.shown.version), "latest": words.number(facts.latest)]))
    }
}
