/// Meetings: weekly series (a CAB every Tuesday), their occurrences and one-off meetings, each
/// with its agenda of releases, the decisions taken on them and its minutes; the action items
/// handed out in meetings, on releases and in reviews.
let m014Meetings = Migration(version: 14, name: "meetings and action items") { _ in
    [
        """
        CREATE TABLE meeting_series (id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, weekday TEXT NOT NULL,
            minute_of_day BIGINT NOT NULL, duration_minutes BIGINT NOT NULL, place TEXT NOT NULL, attendees TEXT NOT NULL, teams TEXT NOT NULL,
            starts_at BIGINT NOT NULL, created_by TEXT NOT NULL, created_at BIGINT NOT NULL, ended_at BIGINT)
        """,
        """
        CREATE TABLE meetings (id TEXT PRIMARY KEY, number BIGINT NOT NULL, series_id TEXT REFERENCES meeting_series (id), kind TEXT NOT NULL,
            title TEXT NOT NULL, starts_at BIGINT NOT NULL, ends_at BIGINT NOT NULL, place TEXT NOT NULL, attendees TEXT NOT NULL,
            teams TEXT NOT NULL, minutes TEXT NOT NULL, no_actions TEXT, status TEXT NOT NULL, created_by TEXT NOT NULL,
            created_at BIGINT NOT NULL, closed_at BIGINT, closed_by TEXT, revision BIGINT NOT NULL)
        """,
        "CREATE UNIQUE INDEX meetings_number ON meetings (number)",
        // One meeting per occurrence of a series, however many replicas materialise it at once.
        "CREATE UNIQUE INDEX meetings_occurrence ON meetings (series_id, starts_at)",
        "CREATE INDEX meetings_start ON meetings (starts_at)",
        """
        CREATE TABLE meeting_agenda (meeting_id TEXT NOT NULL REFERENCES meetings (id), release_id TEXT NOT NULL REFERENCES releases (id),
            position BIGINT NOT NULL, minutes BIGINT NOT NULL, note TEXT NOT NULL, PRIMARY KEY (meeting_id, release_id))
        """,
        """
        CREATE TABLE meeting_decisions (meeting_id TEXT NOT NULL REFERENCES meetings (id), release_id TEXT NOT NULL REFERENCES releases (id),
            approver TEXT NOT NULL, decision TEXT NOT NULL, comment TEXT NOT NULL, conditions TEXT NOT NULL, at BIGINT NOT NULL,
            PRIMARY KEY (meeting_id, release_id, approver))
        """,
        """
        CREATE TABLE action_items (id TEXT PRIMARY KEY, number BIGINT NOT NULL, title TEXT NOT NULL, owner TEXT NOT NULL, due_at BIGINT NOT NULL,
            status TEXT NOT NULL, meeting_id TEXT REFERENCES meetings (id), release_id TEXT REFERENCES releases (id),
            review_release_id TEXT REFERENCES releases (id), created_by TEXT NOT NULL, created_at BIGINT NOT NULL, closed_at BIGINT,
            revision BIGINT NOT NULL)
        """,
        "CREATE UNIQUE INDEX action_items_number ON action_items (number)",
        "CREATE INDEX action_items_owner ON action_items (owner, status)",
        "CREATE INDEX action_items_meeting ON action_items (meeting_id)",
        "CREATE INDEX action_items_release ON action_items (release_id)",
        "CREATE INDEX action_items_review ON action_items (review_release_id)",
        "INSERT INTO sequences (name, value) VALUES ('meeting', 0)",
        "INSERT INTO sequences (name, value) VALUES ('action', 0)",
    ]
}
