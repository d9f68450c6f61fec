import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// Weekly series (the CAB every Tuesday at 14:00): their occurrences exist as meetings eight
/// weeks ahead, written when the series starts and kept ahead by a background job.
public struct MeetingSeriesService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
    }

    public struct Input: Sendable {
        public var name: String
        public var kind: MeetingKind
        public var weekday: String
        public var time: String
        public var durationMinutes: Int
        public var place: String
        public var attendees: [String]
        public var teams: [String]
        /// No occurrence before it; now when nil.
        public var startsAt: Date?

        public init(name: String, kind: MeetingKind = .cab, weekday: String, time: String, durationMinutes: Int, place: String = "",
                    attendees: [String] = [], teams: [String] = [], startsAt: Date? = nil) {
            self.name = name
            self.kind = kind
            self.weekday = weekday
            self.time = time
            self.durationMinutes = durationMinutes
            self.place = place
            self.attendees = attendees
            self.teams = teams
            self.startsAt = startsAt
        }
    }

    public func create(_ input: Input) async throws -> (series: MeetingSeries, meetings: [Meeting]) {
        try await gate.require(.meetingManage)
        return try await refusing {
            let at = now()
            let series = try MeetingSeries.validated(name: input.name, kind: input.kind, weekday: input.weekday, time: input.time,
                                                     durationMinutes: input.durationMinutes, place: input.place, attendees: input.attendees,
                                                     teams: input.teams, startsAt: input.startsAt ?? at, createdBy: RequestOrigin.current.actor, createdAt: at)
            return try await store.transaction { db in
                try await MeetingService.checkAttendees(series.fields(at: at), in: db)
                try await MeetingSeriesRepository(db).insert(series)
                let meetings = try await Self.materialise(series, until: max(at, series.startsAt).addingTimeInterval(MeetingSeries.horizon), in: db, at: at)
                try await AuditLog.record(.meetingSeriesCreate, target: "meeting-series:\(series.id.uuidString.lowercased())",
                                          summary: "\"\(series.name)\" every \(series.weekday.name.en) at \(series.time) (\(meetings.count) meetings ahead)",
                                          at: at, in: db)
                return (series, meetings)
            }
        }
    }

    public func list() async throws -> [MeetingSeries] {
        try await gate.require(.meetingRead)
        return try await store.withConnection { try await MeetingSeriesRepository($0).all() }
    }

    /// Stops the series: no occurrence after now; those ahead that nothing was written in go.
    public func end(_ id: String) async throws -> MeetingSeries {
        try await gate.require(.meetingManage)
        return try await refusing {
            guard let uuid = UUID(uuidString: id) else { throw ServiceError.notFound("meeting series \(id)") }
            return try await store.transaction { db in
                let repository = MeetingSeriesRepository(db)
                guard var series = try await repository.find(uuid) else { throw ServiceError.notFound("meeting series \(id)") }
                guard try await repository.end(uuid, at: now()) else { throw ServiceError.conflict("the series \"\(series.name)\" has already ended") }
                series.endedAt = now()
                let removed = try await MeetingRepository(db).removeUntouched(ofSeries: uuid, after: now())
                try await AuditLog.record(.meetingSeriesEnd, target: "meeting-series:\(id.lowercased())",
                                          summary: "\"\(series.name)\" ended; \(removed) empty meeting(s) ahead removed", at: now(), in: db)
                return series
            }
        }
    }

    /// Writes the occurrences of every running series up to eight weeks ahead; how many were new.
    @discardableResult
    public func keepAhead() async throws -> Int {
        try await store.transaction { db in
            let at = now()
            var written = 0
            for series in try await MeetingSeriesRepository(db).all() where series.endedAt == nil {
                written += try await Self.materialise(series, until: at.addingTimeInterval(MeetingSeries.horizon), in: db, at: at).count
            }
            return written
        }
    }

    public func job() -> BackgroundJob {
        BackgroundJob(name: "meeting-series", every: 6 * 3600) { _ in _ = try await keepAhead() }
    }

    /// The occurrences from now to `until` not yet stored, stored. Two replicas at once write
    /// each occurrence once (a unique index; the second insert does nothing).
    static func materialise(_ series: MeetingSeries, until: Date, in db: any SQLDatabase, at: Date) async throws -> [Meeting] {
        let policy = try await PolicyInForce.load(in: db)
        let meetings = MeetingRepository(db)
        let from = max(at, series.startsAt)
        guard from < until else { return [] }
        let stored = try await meetings.occurrences(ofSeries: series.id, from: from)
        var written: [Meeting] = []
        for start in series.occurrences(in: DateInterval(start: from, end: until), clock: policy.clock) where !stored.contains(start) {
            let meeting = Meeting(key: try await meetings.nextKey(), seriesID: series.id, fields: series.fields(at: start), createdBy: series.createdBy,
                                  createdAt: at)
            if try await meetings.insertOccurrence(meeting) { written.append(meeting) }
        }
        return written
    }
}
