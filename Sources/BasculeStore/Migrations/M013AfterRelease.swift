/// After the release: incidents with the items they affect, and the attribution of each to the
/// releases that may have caused it (a candidate, then confirmed or rejected by a person); the
/// end of each live cutover, one row each, which the indicators read instead of the run logs;
/// and the tools allowed to send incidents, each with the hash of its own token.
let m013AfterRelease = Migration(version: 13, name: "after the release") { _ in
    [
        """
        CREATE TABLE incidents (id TEXT PRIMARY KEY, reference TEXT NOT NULL, title TEXT NOT NULL, severity BIGINT NOT NULL,
            opened_at BIGINT NOT NULL, resolved_at BIGINT, link TEXT, source TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
        """,
        "CREATE UNIQUE INDEX incidents_reference ON incidents (reference)",
        "CREATE INDEX incidents_opened ON incidents (opened_at)",
        "CREATE TABLE incident_items (incident_id TEXT NOT NULL REFERENCES incidents (id), item TEXT NOT NULL, PRIMARY KEY (incident_id, item))",
        "CREATE INDEX incident_items_item ON incident_items (item)",
        """
        CREATE TABLE attributions (incident_id TEXT NOT NULL REFERENCES incidents (id), release_id TEXT NOT NULL REFERENCES releases (id),
            state TEXT NOT NULL, path TEXT NOT NULL, since_ms BIGINT NOT NULL, confidence DOUBLE PRECISION NOT NULL,
            decided_by TEXT, decided_at BIGINT, PRIMARY KEY (incident_id, release_id))
        """,
        "CREATE INDEX attributions_release ON attributions (release_id, state)",
        """
        CREATE TABLE deployments (run_id TEXT PRIMARY KEY REFERENCES runs (id), release_id TEXT NOT NULL REFERENCES releases (id),
            release_number BIGINT NOT NULL, environment TEXT, production BIGINT NOT NULL, type TEXT NOT NULL, tags TEXT NOT NULL,
            result TEXT NOT NULL, planned_start BIGINT, planned_end BIGINT, started_at BIGINT NOT NULL, ended_at BIGINT NOT NULL,
            planned_downtime_ms BIGINT, actual_downtime_ms BIGINT)
        """,
        "CREATE INDEX deployments_ended ON deployments (ended_at)",
        "CREATE INDEX deployments_release ON deployments (release_id)",
        """
        CREATE TABLE incident_sources (name TEXT PRIMARY KEY, token_hash TEXT NOT NULL, created_by TEXT NOT NULL, created_at BIGINT NOT NULL,
            last_used_at BIGINT)
        """,
        "CREATE UNIQUE INDEX incident_sources_token ON incident_sources (token_hash)",
    ]
}
