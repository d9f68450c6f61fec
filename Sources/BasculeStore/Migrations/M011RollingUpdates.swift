/// What rolling updates report as they run: one report per attempt, replaced whole each time
/// the agent sends it, and an operator's request to roll the update back, read by the agent's
/// next heartbeat. Instance tasks: an instance's command that the update's agent hands to the
/// agent on the instance's host, a lease like an attempt (taken once, lost when silent).
let m011RollingUpdates = Migration(version: 11, name: "rolling updates") { _ in
    [
        """
        CREATE TABLE rolling_reports (attempt_id TEXT PRIMARY KEY REFERENCES step_attempts (id), run_id TEXT NOT NULL REFERENCES runs (id),
            step TEXT NOT NULL, report TEXT NOT NULL, updated_at BIGINT NOT NULL, rollback_asked_by TEXT, rollback_asked_at BIGINT, rollback_reason TEXT)
        """,
        "CREATE INDEX rolling_reports_run ON rolling_reports (run_id, step)",
        """
        CREATE TABLE instance_tasks (id TEXT PRIMARY KEY, attempt_id TEXT NOT NULL REFERENCES step_attempts (id), instance TEXT NOT NULL,
            action TEXT NOT NULL, version TEXT NOT NULL, timeout_ms BIGINT NOT NULL, target TEXT NOT NULL, state TEXT NOT NULL,
            agent_id TEXT REFERENCES agents (id), created_at BIGINT NOT NULL, started_at BIGINT, heartbeat_at BIGINT, ended_at BIGINT,
            exit_code BIGINT, output TEXT NOT NULL, outcome TEXT NOT NULL)
        """,
        "CREATE INDEX instance_tasks_state ON instance_tasks (state, created_at)",
        "CREATE INDEX instance_tasks_attempt ON instance_tasks (attempt_id)",
    ]
}
