/// After the release: incidents with the items they affect, and the attribution of each to the
/// releases that may have caused it (a candidate, then confirmed or rejected by a person).
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
    ]
}
