import BasculeCore

/// One choice of a `<select>` or a set of boxes: its value, its label in the reader's language,
/// and whether it is the one chosen.
struct Choice: Sendable {
    let value: String
    let label: String
    let selected: Bool
}

extension Words {
    /// Errors said beside the fields of a form (`fields`), the rest said once above it.
    func errorsByField(_ errors: [FieldError], fields: Set<String>) -> (byField: [String: String], others: String?) {
        var byField: [String: String] = [:]
        for error in errors {
            let field = error.field.split(separator: "[").first.map(String.init) ?? error.field
            guard fields.contains(field) else { continue }
            let message = errorMessage(error.message)
            byField[field] = byField[field].map { $0 + " " + message } ?? message
        }
        let others = errors.filter { !fields.contains($0.field.split(separator: "[").first.map(String.init) ?? $0.field) }
        return (byField, others.isEmpty ? nil : others.map(error).joined(separator: " "))
    }
}
