/// Promotion through environments: which environment each one mirrors and when it was last
/// refreshed from it, and every deployment of a release to an environment of its path.
let m017Promotion = Migration(version: 17, name: "promotion through environments") { _ in
    [
        "ALTER TABLE environments ADD COLUMN mirrors TEXT",
        "ALTER TABLE environments ADD COLUMN refreshed_at BIGINT",
        """
        CREATE TABLE environment_deployments (id TEXT PRIMARY KEY, release_id TEXT NOT NULL REFERENCES releases (id), environment TEXT NOT NULL,
            outcome TEXT NOT NULL, deployed_at BIGINT NOT NULL, run_id TEXT, recorded_by TEXT NOT NULL, note TEXT NOT NULL,
            recorded_at BIGINT NOT NULL)
        """,
        "CREATE INDEX environment_deployments_release ON environment_deployments (release_id, deployed_at)",
    ]
}
