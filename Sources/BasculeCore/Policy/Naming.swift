/// How the rules' explanations name the values of the domain, in English and in French, so
/// that a French sentence never carries a raw value such as `inProgress` or `minor`.
enum Naming {
    static func status(_ status: ReleaseStatus) -> LocalizedText {
        switch status {
        case .draft: LocalizedText(en: "draft", fr: "brouillon")
        case .planned: LocalizedText(en: "planned", fr: "planifiée")
        case .approved: LocalizedText(en: "approved", fr: "approuvée")
        case .ready: LocalizedText(en: "ready", fr: "prête")
        case .inProgress: LocalizedText(en: "in progress", fr: "en cours")
        case .deployed: LocalizedText(en: "deployed", fr: "déployée")
        case .closed: LocalizedText(en: "closed", fr: "clôturée")
        case .rolledBack: LocalizedText(en: "rolled back", fr: "restaurée")
        case .failed: LocalizedText(en: "failed", fr: "en échec")
        case .cancelled: LocalizedText(en: "cancelled", fr: "annulée")
        }
    }

    /// "a minor release" reads "une version mineure".
    static func type(_ type: ReleaseType) -> LocalizedText {
        switch type {
        case .major: LocalizedText(en: "major", fr: "majeure")
        case .minor: LocalizedText(en: "minor", fr: "mineure")
        case .patch: LocalizedText(en: "patch", fr: "corrective")
        case .emergency: LocalizedText(en: "emergency", fr: "d'urgence")
        }
    }

    static func testKind(_ kind: TestKind) -> LocalizedText {
        switch kind {
        case .functional: LocalizedText(en: "functional", fr: "fonctionnels")
        case .regression: LocalizedText(en: "regression", fr: "de non-régression")
        case .performance: LocalizedText(en: "performance", fr: "de performance")
        case .security: LocalizedText(en: "security", fr: "de sécurité")
        case .acceptance: LocalizedText(en: "acceptance", fr: "de recette utilisateur")
        case .installationProcedure: LocalizedText(en: "installation procedure", fr: "de procédure d'installation")
        }
    }

    static func role(_ role: Role) -> LocalizedText {
        switch role {
        case .admin: LocalizedText(en: "administrator", fr: "administrateur")
        case .releaseManager: LocalizedText(en: "release manager", fr: "responsable des mises en production")
        case .approver: LocalizedText(en: "approver", fr: "approbateur")
        case .operator: LocalizedText(en: "operator", fr: "opérateur")
        case .contributor: LocalizedText(en: "contributor", fr: "contributeur")
        case .viewer: LocalizedText(en: "viewer", fr: "lecteur")
        }
    }

    static func join(_ texts: [LocalizedText], en: String = ", ", fr: String = ", ") -> LocalizedText {
        LocalizedText(en: texts.map(\.en).joined(separator: en), fr: texts.map(\.fr).joined(separator: fr))
    }
}
