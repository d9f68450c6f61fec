/// A release's commits (read from git by the CLI or sent by a CI system), each with how a person
/// sorted it; and the dependencies between releases.
let m016Versions = Migration(version: 16, name: "commits and dependencies between releases") { _ in
    [
        """
        CREATE TABLE release_commits (release_id TEXT NOT NULL REFERENCES releases (id), hash TEXT NOT NULL, position BIGINT NOT NULL,
            author TEXT NOT NULL, email TEXT NOT NULL, authored_at BIGINT NOT NULL, message TEXT NOT NULL, parents BIGINT NOT NULL,
            changes TEXT NOT NULL, replaced_bytes BIGINT NOT NULL, sorted_as TEXT, sorted_by TEXT, imported_at BIGINT NOT NULL,
            PRIMARY KEY (release_id, hash))
        """,
        "CREATE INDEX release_commits_order ON release_commits (release_id, position)",
        """
        CREATE TABLE release_dependencies (release_id TEXT NOT NULL REFERENCES releases (id), on_release_id TEXT NOT NULL REFERENCES releases (id),
            kind TEXT NOT NULL, created_by TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (release_id, on_release_id))
        """,
        "CREATE INDEX release_dependencies_on ON release_dependencies (on_release_id)",
    ]
}
