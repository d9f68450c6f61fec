/// A link to something kept elsewhere: a ticket (`JIRA-123`), a commit, a CI run's URL.
public enum Reference {
    public static let maximumLength = 2_000

    /// The trimmed reference, nil when blank; a reference with spaces or too long adds an error.
    public static func validated(_ text: String?, field: String, errors: inout [FieldError]) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        if trimmed.textLength > maximumLength || trimmed.contains(where: \.isWhitespace) {
            errors.append(FieldError(field, "must be a URL or an identifier without spaces, at most \(maximumLength) characters"))
        }
        return trimmed
    }

    /// Only web links become anchors on the pages; anything else (`javascript:`, a ticket id) stays text.
    public static func isWebLink(_ text: String) -> Bool { text.hasPrefix("https://") || text.hasPrefix("http://") }
}
