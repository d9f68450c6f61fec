/// The plan of a release and what gates it: plans, documents with their history, changes,
/// test campaigns, policy versions, approval rounds and gate overrides.
/// The release columns `objectives` and `scope` of M001 are no longer written: a release
/// without a plan row reads them once as its plan's objectives and scope in (see
/// `PlanRepository.find`), so nothing stored before this migration is lost.
let m004Planning = Migration(version: 4, name: "planning") { _ in
    [
        "ALTER TABLE releases ADD COLUMN tags TEXT NOT NULL DEFAULT '[]'",
        """
        CREATE TABLE release_plans (
            release_id TEXT PRIMARY KEY REFERENCES releases (id),
            plan TEXT NOT NULL,
            revision BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE release_documents (
            release_id TEXT NOT NULL REFERENCES releases (id),
            kind TEXT NOT NULL,
            version BIGINT NOT NULL,
            content TEXT NOT NULL,
            author TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (release_id, kind, version)
        )
        """,
        "INSERT INTO sequences (name, value) VALUES ('change', 0)",
        """
        CREATE TABLE changes (
            id TEXT PRIMARY KEY,
            number BIGINT NOT NULL,
            release_id TEXT NOT NULL REFERENCES releases (id),
            title TEXT NOT NULL,
            description TEXT NOT NULL,
            category TEXT NOT NULL,
            kind TEXT NOT NULL,
            link TEXT,
            risk TEXT NOT NULL,
            rollback TEXT NOT NULL,
            status TEXT NOT NULL,
            requested_by TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            revision BIGINT NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX changes_number ON changes (number)",
        "CREATE INDEX changes_release ON changes (release_id)",
        """
        CREATE TABLE test_campaigns (
            id TEXT PRIMARY KEY,
            release_id TEXT NOT NULL REFERENCES releases (id),
            kind TEXT NOT NULL,
            environment TEXT,
            passed BIGINT NOT NULL,
            failed BIGINT NOT NULL,
            skipped BIGINT NOT NULL,
            failing_tests TEXT NOT NULL,
            evidence TEXT,
            source TEXT NOT NULL,
            recorded_by TEXT NOT NULL,
            recorded_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX test_campaigns_release ON test_campaigns (release_id, recorded_at)",
        """
        CREATE TABLE policies (
            version BIGINT PRIMARY KEY,
            document TEXT NOT NULL,
            author TEXT NOT NULL,
            created_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE approval_rounds (
            id TEXT PRIMARY KEY,
            release_id TEXT NOT NULL REFERENCES releases (id),
            requested_by TEXT NOT NULL,
            requested_at BIGINT NOT NULL,
            requirements TEXT NOT NULL,
            status TEXT NOT NULL,
            void_reason TEXT,
            voided_at BIGINT
        )
        """,
        "CREATE INDEX approval_rounds_release ON approval_rounds (release_id, requested_at)",
        """
        CREATE TABLE approval_decisions (
            round_id TEXT NOT NULL REFERENCES approval_rounds (id),
            approver TEXT NOT NULL,
            roles TEXT NOT NULL,
            decision TEXT NOT NULL,
            comment TEXT NOT NULL,
            conditions TEXT NOT NULL,
            at BIGINT NOT NULL,
            PRIMARY KEY (round_id, approver)
        )
        """,
        """
        CREATE TABLE gate_overrides (
            id TEXT PRIMARY KEY,
            release_id TEXT NOT NULL REFERENCES releases (id),
            target TEXT NOT NULL,
            rules TEXT NOT NULL,
            reason TEXT NOT NULL,
            actor TEXT NOT NULL,
            at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX gate_overrides_release ON gate_overrides (release_id, at)",
    ]
}
