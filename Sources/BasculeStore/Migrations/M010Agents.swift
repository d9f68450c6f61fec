/// Agents and the attempts they make at automated steps. Registration tokens are used once;
/// an agent's credential is kept as its SHA-256 only. An attempt is a lease on one step of one
/// run, numbered from 1 per step (its fencing number): `UNIQUE (run_id, step, number)` is what
/// makes two agents claiming the same step at once end with one attempt. Output is kept in
/// chunks at their byte offset (base64 text, the same on both engines); the chunks between a
/// capped log's head and tail are deleted as the tail moves on.
let m010Agents = Migration(version: 10, name: "agents") { _ in
    [
        """
        CREATE TABLE agent_registrations (id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL UNIQUE, created_by TEXT NOT NULL,
            created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT, used_by TEXT)
        """,
        """
        CREATE TABLE agents (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, labels TEXT NOT NULL, version TEXT NOT NULL,
            host TEXT NOT NULL, credential_hash TEXT NOT NULL UNIQUE, registered_at BIGINT NOT NULL, last_seen_at BIGINT,
            disabled_at BIGINT, revoked_at BIGINT)
        """,
        """
        CREATE TABLE step_attempts (id TEXT PRIMARY KEY, run_id TEXT NOT NULL REFERENCES runs (id), step TEXT NOT NULL,
            number BIGINT NOT NULL, agent_id TEXT NOT NULL REFERENCES agents (id), state TEXT NOT NULL,
            started_at BIGINT NOT NULL, heartbeat_at BIGINT NOT NULL, ended_at BIGINT, exit_code BIGINT,
            outcome TEXT NOT NULL, log_size BIGINT NOT NULL, log_cut BIGINT NOT NULL, UNIQUE (run_id, step, number))
        """,
        "CREATE INDEX step_attempts_state ON step_attempts (state, heartbeat_at)",
        "CREATE INDEX step_attempts_agent ON step_attempts (agent_id, state)",
        """
        CREATE TABLE attempt_logs (attempt_id TEXT NOT NULL REFERENCES step_attempts (id), at_byte BIGINT NOT NULL,
            length BIGINT NOT NULL, stream TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (attempt_id, at_byte))
        """,
        """
        CREATE TABLE secrets (name TEXT PRIMARY KEY, sealed TEXT NOT NULL, created_by TEXT NOT NULL, created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL)
        """,
    ]
}
