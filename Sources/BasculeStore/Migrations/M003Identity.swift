/// Users, teams, API tokens and web sessions. Tokens and session ids are stored only as SHA-256
/// hashes; passwords as bcrypt hashes. Failed sign-ins need no table: the audit trail records
/// each one, and the throttle counts them there (hence the index).
let m003Identity = Migration(version: 3, name: "identity") { _ in
    [
        """
        CREATE TABLE users (
            id TEXT PRIMARY KEY,
            username TEXT NOT NULL,
            display_name TEXT NOT NULL,
            email TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            roles TEXT NOT NULL,
            disabled_at BIGINT,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX users_username ON users (username)",
        "CREATE TABLE teams (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL)",
        "CREATE UNIQUE INDEX teams_name ON teams (name)",
        """
        CREATE TABLE team_members (
            team_id TEXT NOT NULL REFERENCES teams (id),
            user_id TEXT NOT NULL REFERENCES users (id),
            PRIMARY KEY (team_id, user_id)
        )
        """,
        """
        CREATE TABLE api_tokens (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users (id),
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL,
            prefix TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT,
            revoked_at BIGINT,
            last_used_at BIGINT
        )
        """,
        "CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash)",
        "CREATE INDEX api_tokens_user ON api_tokens (user_id)",
        """
        CREATE TABLE sessions (
            id_hash TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users (id),
            csrf_token TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX sessions_user ON sessions (user_id)",
        "CREATE INDEX audit_events_action_at ON audit_events (action, at)",
    ]
}
