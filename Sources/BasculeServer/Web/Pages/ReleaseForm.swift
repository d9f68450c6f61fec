import BasculeCore
import Foundation
import Hummingbird

/// The fields of the release form as the browser posts them: all text.
struct ReleaseFormData: Decodable, Sendable {
    var title: String?
    var version: String?
    var type: String?
    var plannedStart: String?
    var plannedEnd: String?
    var environment: String?
    var owner: String?
    var description: String?
    var tags: String?
    var revision: String?

    init(_ release: Release?, formatting: WebFormatting) {
        title = release?.title
        version = release?.version
        type = release?.type.rawValue
        plannedStart = release?.window.map { formatting.inputValue($0.start) }
        plannedEnd = release?.window.map { formatting.inputValue($0.end) }
        environment = release?.environment
        owner = release?.owner
        description = release?.description
        tags = release?.tags.joined(separator: ", ")
        revision = release.map { String($0.revision) }
    }

    /// The typed input, or the field errors that stop it from being one (bad type, bad dates).
    func input(formatting: WebFormatting) -> (ReleaseInput?, [FieldError]) {
        var errors: [FieldError] = []
        let kind = ReleaseType(rawValue: type ?? "")
        if kind == nil { errors.append(FieldError("type", "must be one of: " + ReleaseType.allCases.map(\.rawValue).joined(separator: ", "))) }
        func date(_ text: String?, _ field: String) -> Date? {
            guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            guard let date = formatting.parseInput(text) else {
                errors.append(FieldError(field, "must be a date and time such as 2027-03-05T22:00"))
                return nil
            }
            return date
        }
        let start = date(plannedStart, "plannedStart")
        let end = date(plannedEnd, "plannedEnd")
        guard errors.isEmpty, let kind else { return (nil, errors) }
        return (ReleaseInput(
            title: title ?? "", version: version ?? "", type: kind, plannedStart: start, plannedEnd: end,
            environment: environment, owner: owner ?? "", description: description ?? "",
            tags: Self.words(tags)), [])
    }

    var revisionPrecondition: RevisionPrecondition? {
        revision.flatMap(Int.init).map { .oneOf([$0]) }
    }

    /// Tags typed as `payroll, shop` or `payroll shop`.
    private static func words(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
    }

    static func decode(from request: Request, context: some RequestContext) async throws -> ReleaseFormData {
        let body = try await request.body.collect(upTo: 1_048_576)
        do {
            return try URLEncodedFormDecoder().decode(ReleaseFormData.self, from: String(buffer: body))
        } catch {
            throw ServiceError.badRequest([FieldError("form", "could not be read")])
        }
    }
}

/// The form page's model: the values typed, the errors next to their fields in the reader's
/// language, the choices.
struct ReleaseFormPage: Sendable {
    typealias Option = Choice

    let key: String?
    let action: String
    let cancelHref: String
    let revision: String?
    let values: [String: String]
    let errors: [String: String]
    let hasErrors: Bool
    let generalError: String?
    let typeOptions: [Option]
    let environmentOptions: [Option]

    init(key: String?, values: ReleaseFormData, errors: [FieldError], environments: [BasculeCore.Environment], _ words: Words) {
        var byField: [String: String] = [:]
        for error in errors {
            let message = words.errorMessage(error.message)
            byField[error.field] = byField[error.field].map { $0 + "; " + message } ?? message
        }
        let known = Set(["title", "version", "type", "plannedStart", "plannedEnd", "environment", "owner", "description", "tags"])
        let general = errors.filter { !known.contains($0.field) }.map(words.error).joined(separator: "; ")
        var names = environments.map(\.name)
        if let chosen = values.environment, !chosen.isEmpty, !names.contains(chosen) { names.append(chosen) }
        self.key = key
        action = key.map { "/releases/\($0)" } ?? "/releases"
        cancelHref = key.map { "/releases/\($0)" } ?? "/releases"
        revision = values.revision
        self.values = [
            "title": values.title ?? "", "version": values.version ?? "", "plannedStart": values.plannedStart ?? "",
            "plannedEnd": values.plannedEnd ?? "", "owner": values.owner ?? "", "description": values.description ?? "",
            "tags": values.tags ?? "",
        ]
        self.errors = byField
        hasErrors = !errors.isEmpty
        generalError = general.isEmpty ? nil : general
        typeOptions = ReleaseType.allCases.map { Option(value: $0.rawValue, label: words.label($0), selected: $0.rawValue == (values.type ?? "minor")) }
        environmentOptions = names.map { Option(value: $0, label: $0, selected: $0 == values.environment) }
    }
}
