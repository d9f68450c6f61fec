/// One rule for the characters of every text Bascule accepts, whatever carried it (JSON, a
/// form, YAML, CSV, JUnit XML, a query string, a header, a path): control characters are
/// refused, except tab, line feed and carriage return. That is C0 (U+0000–U+001F but those
/// three), DEL (U+007F) and C1 (U+0080–U+009F), and the noncharacters U+FFFE and U+FFFF.
///
/// Why refuse rather than strip: a NUL is read by one layer and cut by the next (SQLite's C
/// interface, PostgreSQL refuses it), so what is stored would differ from what was accepted;
/// and text that silently loses characters cannot be trusted in an audit trail either.
/// Lengths are counted in Unicode scalars (`textLength`), so that one letter carrying 100,000
/// combining accents counts as 100,001, not as one character.
public enum TextRule {
    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return true
        case 0x00...0x1F, 0x7F...0x9F, 0xFFFE, 0xFFFF: return false
        default: return true
        }
    }

    /// The first refused character of `text`, with its position (1 for the first character).
    public static func firstRefused(in text: some StringProtocol) -> (position: Int, scalar: Unicode.Scalar)? {
        var position = 0
        for scalar in text.unicodeScalars {
            position += 1
            if !isAllowed(scalar) { return (position, scalar) }
        }
        return nil
    }

    /// The first refused character of a document, with its line (1 for the first).
    public static func firstRefusedLine(in text: some StringProtocol) -> (line: Int, scalar: Unicode.Scalar)? {
        var line = 1
        for scalar in text.unicodeScalars {
            if scalar == "\n" { line += 1 }
            if !isAllowed(scalar) { return (line, scalar) }
        }
        return nil
    }

    /// `U+0000`, the way the refusal names a character.
    public static func name(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// The refusal of `text` in `field`, or nil when it follows the rule.
    public static func check(_ text: some StringProtocol, field: String, line: Int? = nil) -> FieldError? {
        guard let (position, scalar) = firstRefused(in: text) else { return nil }
        return FieldError(field, "contains the control character \(name(scalar)) at position \(position): text may hold tabs and line breaks but no other control character", line: line)
    }

    /// The refusal of a document (YAML, CSV, XML), naming the line of the first bad character.
    public static func checkDocument(_ text: some StringProtocol, field: String) -> FieldError? {
        guard let (line, scalar) = firstRefusedLine(in: text) else { return nil }
        return FieldError(field, "contains the control character \(name(scalar)): text may hold tabs and line breaks but no other control character", line: line)
    }

    /// Single-line fields (titles, names, keys) refuse line breaks and tabs too.
    public static func checkSingleLine(_ text: some StringProtocol, field: String) -> FieldError? {
        if let refused = check(text, field: field) { return refused }
        guard let position = text.unicodeScalars.firstIndex(where: { $0 == "\n" || $0 == "\r" || $0 == "\t" }) else { return nil }
        let offset = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: position) + 1
        return FieldError(field, "must be on one line (a line break or tab at position \(offset))")
    }
}

extension StringProtocol {
    /// The length that limits count: Unicode scalars, so that combining marks count each.
    public var textLength: Int { unicodeScalars.count }
}
