import BasculeCore
import Foundation

/// Core's refusals are written in English; the pages say them in the reader's language. The
/// common forms are translated here by shape (a number kept where it stands); a message with no
/// translation is shown as written rather than lost.
extension Words {
    func error(_ error: FieldError) -> String {
        let field = fieldName(error.field)
        let message = errorMessage(error.message)
        return field.isEmpty ? message : text("error_field", ["field": field, "message": message])
    }

    /// "risks[2].probability" → "Probability (row 3)", from the `field_*` labels.
    func fieldName(_ path: String) -> String {
        guard !path.isEmpty, path != "form" else { return "" }
        let row = path.firstMatch(of: /\[(\d+)\]/).flatMap { Int($0.1) }
        let last = path.split(whereSeparator: { $0 == "." || $0 == "[" }).last.map(String.init) ?? path
        let name = localizer.has("field_\(last)") ? text("field_\(last)") : last
        return row.map { text("error_row", ["field": name, "row": number($0 + 1)]) } ?? name
    }

    func errorMessage(_ message: String) -> String {
        if message == "is required" || message == "needs a value" { return text("error_required") }
        if message == "stale" { return text("error_stale") }
        if message == "is not one of the choices" { return text("error_not_a_choice") }
        if message == "must be a date" { return text("error_not_a_date") }
        if let match = message.wholeMatch(of: /must be at most (\d+) characters(?: \(it has (\d+)\))?/) {
            return text("error_at_most_characters", ["n": number(Int(match.1) ?? 0)])
        }
        if let match = message.wholeMatch(of: /must (?:have|name|list) at most (\d+) (?:items|tags|names)/) {
            return text("error_at_most_items", ["n": number(Int(match.1) ?? 0)])
        }
        if let match = message.wholeMatch(of: /must be (?:from|between) (\d+) (?:to|and) (\d+)(?: \(it is (-?\d+)\))?/) {
            return text("error_range", ["from": number(Int(match.1) ?? 0), "to": number(Int(match.2) ?? 0)])
        }
        if message == "must not be negative" { return text("error_not_negative") }
        if message == "must be after from" || message == "must be after the start" { return text("error_after_start") }
        return message
    }
}
