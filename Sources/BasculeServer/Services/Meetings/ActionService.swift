import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// Action items: handed out in meetings, on releases and in reviews, and followed until done.
public struct ActionService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
    }

    public struct Input: Sendable {
        public var title: String
        public var owner: String?
        /// Defaults to the next meeting of the meeting's series.
        public var dueAt: Date?
        public var meeting: String?
        public var release: String?
        /// The release whose post-implementation review hands it out.
        public var review: String?

        public init(title: String, owner: String?, dueAt: Date? = nil, meeting: String? = nil, release: String? = nil, review: String? = nil) {
            self.title = title
            self.owner = owner
            self.dueAt = dueAt
            self.meeting = meeting
            self.release = release
            self.review = review
        }
    }

    public struct Changes: Sendable {
        public var title: String?
        public var owner: String?
        public var dueAt: Date?
        public var status: ActionStatus?

        public init(title: String? = nil, owner: String? = nil, dueAt: Date? = nil, status: ActionStatus? = nil) {
            self.title = title
            self.owner = owner
            self.dueAt = dueAt
            self.status = status
        }
    }

    public func create(_ input: Input) async throws -> ActionItem {
        try await gate.require(.actionManage)
        return try await refusing {
            try await store.transaction { db in
                var meetingKey: MeetingKey?, dueAt = input.dueAt
                if let text = input.meeting {
                    let meeting = try await MeetingService.load(text, in: db)
                    meetingKey = meeting.key
                    if dueAt == nil, let series = meeting.seriesID {
                        dueAt = try await MeetingRepository(db).next(ofSeries: series, after: meeting.fields.start)?.fields.start
                    }
                }
                let release = try await input.release.asyncMap { try await ReleaseService.load($0, from: ReleaseRepository(db)).key }
                let review = try await input.review.asyncMap { try await ReviewService.load($0, in: db).1 }
                if let review, review.status == .published {
                    throw ServiceError.conflict("the review of \(review.release) is published; hand the action out on the release or in a meeting")
                }
                let checked = try ActionItem.checked(title: input.title, owner: input.owner, dueAt: dueAt)
                try await Self.checkOwner(checked.owner, in: db)
                let actions = ActionRepository(db)
                let action = ActionItem(key: try await actions.nextKey(), title: checked.title, owner: checked.owner, dueAt: checked.dueAt,
                                        meeting: meetingKey, release: release, review: review?.release, createdBy: RequestOrigin.current.actor, createdAt: now())
                try await actions.insert(action)
                let on = [meetingKey?.description, release?.description, review.map { "review of \($0.release)" }].compactMap { $0 }.joined(separator: ", ")
                try await AuditLog.record(.actionCreate, target: action.key.description,
                                          summary: "\"\(action.title)\" for \(action.owner), due \(action.dueAt.formatted(.iso8601))\(on.isEmpty ? "" : " (\(on))")",
                                          at: now(), in: db)
                return action
            }
        }
    }

    /// Changes an action. Whoever manages actions may change anything; its owner may move it
    /// to done, cancelled or open again, and nothing else.
    public func update(_ key: String, changes: Changes, ifRevision: Int? = nil) async throws -> ActionItem {
        try await gate.require(.meetingRead, on: key)
        return try await refusing {
            try await store.transaction { db in
                var action = try await Self.load(key, in: db)
                let origin = RequestOrigin.current
                if !origin.may(.actionManage) {
                    // Not a manager of actions: its owner, changing its status only, or refused (and audited).
                    guard origin.actor == action.owner else { try await gate.require(.actionManage, on: key); return action }
                    guard changes.title == nil, changes.owner == nil, changes.dueAt == nil else {
                        throw ServiceError.forbidden("\(origin.actor) may only mark their own action done, cancelled or open")
                    }
                }
                if let ifRevision, ifRevision != action.revision { throw ServiceError.stale(current: action.revision) }
                let checked = try ActionItem.checked(title: changes.title ?? action.title, owner: changes.owner ?? action.owner, dueAt: changes.dueAt ?? action.dueAt)
                if checked.owner != action.owner { try await Self.checkOwner(checked.owner, in: db) }
                var next = action
                next.title = checked.title
                next.owner = checked.owner
                next.dueAt = checked.dueAt
                if let status = changes.status, status != action.status { next = next.moved(to: status, at: now()) }
                guard next != action else { return action }
                next.revision += 1
                guard try await ActionRepository(db).update(next, previousRevision: action.revision) else { throw ServiceError.stale(current: action.revision) }
                var what: [String] = []
                if next.status != action.status { what.append(next.status.rawValue) }
                if next.owner != action.owner { what.append("now \(next.owner)'s") }
                if next.dueAt != action.dueAt { what.append("due \(next.dueAt.formatted(.iso8601))") }
                if next.title != action.title { what.append("retitled") }
                try await AuditLog.record(.actionUpdate, target: action.key.description, summary: what.joined(separator: ", "), at: now(), in: db)
                action = next
                return action
            }
        }
    }

    public func get(_ key: String) async throws -> ActionItem {
        try await gate.require(.meetingRead, on: key)
        return try await refusing { try await store.withConnection { try await Self.load(key, in: $0) } }
    }

    public struct Filter: Sendable {
        public var mine = false
        public var owner: String?
        public var status: ActionStatus?
        public var overdue = false
        public var meeting: String?
        public var release: String?

        public init(mine: Bool = false, owner: String? = nil, status: ActionStatus? = nil, overdue: Bool = false, meeting: String? = nil, release: String? = nil) {
            self.mine = mine
            self.owner = owner
            self.status = status
            self.overdue = overdue
            self.meeting = meeting
            self.release = release
        }
    }

    public func list(_ filter: Filter) async throws -> [ActionItem] {
        try await gate.require(.meetingRead)
        return try await refusing {
            var query = ActionQuery(owner: filter.owner?.lowercased(), status: filter.status, overdueAt: filter.overdue ? now() : nil)
            if filter.mine { query.owner = try gate.currentUser().username }
            if let meeting = filter.meeting {
                guard let key = MeetingKey(meeting) else { throw ServiceError.invalid([FieldError("meeting", "\"\(meeting)\" is not a meeting key")]) }
                query.meeting = key
            }
            if let release = filter.release {
                guard let key = ReleaseKey(release) else { throw ServiceError.invalid([FieldError("release", "\"\(release)\" is not a release key")]) }
                query.release = key
            }
            let asked = query
            return try await store.withConnection { try await ActionRepository($0).list(asked) }
        }
    }

    static func load(_ key: String, in db: any SQLDatabase) async throws -> ActionItem {
        guard let actionKey = ActionKey(key), let action = try await ActionRepository(db).find(actionKey) else { throw ServiceError.notFound("action \(key)") }
        return action
    }

    static func checkOwner(_ owner: String, in db: any SQLDatabase) async throws {
        guard let user = try await UserRepository(db).named(owner) else { throw ServiceError.invalid([FieldError("owner", "there is no user \(owner)")]) }
        guard user.disabledAt == nil else { throw ServiceError.invalid([FieldError("owner", "\(owner) is disabled")]) }
    }
}
