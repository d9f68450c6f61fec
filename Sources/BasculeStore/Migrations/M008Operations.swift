/// What running several replicas needs: one table of domain events written in the same
/// transaction as the change they tell of (replicas read it; PostgreSQL's NOTIFY only rings a
/// doorbell with the new id), and one table of background work that replicas lease rather than
/// own (a holder, a deadline, and a fencing number that grows with every lease).
let m008Operations = Migration(version: 8, name: "operations") { engine in
    let eventID = engine == .postgresql ? "id BIGSERIAL PRIMARY KEY" : "id INTEGER PRIMARY KEY AUTOINCREMENT"
    return [
        """
        CREATE TABLE events (\(eventID), at BIGINT NOT NULL, topic TEXT NOT NULL, subject TEXT NOT NULL,
            kind TEXT NOT NULL, payload TEXT NOT NULL)
        """,
        "CREATE INDEX events_subject ON events (topic, subject, id)",
        "CREATE INDEX events_at ON events (at)",
        """
        CREATE TABLE work (name TEXT PRIMARY KEY, due_at BIGINT NOT NULL, every_ms BIGINT NOT NULL,
            holder TEXT, lease_until BIGINT, fence BIGINT NOT NULL DEFAULT 0, runs BIGINT NOT NULL DEFAULT 0,
            last_started_at BIGINT, last_ended_at BIGINT, last_error TEXT)
        """,
    ]
}
