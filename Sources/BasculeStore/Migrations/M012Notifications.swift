/// Keeping people informed. Notices are events of the `events` table (topic `notice`), written
/// with the change; a single cursor row says how far they were handed out, and handing out
/// writes the inbox lines and the deliveries in the transaction that moves it, so that an
/// event is handed out exactly once whatever stops. Deliveries are leased like background
/// work (holder, deadline, fence); each try is kept for the delivery log.
let m012Notifications = Migration(version: 12, name: "notifications") { engine in
    let inboxID = engine == .postgresql ? "id BIGSERIAL PRIMARY KEY" : "id INTEGER PRIMARY KEY AUTOINCREMENT"
    return [
        "ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en'",
        """
        CREATE TABLE subscriptions (id TEXT PRIMARY KEY, username TEXT NOT NULL, scope TEXT NOT NULL, scope_value TEXT NOT NULL,
            kinds TEXT NOT NULL, channels TEXT NOT NULL, created_at BIGINT NOT NULL)
        """,
        "CREATE UNIQUE INDEX subscriptions_scope ON subscriptions (username, scope, scope_value)",
        """
        CREATE TABLE stakeholders (release_id TEXT NOT NULL REFERENCES releases (id), kind TEXT NOT NULL, name TEXT NOT NULL,
            language TEXT NOT NULL, added_by TEXT NOT NULL, added_at BIGINT NOT NULL, PRIMARY KEY (release_id, kind, name))
        """,
        """
        CREATE TABLE inbox (\(inboxID), username TEXT NOT NULL, event_id BIGINT NOT NULL, kind TEXT NOT NULL, notice TEXT NOT NULL,
            at BIGINT NOT NULL, read_at BIGINT)
        """,
        "CREATE UNIQUE INDEX inbox_once ON inbox (username, event_id)",
        "CREATE INDEX inbox_unread ON inbox (username, read_at)",
        """
        CREATE TABLE webhooks (id TEXT PRIMARY KEY, name TEXT NOT NULL, url TEXT NOT NULL, kinds TEXT NOT NULL, format TEXT NOT NULL,
            keyring TEXT NOT NULL, owner TEXT NOT NULL, enabled BIGINT NOT NULL, disabled_reason TEXT, failing_since BIGINT,
            last_success_at BIGINT, created_at BIGINT NOT NULL)
        """,
        """
        CREATE TABLE deliveries (id TEXT PRIMARY KEY, event_id BIGINT NOT NULL, channel TEXT NOT NULL, target TEXT NOT NULL,
            webhook_id TEXT REFERENCES webhooks (id), username TEXT, language TEXT NOT NULL, kind TEXT NOT NULL, notice TEXT NOT NULL,
            state TEXT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0, replayed_after BIGINT NOT NULL DEFAULT 0, next_at BIGINT NOT NULL, holder TEXT, lease_until BIGINT,
            fence BIGINT NOT NULL DEFAULT 0, last_status BIGINT, last_answer TEXT, last_at BIGINT, created_at BIGINT NOT NULL,
            delivered_at BIGINT)
        """,
        "CREATE UNIQUE INDEX deliveries_once ON deliveries (event_id, channel, target)",
        "CREATE INDEX deliveries_due ON deliveries (state, next_at)",
        "CREATE INDEX deliveries_webhook ON deliveries (webhook_id, created_at)",
        """
        CREATE TABLE delivery_attempts (delivery_id TEXT NOT NULL REFERENCES deliveries (id), number BIGINT NOT NULL, at BIGINT NOT NULL,
            status BIGINT, answer TEXT NOT NULL, millis BIGINT NOT NULL, PRIMARY KEY (delivery_id, number))
        """,
        // What the public status page announces: environments, and business services by key with their public name.
        "CREATE TABLE status_publications (kind TEXT NOT NULL, name TEXT NOT NULL, label TEXT NOT NULL, PRIMARY KEY (kind, name))",
        // What the watch already told (a conflict, a freeze): told once while it lasts.
        "CREATE TABLE notice_memory (key TEXT PRIMARY KEY, at BIGINT NOT NULL)",
        "CREATE TABLE notice_cursor (id BIGINT PRIMARY KEY, event_id BIGINT NOT NULL)",
        "INSERT INTO notice_cursor (id, event_id) SELECT 1, COALESCE(MAX(id), 0) FROM events",
    ]
}
