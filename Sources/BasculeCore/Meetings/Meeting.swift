import Foundation

public enum MeetingKind: String, Sendable, CaseIterable, Codable {
    case planning, cab, goNoGo, review, followUp

    /// For what Core writes itself (the calendar feed); pages use the localisation table.
    public var name: LocalizedText {
        switch self {
        case .planning: LocalizedText(en: "Planning meeting", fr: "Réunion de planification")
        case .cab: LocalizedText(en: "Change advisory board", fr: "Comité d'approbation des changements")
        case .goNoGo: LocalizedText(en: "Go/no-go", fr: "Go/no-go")
        case .review: LocalizedText(en: "Post-implementation review", fr: "Retour d'expérience")
        case .followUp: LocalizedText(en: "Follow-up", fr: "Point de suivi")
        }
    }
}

public enum MeetingStatus: String, Sendable, CaseIterable, Codable {
    /// Planned or under way: its agenda, minutes and decisions can still change.
    case open
    /// Held and closed: its minutes are final.
    case closed
    case cancelled
}

/// What a meeting is about, as a person types it: checked here, then stored.
public struct MeetingFields: Sendable, Equatable {
    public static let longest: TimeInterval = 12 * 3600
    public var kind: MeetingKind
    public var title: String
    public var start: Date
    public var end: Date
    /// A room, or the link of a video call.
    public var place: String
    /// Usernames; each must be a person Bascule knows (the service checks).
    public var attendees: [String]
    /// Team names; their members attend.
    public var teams: [String]

    public init(kind: MeetingKind, title: String, start: Date, end: Date, place: String = "", attendees: [String] = [], teams: [String] = []) {
        self.kind = kind
        self.title = title
        self.start = start
        self.end = end
        self.place = place
        self.attendees = attendees
        self.teams = teams
    }

    /// Trimmed, attendees lower-cased and without repeats, or every problem named.
    public func validated() throws(CoreError) -> MeetingFields {
        var problems: [FieldError] = []
        var next = self
        next.title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        if next.title.isEmpty || next.title.count > 200 { problems.append(FieldError("title", "must be 1 to 200 characters")) }
        if let refused = TextRule.checkSingleLine(next.title, field: "title") { problems.append(refused) }
        if end <= start {
            problems.append(FieldError("end", "must be after the start (a meeting cannot end before it starts)"))
        } else if end.timeIntervalSince(start) > Self.longest {
            problems.append(FieldError("end", "a meeting lasts at most 12 hours"))
        }
        next.place = place.trimmingCharacters(in: .whitespacesAndNewlines)
        if next.place.count > 500 { problems.append(FieldError("place", "must be at most 500 characters")) }
        if let refused = TextRule.checkSingleLine(next.place, field: "place") { problems.append(refused) }
        next.attendees = Self.names(attendees)
        next.teams = Self.names(teams, lowercased: false)
        if next.attendees.count + next.teams.count > 200 { problems.append(FieldError("attendees", "a meeting has at most 200 attendees and teams")) }
        for name in next.attendees + next.teams where name.count > 100 || TextRule.checkSingleLine(name, field: "attendees") != nil {
            problems.append(FieldError("attendees", "\"\(name.prefix(40))\" is not a name"))
            break
        }
        guard problems.isEmpty else { throw .invalid(problems) }
        return next
    }

    static func names(_ names: [String], lowercased: Bool = true) -> [String] {
        var seen = Set<String>()
        return names.map { let trimmed = $0.trimmingCharacters(in: .whitespaces); return lowercased ? trimmed.lowercased() : trimmed }
            .filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}

/// One item of the agenda: a release to discuss or decide on, with the time it is given.
public struct AgendaItem: Sendable, Equatable {
    public let release: ReleaseKey
    public var minutes: Int
    /// Why it is on the agenda when a person added it ("added by manager"), empty when the
    /// agenda builder put it there.
    public var note: String

    public init(release: ReleaseKey, minutes: Int, note: String = "") {
        self.release = release
        self.minutes = minutes
        self.note = note
    }
}

/// A decision taken in the meeting on an agenda item: it is the approver's decision in the
/// release's approval round, and the minutes keep it with who took it.
public struct MeetingDecision: Sendable, Equatable {
    public let release: ReleaseKey
    public let approver: String
    public let decision: ApprovalDecisionKind
    public let comment: String
    public let conditions: String
    public let at: Date

    public init(release: ReleaseKey, approver: String, decision: ApprovalDecisionKind, comment: String, conditions: String, at: Date) {
        self.release = release
        self.approver = approver
        self.decision = decision
        self.comment = comment
        self.conditions = conditions
        self.at = at
    }
}

/// A planning meeting, a CAB, a go/no-go, a post-implementation review or a follow-up.
public struct Meeting: Sendable, Equatable {
    public let id: UUID
    public let key: MeetingKey
    /// The series it is an occurrence of (a weekly CAB), if any.
    public let seriesID: UUID?
    public var fields: MeetingFields
    public var agenda: [AgendaItem]
    /// Markdown, written during or after the meeting.
    public var minutes: String
    public var decisions: [MeetingDecision]
    /// Why no action came out of it; a meeting closes with actions or with this said.
    public var noActionsReason: String?
    public var status: MeetingStatus
    public let createdBy: String
    public let createdAt: Date
    public var closedAt: Date?
    public var closedBy: String?
    public var revision: Int

    public init(id: UUID = UUID(), key: MeetingKey, seriesID: UUID? = nil, fields: MeetingFields, agenda: [AgendaItem] = [], minutes: String = "",
                decisions: [MeetingDecision] = [], noActionsReason: String? = nil, status: MeetingStatus = .open, createdBy: String,
                createdAt: Date, closedAt: Date? = nil, closedBy: String? = nil, revision: Int = 1) {
        self.id = id
        self.key = key
        self.seriesID = seriesID
        self.fields = fields
        self.agenda = agenda
        self.minutes = minutes
        self.decisions = decisions
        self.noActionsReason = noActionsReason
        self.status = status
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.closedAt = closedAt
        self.closedBy = closedBy
        self.revision = revision
    }

    public var isOpen: Bool { status == .open }

    /// Whether `username` attends, in person or through one of their teams.
    public func attends(_ username: String, teamsOf memberships: [String]) -> Bool {
        fields.attendees.contains(username.lowercased()) || !Set(fields.teams).isDisjoint(with: memberships)
    }

    public func onAgenda(_ release: ReleaseKey) -> Bool { agenda.contains { $0.release == release } }

    /// The meeting closed, or why it may not be: every meeting ends with actions handed out,
    /// or with a statement that none was needed.
    public func closing(actions: Int, noActionsReason: String?, by username: String, at now: Date) throws(CoreError) -> Meeting {
        guard status == .open else { throw .notAllowed("\(key) is already \(status.rawValue)") }
        let reason = noActionsReason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if reason.count > 1_000 { throw .invalid([FieldError("noActionsReason", "must be at most 1000 characters")]) }
        guard actions > 0 || !reason.isEmpty else {
            throw .notAllowed("\(key) has no action item: hand out the actions, or say why none was needed (noActionsReason)")
        }
        var next = self
        next.status = .closed
        next.noActionsReason = reason.isEmpty ? nil : reason
        next.closedAt = now
        next.closedBy = username
        return next
    }
}
