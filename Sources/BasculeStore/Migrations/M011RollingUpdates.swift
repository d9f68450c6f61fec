/// What rolling updates report as they run: one report per attempt, replaced whole each time
/// the agent sends it, and an operator's request to roll the update back, read by the agent's
/// next heartbeat.
let m011RollingUpdates = Migration(version: 11, name: "rolling updates") { _ in
    [
        """
        CREATE TABLE rolling_reports (attempt_id TEXT PRIMARY KEY REFERENCES step_attempts (id), run_id TEXT NOT NULL REFERENCES runs (id),
            step TEXT NOT NULL, report TEXT NOT NULL, updated_at BIGINT NOT NULL, rollback_asked_by TEXT, rollback_asked_at BIGINT, rollback_reason TEXT)
        """,
        "CREATE INDEX rolling_reports_run ON rolling_reports (run_id, step)",
    ]
}
