import BasculeCore
import Crypto
import Foundation
import SQLKit

/// An event to append: what was done, when, and the request it came from.
public struct AuditRecord: Sendable {
    public let entry: AuditEntry
    public let at: Date
    public let requestID: String?
    public let clientAddress: String?

    public init(entry: AuditEntry, at: Date, requestID: String?, clientAddress: String?) {
        self.entry = entry
        self.at = at
        self.requestID = requestID
        self.clientAddress = clientAddress
    }
}

/// Appends to and reads the audit trail. Appending happens inside the transaction of the write
/// it records, so an event exists exactly when its write does.
public struct AuditRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    private static let columns = "sequence, at, actor, action, target, summary, request_id, client_address, previous_hash, hash"

    @discardableResult
    public func append(_ entry: AuditEntry, at: Date, requestID: String?, clientAddress: String?) async throws -> AuditEvent {
        try await append([AuditRecord(entry: entry, at: at, requestID: requestID, clientAddress: clientAddress)])[0]
    }

    /// Appends several events in order, chained one to the next: the head is read and
    /// written once, and the events go in with one statement (a batch of run actions).
    @discardableResult
    public func append(_ records: [AuditRecord]) async throws -> [AuditEvent] {
        guard !records.isEmpty else { return [] }
        // Lock the head so that concurrent writers chain one after the other (SQLite's
        // BEGIN IMMEDIATE already serialises writers; it has no FOR UPDATE).
        let lock = db.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        guard let head = try await db.raw(SQLQueryString("SELECT sequence, hash FROM audit_head WHERE id = 1" + lock)).first() else {
            throw StoreError.corruptRow("the audit head is missing")
        }
        var sequence = try head.decode(column: "sequence", as: Int.self)
        var previousHash = try head.decode(column: "hash", as: String.self)
        var events: [AuditEvent] = []
        events.reserveCapacity(records.count)
        for record in records {
            sequence += 1
            let at = Columns.date(Columns.millis(record.at))
            let hash = Self.hash(AuditEvent.canonicalContent(
                sequence: sequence, at: at, entry: record.entry, requestID: record.requestID, clientAddress: record.clientAddress,
                previousHash: previousHash))
            events.append(AuditEvent(sequence: sequence, at: at, entry: record.entry, requestID: record.requestID,
                                     clientAddress: record.clientAddress, previousHash: previousHash, hash: hash))
            previousHash = hash
        }
        let rows = events.map { event -> SQLQueryString in
            """
            (\(bind: event.sequence), \(bind: Columns.millis(event.at)), \(bind: event.entry.actor), \(bind: event.entry.action.rawValue),
             \(bind: event.entry.target), \(bind: event.entry.summary), \(bind: event.requestID), \(bind: event.clientAddress),
             \(bind: event.previousHash), \(bind: event.hash))
            """
        }
        try await db.raw("INSERT INTO audit_events (\(unsafeRaw: Self.columns)) VALUES " + rows.joined(separator: ", ")).run()
        try await db.raw("UPDATE audit_head SET sequence = \(bind: sequence), hash = \(bind: previousHash) WHERE id = 1").run()
        return events
    }

    /// Newest first, `limit` at a time; `before` is the sequence the previous page ended at.
    public func page(_ query: AuditQuery, limit: Int, before: Int?) async throws -> (items: [AuditEvent], next: Int?) {
        var conditions: [SQLQueryString] = []
        if let target = query.target { conditions.append("target = \(bind: target)") }
        if let actor = query.actor { conditions.append("actor = \(bind: actor)") }
        if let from = query.from { conditions.append("at >= \(bind: Columns.millis(from))") }
        if let to = query.to { conditions.append("at < \(bind: Columns.millis(to))") }
        if let before { conditions.append("sequence < \(bind: before)") }
        var sql: SQLQueryString = "SELECT \(unsafeRaw: Self.columns) FROM audit_events"
        if !conditions.isEmpty { sql = sql + " WHERE " + conditions.joined(separator: " AND ") }
        sql = sql + " ORDER BY sequence DESC LIMIT \(bind: limit + 1)"
        let events = try await db.raw(sql).all().map(Self.event)
        guard events.count > limit else { return (events, nil) }
        let page = Array(events.prefix(limit))
        return (page, page.last?.sequence)
    }

    /// How many times `action` was recorded since `since`, about `target` or from `address`:
    /// the sign-in throttle counts failures here rather than in a table of its own.
    /// `action` about `target` from exactly `address` (nil: recorded without one), since `since`.
    public func count(_ action: AuditAction, target: String, from address: String?, since: Date) async throws -> Int {
        var sql: SQLQueryString = "SELECT COUNT(*) AS n FROM audit_events WHERE action = \(bind: action.rawValue) AND target = \(bind: target)"
        sql = sql + (address.map { " AND client_address = \(bind: $0)" } ?? " AND client_address IS NULL")
        sql = sql + " AND at >= \(bind: Columns.millis(since))"
        return try await db.raw(sql).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    public func count(_ action: AuditAction, target: String? = nil, address: String? = nil, since: Date) async throws -> Int {
        var sql: SQLQueryString = "SELECT COUNT(*) AS n FROM audit_events WHERE action = \(bind: action.rawValue) AND at >= \(bind: Columns.millis(since))"
        if let target { sql = sql + " AND target = \(bind: target)" }
        if let address { sql = sql + " AND client_address = \(bind: address)" }
        return try await db.raw(sql).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Walks the whole chain in order, `batch` events at a time, and names every event that was
    /// changed, removed or inserted: one break does not hide the ones after it, since each
    /// event is checked against its own stored hash and its predecessor's. Stored bytes are
    /// counted too, since a driver may read text only up to a NUL that was slipped into a row.
    public func verify(batch: Int = 1_000) async throws -> AuditVerification {
        var breaks: [AuditBreak] = []
        var expected = 1
        var previousHash = AuditEvent.genesisHash
        var read = 0
        var afterGap = false
        let bytes = Self.storedBytes(db.dialect.name == "postgresql")
        while true {
            let rows = try await db.raw("""
                SELECT \(unsafeRaw: Self.columns), \(unsafeRaw: bytes) AS stored_bytes FROM audit_events WHERE sequence >= \(bind: expected)
                ORDER BY sequence LIMIT \(bind: batch)
                """).all()
            for row in rows {
                read += 1
                let event: AuditEvent
                do {
                    event = try Self.event(row)
                } catch {
                    let sequence = (try? row.decode(column: "sequence", as: Int.self)) ?? expected
                    breaks.append(AuditBreak(sequence: sequence, reason: "the event cannot be read"))
                    expected = sequence + 1
                    afterGap = true
                    continue
                }
                if event.sequence != expected {
                    let missing = event.sequence - 1 == expected ? "event \(expected) is missing" : "events \(expected) to \(event.sequence - 1) are missing"
                    breaks.append(AuditBreak(sequence: expected, reason: "\(missing) (the next one is \(event.sequence))"))
                    afterGap = true
                }
                if event.previousHash != previousHash, !afterGap {
                    breaks.append(AuditBreak(sequence: event.sequence, reason: "it does not follow event \(event.sequence - 1): the link to the previous hash is broken"))
                }
                if Self.hash(event.canonicalContent) != event.hash {
                    breaks.append(AuditBreak(sequence: event.sequence, reason: "its content no longer matches its hash: it was changed"))
                } else if try row.decode(column: "stored_bytes", as: Int.self) != Self.textBytes(of: event) {
                    breaks.append(AuditBreak(sequence: event.sequence, reason: "its stored text holds more than it reads as (a hidden character was added): it was changed"))
                }
                previousHash = event.hash
                expected = event.sequence + 1
                afterGap = false
            }
            if rows.count < batch { break }
        }
        let head = try await db.raw("SELECT sequence, hash FROM audit_head WHERE id = 1").first()
        let headSequence = try head?.decode(column: "sequence", as: Int.self) ?? -1
        let headHash = try head?.decode(column: "hash", as: String.self) ?? ""
        if headSequence != expected - 1 || headHash != previousHash {
            breaks.append(AuditBreak(sequence: expected, reason: "the trail ends at event \(expected - 1) but its head says \(headSequence): events were removed from the end"))
        }
        return breaks.isEmpty ? .intact(events: read, head: previousHash) : .broken(breaks, events: read)
    }

    /// The bytes the database holds in an event's text columns, counted by the database.
    private static func storedBytes(_ postgres: Bool) -> String {
        ["actor", "action", "target", "summary", "request_id", "client_address"].map { column in
            postgres ? "COALESCE(octet_length(\(column)), 0)" : "COALESCE(length(CAST(\(column) AS BLOB)), 0)"
        }.joined(separator: " + ")
    }

    private static func textBytes(of event: AuditEvent) -> Int {
        [event.entry.actor, event.entry.action.rawValue, event.entry.target, event.entry.summary, event.requestID ?? "", event.clientAddress ?? ""]
            .reduce(0) { $0 + $1.utf8.count }
    }

    static func hash(_ content: String) -> String {
        Digest.sha256(content)
    }

    static func event(_ row: any SQLRow) throws -> AuditEvent {
        let actionText = try row.decode(column: "action", as: String.self)
        guard let action = AuditAction(rawValue: actionText) else { throw StoreError.corruptRow("audit action \(actionText)") }
        return AuditEvent(
            sequence: try row.decode(column: "sequence", as: Int.self),
            at: Columns.date(try row.decode(column: "at", as: Int64.self)),
            entry: AuditEntry(
                actor: try row.decode(column: "actor", as: String.self), action: action,
                target: try row.decode(column: "target", as: String.self),
                summary: try row.decode(column: "summary", as: String.self)),
            requestID: try row.decode(column: "request_id", as: String?.self),
            clientAddress: try row.decode(column: "client_address", as: String?.self),
            previousHash: try row.decode(column: "previous_hash", as: String.self),
            hash: try row.decode(column: "hash", as: String.self))
    }
}

extension AuditRepository {
    /// The newest event's sequence and hash (0 and the chain's seed when the trail is empty).
    public func head() async throws -> (sequence: Int, hash: String) {
        guard let row = try await db.raw("SELECT sequence, hash FROM audit_head WHERE id = 1").first() else {
            throw StoreError.corruptRow("the audit head is missing")
        }
        return (try row.decode(column: "sequence", as: Int.self), try row.decode(column: "hash", as: String.self))
    }
}
