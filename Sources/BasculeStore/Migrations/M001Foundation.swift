/// Environments, releases and the per-installation key sequence.
/// Instants are stored as milliseconds since 1970 in BIGINT so both engines sort and compare
/// them the same way; identifiers as text; lists as JSON text.
let m001Foundation = Migration(version: 1, name: "foundation") { _ in
    [
        """
        CREATE TABLE sequences (
            name TEXT PRIMARY KEY,
            value BIGINT NOT NULL
        )
        """,
        "INSERT INTO sequences (name, value) VALUES ('release', 0)",
        """
        CREATE TABLE environments (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            position BIGINT NOT NULL,
            created_at BIGINT NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX environments_name ON environments (name)",
        """
        CREATE TABLE releases (
            id TEXT PRIMARY KEY,
            number BIGINT NOT NULL,
            title TEXT NOT NULL,
            version TEXT NOT NULL,
            type TEXT NOT NULL,
            status TEXT NOT NULL,
            planned_start BIGINT,
            planned_end BIGINT,
            environment_id TEXT REFERENCES environments (id),
            owner TEXT,
            description TEXT NOT NULL,
            objectives TEXT NOT NULL,
            scope TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            revision BIGINT NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX releases_number ON releases (number)",
        "CREATE INDEX releases_status ON releases (status)",
        "CREATE INDEX releases_planned ON releases (planned_start, number)",
        "CREATE INDEX releases_environment ON releases (environment_id)",
    ]
}
