/// What the security review asked of the schema: invariants backed by constraints instead of
/// read-then-insert (one open approval round and one live run under way per release), an index
/// for purging expired sessions and for the sign-in throttle, the server's own secrets (the
/// key that signs the sign-in form's anti-forgery token), revisions on users and teams for
/// `If-Match`, and the policy version each release was planned under. Runs keep where each
/// step stands apart from what the steps are (`RunStorage.swift`); rows written before keep
/// it inside their steps (`progress` NULL) and are read as they are.
let m007Hardening = Migration(version: 7, name: "hardening") { _ in
    [
        "CREATE UNIQUE INDEX approval_rounds_one_open ON approval_rounds (release_id) WHERE status = 'open'",
        "CREATE UNIQUE INDEX runs_one_live ON runs (release_id) WHERE kind = 'live' AND status = 'running'",
        "CREATE INDEX sessions_expiry ON sessions (expires_at)",
        "CREATE INDEX audit_events_throttle ON audit_events (action, target, client_address, at)",
        "CREATE TABLE server_secrets (name TEXT PRIMARY KEY, secret TEXT NOT NULL, created_at BIGINT NOT NULL)",
        "ALTER TABLE users ADD COLUMN revision BIGINT NOT NULL DEFAULT 1",
        "ALTER TABLE teams ADD COLUMN revision BIGINT NOT NULL DEFAULT 1",
        "ALTER TABLE releases ADD COLUMN policy_version BIGINT",
        "ALTER TABLE runs ADD COLUMN progress TEXT",
        "ALTER TABLE runs ADD COLUMN steps_revision BIGINT NOT NULL DEFAULT 1",
    ]
}
