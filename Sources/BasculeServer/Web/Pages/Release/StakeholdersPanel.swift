import BasculeCore
import Foundation

/// Who a release concerns, on its overview: its stakeholders (each removable by those who may
/// edit the release), the form to add one, and whether the reader follows the release.
struct StakeholdersPanel: Sendable {
    struct Line: Sendable {
        let kind: String
        let kindValue: String
        let name: String
        let language: String?
        let removeHref: String
    }

    let stakeholders: [Line]
    let canEdit: Bool
    let kinds: [Choice]
    let languages: [Choice]
    /// The reader's subscription to this release, when they have one.
    let followID: String?
    let canFollow: Bool
    let href: String

    static func model(_ release: Release, stakeholders: [Stakeholder], following: Subscription?, _ words: Words) -> StakeholdersPanel {
        let origin = RequestOrigin.current
        let base = "/releases/\(release.key)/stakeholders"
        return StakeholdersPanel(
            stakeholders: stakeholders.map { stakeholder in
                var language: String?
                if case .address(_, let chosen) = stakeholder.party { language = words.text("language_\(chosen)") }
                let name = stakeholder.party.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? stakeholder.party.name
                return Line(kind: words.text("stakeholder_\(stakeholder.party.kind)"), kindValue: stakeholder.party.kind, name: stakeholder.party.name,
                            language: language, removeHref: "\(base)/\(stakeholder.party.kind)/\(name)/remove")
            },
            canEdit: origin.may(.releaseEdit),
            kinds: ["user", "team", "address"].map { Choice(value: $0, label: words.text("stakeholder_\($0)"), selected: $0 == "address") },
            languages: ["en", "fr"].map { Choice(value: $0, label: words.text("language_\($0)"), selected: $0 == words.language.rawValue) },
            followID: following?.id.uuidString.lowercased(), canFollow: origin.may(.notificationsOwn), href: "/releases/\(release.key)")
    }
}
