/// Runbooks, templates, runs and their action log. A runbook and a run's steps are JSON
/// documents (read and written whole, with a revision); the log is a table, one row per action,
/// never updated, so that the live view and reports read it in order.
let m006Runbooks = Migration(version: 6, name: "runbooks") { _ in
    [
        """
        CREATE TABLE runbooks (
            release_id TEXT PRIMARY KEY REFERENCES releases (id),
            steps TEXT NOT NULL,
            revision BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            updated_by TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE runbook_templates (
            name TEXT PRIMARY KEY,
            variables TEXT NOT NULL,
            steps TEXT NOT NULL,
            revision BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            release_id TEXT NOT NULL REFERENCES releases (id),
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            steps TEXT NOT NULL,
            rollback_steps TEXT NOT NULL,
            revision BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX runs_release ON runs (release_id, created_at)",
        """
        CREATE TABLE run_actions (
            run_id TEXT NOT NULL REFERENCES runs (id),
            sequence BIGINT NOT NULL,
            kind TEXT NOT NULL,
            step TEXT,
            actor TEXT NOT NULL,
            at BIGINT NOT NULL,
            text TEXT NOT NULL,
            decision TEXT,
            PRIMARY KEY (run_id, sequence)
        )
        """,
    ]
}
