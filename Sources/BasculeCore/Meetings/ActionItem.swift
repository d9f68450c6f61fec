import Foundation

public enum ActionStatus: String, Sendable, CaseIterable, Codable { case open, done, cancelled }

/// Something a person agreed to do, with a date: handed out in a meeting, on a release or in a
/// post-implementation review, and followed until it is done or cancelled.
public struct ActionItem: Sendable, Equatable {
    public let id: UUID
    public let key: ActionKey
    public var title: String
    public var owner: String
    public var dueAt: Date
    public var status: ActionStatus
    public let meeting: MeetingKey?
    public let release: ReleaseKey?
    /// The release whose post-implementation review handed it out.
    public let review: ReleaseKey?
    public let createdBy: String
    public let createdAt: Date
    public var closedAt: Date?
    public var revision: Int

    public init(id: UUID = UUID(), key: ActionKey, title: String, owner: String, dueAt: Date, status: ActionStatus = .open, meeting: MeetingKey? = nil,
                release: ReleaseKey? = nil, review: ReleaseKey? = nil, createdBy: String, createdAt: Date, closedAt: Date? = nil, revision: Int = 1) {
        self.id = id
        self.key = key
        self.title = title
        self.owner = owner
        self.dueAt = dueAt
        self.status = status
        self.meeting = meeting
        self.release = release
        self.review = review
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.closedAt = closedAt
        self.revision = revision
    }

    /// Still to do after its due date.
    public func isOverdue(at now: Date) -> Bool { status == .open && dueAt < now }

    /// The title and owner as typed, checked: an action has an owner and a due date, always.
    public static func checked(title: String, owner: String?, dueAt: Date?) throws(CoreError) -> (title: String, owner: String, dueAt: Date) {
        var problems: [FieldError] = []
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty || title.count > 300 { problems.append(FieldError("title", "must be 1 to 300 characters")) }
        if let refused = TextRule.checkSingleLine(title, field: "title") { problems.append(refused) }
        let owner = owner?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        if owner.isEmpty { problems.append(FieldError("owner", "is required: every action has someone who does it")) }
        if dueAt == nil { problems.append(FieldError("dueAt", "is required (a meeting of a series gives its next meeting by default)")) }
        guard problems.isEmpty, let dueAt else { throw .invalid(problems) }
        return (title, owner, dueAt)
    }

    /// Moved to `status`, or why not: a closed action stays closed unless it is reopened.
    public func moved(to status: ActionStatus, at now: Date) -> ActionItem {
        var next = self
        next.status = status
        next.closedAt = status == .open ? nil : now
        return next
    }
}
