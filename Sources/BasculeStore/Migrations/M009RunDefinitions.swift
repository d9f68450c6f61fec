/// Runs keep what their steps are in a table of their own. An action rewrites the run's row
/// (its progress, status and revision); with the step definitions in that row, SQLite rewrote
/// their 10 KiB of overflow pages at every action (a 40-step run): four pages to write, copy
/// back and flush per run per action instead of one shared by several runs (docs/BENCHMARKS.md).
let m009RunDefinitions = Migration(version: 9, name: "run definitions") { _ in
    [
        "CREATE TABLE run_definitions (run_id TEXT PRIMARY KEY REFERENCES runs (id), steps TEXT NOT NULL, rollback_steps TEXT NOT NULL)",
        "INSERT INTO run_definitions (run_id, steps, rollback_steps) SELECT id, steps, rollback_steps FROM runs",
        "ALTER TABLE runs DROP COLUMN steps",
        "ALTER TABLE runs DROP COLUMN rollback_steps",
    ]
}
