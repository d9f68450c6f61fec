import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// One line of a meeting's agenda as the board sees it.
public struct AgendaLine: Sendable {
    public let item: AgendaItem
    public let release: Release
    /// Put there by the agenda builder (a CAB's releases awaiting approval) rather than by a person.
    public let proposed: Bool
    /// What the board should weigh, as of now; nil once the meeting is over.
    public let assessment: CABAgenda.Candidate?
    /// The release's approval round as it stands.
    public let round: ApprovalRound?
}

extension MeetingService {
    /// The agenda: what people put on it, and for an open CAB the releases awaiting approval
    /// that cannot wait for the next meeting (`CABAgenda`), kept up to date until it closes.
    func agendaLines(of meeting: Meeting, in db: any SQLDatabase, assess: Bool) async throws -> [AgendaLine] {
        let releases = ReleaseRepository(db), approvals = ApprovalRepository(db)
        let policy = try await PolicyInForce.load(in: db)
        func candidate(_ release: Release) async throws -> CABAgenda.Candidate {
            let (score, gate) = try await PolicyService.assess(release, in: db, policy: policy, now: now(), graphs: store.dependencyGraphs)
            let conflicts = try await CalendarSnapshot.conflicts(of: release, in: db, policy: policy, graphs: store.dependencyGraphs)
            return CABAgenda.Candidate(release: release, risk: score, failing: gate.check.failures, conflicts: conflicts,
                                       proposedChanges: gate.dossier.changes.filter { $0.fields.status == .proposed })
        }
        var lines: [AgendaLine] = []
        for item in meeting.agenda {
            guard let release = try await releases.find(item.release) else { continue }
            lines.append(AgendaLine(item: item, release: release, proposed: false, assessment: assess ? try await candidate(release) : nil,
                                    round: try await approvals.latest(for: release)))
        }
        guard meeting.isOpen, meeting.fields.kind == .cab else { return lines }
        var present = Set(lines.map(\.item.release))
        // Releases decided in this meeting stay on its agenda once approved.
        for key in meeting.decisions.map(\.release) where !present.contains(key) {
            guard let release = try await releases.find(key) else { continue }
            let assessed = try await candidate(release)
            lines.append(AgendaLine(item: AgendaItem(release: key, minutes: CABAgenda.minutes(for: assessed)), release: release, proposed: true,
                                    assessment: assessed, round: try await approvals.latest(for: release)))
            present.insert(key)
        }
        var candidates: [CABAgenda.Candidate] = []
        for (number, round) in try await approvals.open() where !present.contains(ReleaseKey(number: number)) {
            guard let release = try await releases.find(ReleaseKey(number: number)), CABAgenda.awaitsTheBoard(round, on: release) else { continue }
            candidates.append(try await candidate(release))
        }
        for entry in CABAgenda.build(candidates, before: try await deadline(of: meeting, in: db)) {
            let release = entry.candidate.release
            lines.append(AgendaLine(item: AgendaItem(release: release.key, minutes: entry.minutes), release: release, proposed: true,
                                    assessment: entry.candidate, round: try await approvals.latest(for: release)))
        }
        return lines
    }

    /// The release's line of the agenda, if it has one: put there by hand or decided on, or, for
    /// an open CAB, proposed by the builder. Only this release is weighed, not the whole agenda.
    func agendaItem(for release: Release, of meeting: Meeting, in db: any SQLDatabase) async throws -> AgendaItem? {
        if let item = meeting.agenda.first(where: { $0.release == release.key }) { return item }
        guard meeting.isOpen, meeting.fields.kind == .cab, let round = try await ApprovalRepository(db).latest(for: release) else { return nil }
        let decidedHere = meeting.decisions.contains { $0.release == release.key }
        guard decidedHere || CABAgenda.awaitsTheBoard(round, on: release) else { return nil }
        let policy = try await PolicyInForce.load(in: db)
        let (score, gate) = try await PolicyService.assess(release, in: db, policy: policy, now: now(), graphs: store.dependencyGraphs)
        let conflicts = try await CalendarSnapshot.conflicts(of: release, in: db, policy: policy, graphs: store.dependencyGraphs)
        let candidate = CABAgenda.Candidate(release: release, risk: score, failing: gate.check.failures, conflicts: conflicts)
        if decidedHere { return AgendaItem(release: release.key, minutes: CABAgenda.minutes(for: candidate)) }
        return CABAgenda.build([candidate], before: try await deadline(of: meeting, in: db)).first.map { AgendaItem(release: release.key, minutes: $0.minutes) }
    }

    /// The start of the meeting after this one (its series' next occurrence, a week later for a
    /// meeting alone): a release whose window opens before it cannot wait for it.
    func deadline(of meeting: Meeting, in db: any SQLDatabase) async throws -> Date {
        if let series = meeting.seriesID, let next = try await MeetingRepository(db).next(ofSeries: series, after: meeting.fields.start) {
            return next.fields.start
        }
        return meeting.fields.start.addingTimeInterval(7 * 86_400)
    }

    /// Puts a release on the agenda by hand (any kind of meeting), with the time it is given.
    public func addToAgenda(_ key: String, release releaseKey: String, minutes: Int?, note: String) async throws -> Meeting {
        try await gate.require(.meetingManage, on: key)
        return try await refusing {
            guard (1...240).contains(minutes ?? 10) else { throw ServiceError.invalid([FieldError("minutes", "must be 1 to 240")]) }
            let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
            guard note.count <= 300 else { throw ServiceError.invalid([FieldError("note", "must be at most 300 characters")]) }
            if let refused = TextRule.checkSingleLine(note, field: "note") { throw ServiceError.invalid([refused]) }
            return try await store.transaction { db in
                var meeting = try await Self.load(key, in: db)
                try Self.checkOpen(meeting, ifRevision: nil)
                let release = try await ReleaseService.load(releaseKey, from: ReleaseRepository(db))
                guard !meeting.onAgenda(release.key) else { throw ServiceError.conflict("\(release.key) is already on the agenda of \(meeting.key)") }
                meeting.agenda.append(AgendaItem(release: release.key, minutes: minutes ?? 10, note: note))
                try await MeetingRepository(db).setAgenda(meeting.agenda, of: meeting)
                try await save(&meeting, in: db)
                try await AuditLog.record(.meetingAgenda, target: meeting.key.description, summary: "\(release.key) added to the agenda", at: now(), in: db)
                return meeting
            }
        }
    }

    public func removeFromAgenda(_ key: String, release releaseKey: String) async throws -> Meeting {
        try await gate.require(.meetingManage, on: key)
        return try await refusing {
            try await store.transaction { db in
                var meeting = try await Self.load(key, in: db)
                try Self.checkOpen(meeting, ifRevision: nil)
                guard let release = ReleaseKey(releaseKey), meeting.onAgenda(release) else {
                    throw ServiceError.notFound("\(releaseKey) on the agenda of \(meeting.key) (only items put there by hand can be removed)")
                }
                guard !meeting.decisions.contains(where: { $0.release == release }) else {
                    throw ServiceError.conflict("\(release) was decided on in \(meeting.key); it stays in its record")
                }
                meeting.agenda.removeAll { $0.release == release }
                try await MeetingRepository(db).setAgenda(meeting.agenda, of: meeting)
                try await save(&meeting, in: db)
                try await AuditLog.record(.meetingAgenda, target: meeting.key.description, summary: "\(release) removed from the agenda", at: now(), in: db)
                return meeting
            }
        }
    }

    /// An attendee's decision on an agenda item: the approval in the release's round, under the
    /// round's rules (no self-approval, the roles it needs, conditions), written in the minutes.
    public func decide(_ key: String, release releaseKey: String, decision: ApprovalDecisionKind, comment: String,
                       conditions: String) async throws -> (meeting: Meeting, round: ApprovalRound) {
        try await gate.require(.approvalDecide, on: key)
        return try await refusing {
            guard comment.textLength <= 5_000, conditions.textLength <= 5_000 else {
                throw ServiceError.invalid([FieldError(comment.textLength > 5_000 ? "comment" : "conditions", "must be at most 5000 characters")])
            }
            return try await store.transaction { db in
                var meeting = try await Self.load(key, in: db)
                try Self.checkOpen(meeting, ifRevision: nil)
                let me = RequestOrigin.current.actor
                guard meeting.attends(me, teamsOf: try await Self.teams(of: me, in: db)) else {
                    throw ServiceError.forbidden("\(me) does not attend \(meeting.key); only its attendees decide in it")
                }
                let release = try await ReleaseService.load(releaseKey, from: ReleaseRepository(db))
                guard let item = try await agendaItem(for: release, of: meeting, in: db) else {
                    throw ServiceError.invalid([FieldError("release", "\(release.key) is not on the agenda of \(meeting.key)")])
                }
                let (made, round) = try await ApprovalService.record(decision, comment: comment, conditions: conditions, on: release, at: now(), in: db)
                let recorded = MeetingDecision(release: release.key, approver: made.approver, decision: made.decision, comment: made.comment,
                                               conditions: made.conditions, at: made.at)
                try await MeetingRepository(db).addDecision(recorded, to: meeting)
                if !meeting.onAgenda(release.key) {
                    // A proposed item that was decided on is kept, whatever becomes of the release.
                    meeting.agenda.append(item)
                    try await MeetingRepository(db).setAgenda(meeting.agenda, of: meeting)
                }
                meeting.decisions.append(recorded)
                try await save(&meeting, in: db)
                try await AuditLog.record(.meetingDecide, target: meeting.key.description,
                                          summary: "\(release.key): \(decision.rawValue) by \(made.approver)", at: made.at, in: db)
                return (meeting, round)
            }
        }
    }
}
