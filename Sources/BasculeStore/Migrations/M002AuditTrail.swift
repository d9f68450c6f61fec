/// The audit trail: chained events, and the head of the chain. The head is the last event's
/// sequence and hash kept apart, so that removing the newest events is found too, and its row
/// is what concurrent writers lock to take their turn.
let m002AuditTrail = Migration(version: 2, name: "audit trail") { _ in
    [
        """
        CREATE TABLE audit_events (
            sequence BIGINT PRIMARY KEY,
            at BIGINT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            summary TEXT NOT NULL,
            request_id TEXT,
            client_address TEXT,
            previous_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """,
        "CREATE INDEX audit_events_target ON audit_events (target, sequence)",
        "CREATE INDEX audit_events_actor ON audit_events (actor, sequence)",
        "CREATE INDEX audit_events_at ON audit_events (at)",
        "CREATE TABLE audit_head (id BIGINT PRIMARY KEY, sequence BIGINT NOT NULL, hash TEXT NOT NULL)",
        "INSERT INTO audit_head (id, sequence, hash) VALUES (1, 0, '\(String(repeating: "0", count: 64))')",
    ]
}
