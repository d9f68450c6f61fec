/// The inventory and the calendar: configuration items and their "depends on" relations,
/// the items each change modifies, maintenance windows, and calendar feed tokens.
/// Keys of items are stored lower case (see `CIKey`). The `inventory` sequence counts
/// inventory writes so that servers know when their in-memory dependency graph is stale.
let m005Inventory = Migration(version: 5, name: "inventory") { _ in
    [
        """
        CREATE TABLE configuration_items (
            key TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            owner_team TEXT,
            criticality BIGINT NOT NULL,
            environments TEXT NOT NULL,
            tags TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            revision BIGINT NOT NULL
        )
        """,
        "CREATE INDEX configuration_items_team ON configuration_items (owner_team)",
        """
        CREATE TABLE ci_relations (
            dependent TEXT NOT NULL REFERENCES configuration_items (key),
            dependency TEXT NOT NULL REFERENCES configuration_items (key),
            PRIMARY KEY (dependent, dependency)
        )
        """,
        "CREATE INDEX ci_relations_dependency ON ci_relations (dependency)",
        """
        CREATE TABLE change_items (
            change_id TEXT NOT NULL REFERENCES changes (id),
            item TEXT NOT NULL REFERENCES configuration_items (key),
            PRIMARY KEY (change_id, item)
        )
        """,
        "CREATE INDEX change_items_item ON change_items (item)",
        """
        CREATE TABLE maintenance_windows (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            environments TEXT NOT NULL,
            items TEXT NOT NULL,
            starts_at BIGINT,
            ends_at BIGINT,
            recurrence TEXT,
            revision BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE calendar_feeds (
            user_id TEXT PRIMARY KEY REFERENCES users (id),
            token_hash TEXT NOT NULL UNIQUE,
            created_at BIGINT NOT NULL
        )
        """,
        "INSERT INTO sequences (name, value) VALUES ('inventory', 0)",
        "CREATE INDEX releases_window_end ON releases (planned_end)",
    ]
}
