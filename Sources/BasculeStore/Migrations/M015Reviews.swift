/// Post-implementation reviews, one per release, opened when its cutover ends; the feedback of
/// the people involved and of end users (through a link whose token is kept only as a hash).
let m015Reviews = Migration(version: 15, name: "post-implementation reviews") { _ in
    [
        """
        CREATE TABLE reviews (release_id TEXT PRIMARY KEY REFERENCES releases (id), outcome TEXT NOT NULL, opened_at BIGINT NOT NULL,
            status TEXT NOT NULL, objectives TEXT NOT NULL, lessons TEXT NOT NULL, documentation TEXT NOT NULL, closure TEXT, facts TEXT,
            feedback_token_hash TEXT, published_at BIGINT, published_by TEXT, revision BIGINT NOT NULL)
        """,
        "CREATE UNIQUE INDEX reviews_feedback_token ON reviews (feedback_token_hash)",
        """
        CREATE TABLE review_feedback (id TEXT PRIMARY KEY, release_id TEXT NOT NULL REFERENCES releases (id), author TEXT, name TEXT NOT NULL,
            rating BIGINT NOT NULL, comment TEXT NOT NULL, at BIGINT NOT NULL)
        """,
        "CREATE INDEX review_feedback_release ON review_feedback (release_id, at)",
    ]
}
