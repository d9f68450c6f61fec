import BasculeCore
import Foundation

/// The environments in promotion order: what each mirrors and how fresh the copy is, and for
/// those who manage them, the forms to add one, say what it mirrors and record a refresh.
struct EnvironmentsPage: Sendable {
    struct Row: Sendable {
        let name: String
        let kind: String
        let order: String
        let mirrors: String?
        let refreshed: String?
        let stale: Bool
        let mirrorHref: String?
        let refreshHref: String?
        let choices: [Choice]
    }

    let rows: [Row]
    let canManage: Bool
    let kinds: [Choice]
    let errors: [String]

    static func model(_ environments: [Environment], now: Date, errors: [FieldError], _ words: Words) -> EnvironmentsPage {
        let canManage = RequestOrigin.current.may(.environmentManage)
        return EnvironmentsPage(
            rows: environments.map { environment in
                let base = "/environments/\(SitePath.segment(environment.name))"
                return Row(
                    name: environment.name, kind: words.label(environment.kind), order: String(environment.order), mirrors: environment.mirrors,
                    refreshed: environment.refreshedAt.map(words.date),
                    stale: environment.mirrors != nil && environment.refreshedAt.map { now.timeIntervalSince($0) > PromotionPanel.staleAfter } ?? true,
                    mirrorHref: canManage ? "\(base)/mirror" : nil, refreshHref: canManage && environment.mirrors != nil ? "\(base)/refresh" : nil,
                    choices: [Choice(value: "", label: words.text("environments_mirrors_none"), selected: environment.mirrors == nil)]
                        + environments.filter { $0.name != environment.name }.map {
                            Choice(value: $0.name, label: $0.name, selected: $0.name == environment.mirrors)
                        })
            },
            canManage: canManage,
            kinds: EnvironmentKind.allCases.map { Choice(value: $0.rawValue, label: words.label($0), selected: $0 == .test) },
            errors: errors.map(words.error))
    }
}
