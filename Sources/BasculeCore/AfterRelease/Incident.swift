import Foundation

/// Something that went wrong in service after releases: recorded by hand, imported, or sent
/// by an ITSM or monitoring tool. Severity 1 is the worst.
public struct Incident: Sendable, Equatable {
    public let reference: String
    public var title: String
    public var severity: Int
    public var openedAt: Date
    public var resolvedAt: Date?
    /// The configuration items it affects, by key.
    public var items: [String]
    public var link: String?

    public init(reference: String, title: String, severity: Int, openedAt: Date, resolvedAt: Date? = nil, items: [String], link: String? = nil) throws {
        var problems: [FieldError] = []
        let reference = reference.trimmingCharacters(in: .whitespaces)
        if reference.isEmpty || reference.count > 64 { problems.append(FieldError("reference", "must be 1 to 64 characters")) }
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty || title.count > 300 { problems.append(FieldError("title", "must be 1 to 300 characters")) }
        if !(1...4).contains(severity) { problems.append(FieldError("severity", "must be 1 (the worst) to 4")) }
        if let resolvedAt, resolvedAt < openedAt { problems.append(FieldError("resolvedAt", "must not be before openedAt")) }
        let keys = items.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if let bad = keys.first(where: { CIKey($0) == nil }) { problems.append(FieldError("items", "\"\(bad)\" is not a configuration item key")) }
        guard problems.isEmpty else { throw CoreError.invalid(problems) }
        self.reference = reference
        self.title = title
        self.severity = severity
        self.openedAt = openedAt
        self.resolvedAt = resolvedAt
        self.items = Array(Set(keys)).sorted()
        self.link = link
    }

    /// How long the service took to be restored, when it was.
    public var timeToRestore: TimeInterval? { resolvedAt.map { $0.timeIntervalSince(openedAt) } }
}
