import BasculeCore
import Foundation

/// The form of one change of a release (new or edited), as typed, with its errors in place.
enum ChangeFormPage {
    typealias Option = Choice

    struct Model: Sendable {
        let releaseKey: String
        let releaseTitle: String
        let releaseHref: String
        let heading: String
        let action: String
        let changeKey: String?
        let revision: String
        let title: String
        let description: String
        let link: String
        let rollback: String
        let items: String
        let categories: [Option]
        let kinds: [Option]
        let risks: [Option]
        let statuses: [Option]
        let errors: [String: String]
        let formError: String?
        let deleteAction: String?
    }

    /// The form's values from a stored change, or from what was posted.
    static func values(of change: Change?) -> [String: String] {
        guard let change else { return [:] }
        let f = change.fields
        return ["title": f.title, "description": f.description, "link": f.link ?? "", "rollback": f.rollback, "items": f.items.joined(separator: ", "),
                "category": f.category.rawValue, "kind": f.kind.rawValue, "risk": f.risk.rawValue, "status": f.status.rawValue,
                "revision": String(change.revision)]
    }

    /// The fields the form describes; a choice outside its list is reported rather than replaced.
    static func fields(from values: [String: String]) -> (ChangeFields?, [FieldError]) {
        var errors: [FieldError] = []
        func choice<T: RawRepresentable>(_ name: String, default value: T) -> T where T.RawValue == String {
            guard let raw = values[name], !raw.isEmpty else { return value }
            guard let parsed = T(rawValue: raw) else { errors.append(FieldError(name, "is not one of the choices")); return value }
            return parsed
        }
        let link = values["link"]?.trimmingCharacters(in: .whitespaces) ?? ""
        if (values["title"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty { errors.append(FieldError("title", "is required")) }
        let fields = ChangeFields(
            title: values["title"]?.trimmingCharacters(in: .whitespaces) ?? "", description: values["description"] ?? "",
            category: choice("category", default: ChangeCategory.normal), kind: choice("kind", default: ChangeKind.software),
            link: link.isEmpty ? nil : link, risk: choice("risk", default: RiskLevel.low), rollback: values["rollback"] ?? "",
            status: choice("status", default: ChangeStatus.proposed),
            items: (values["items"] ?? "").split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init))
        return (errors.isEmpty ? fields : nil, errors)
    }

    static func model(release: Release, changeKey: String?, values: [String: String], errors: [FieldError], canDelete: Bool, _ words: Words) -> Model {
        let key = release.key.description
        func options<T: PageLabel>(_ type: T.Type, _ name: String, default value: T) -> [Option] {
            let selected = values[name].flatMap { $0.isEmpty ? nil : $0 } ?? value.rawValue
            return T.allCases.map { Option(value: $0.rawValue, label: words.label($0), selected: $0.rawValue == selected) }
        }
        let inPlace = Set(["title", "description", "link", "rollback", "items", "category", "kind", "risk", "status"])
        let (byField, others) = words.errorsByField(errors, fields: inPlace)
        return Model(
            releaseKey: key, releaseTitle: release.title, releaseHref: "/releases/\(key)?tab=changes",
            heading: changeKey.map { words.text("change_edit_title", ["key": $0]) } ?? words.text("change_new_title"),
            action: changeKey.map { "/releases/\(key)/changes/\($0)" } ?? "/releases/\(key)/changes",
            changeKey: changeKey, revision: values["revision"] ?? "",
            title: values["title"] ?? "", description: values["description"] ?? "", link: values["link"] ?? "",
            rollback: values["rollback"] ?? "", items: values["items"] ?? "",
            categories: options(ChangeCategory.self, "category", default: .normal), kinds: options(ChangeKind.self, "kind", default: .software),
            risks: options(RiskLevel.self, "risk", default: .low), statuses: options(ChangeStatus.self, "status", default: .proposed),
            errors: byField,
            formError: others,
            deleteAction: canDelete ? changeKey.map { "/releases/\(key)/changes/\($0)/delete" } : nil)
    }
}
