import BasculeCore
import Foundation
import SQLKit

/// Stores runbooks (one per release) and templates as JSON documents with a revision.
public struct RunbookRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// The runbook and its revision; an empty runbook at revision 0 when none was written.
    public func find(for release: Release) async throws -> (runbook: Runbook, revision: Int) {
        guard let row = try await db.raw("SELECT steps, revision FROM runbooks WHERE release_id = \(bind: release.id.uuidString)").first() else {
            return (Runbook(), 0)
        }
        return (Runbook(steps: try Self.decode(try row.decode(column: "steps", as: String.self))), try row.decode(column: "revision", as: Int.self))
    }

    public func save(_ runbook: Runbook, for release: Release, previousRevision: Int, by actor: String, at: Date) async throws -> Bool {
        let text = try Self.encode(runbook.steps)
        if previousRevision == 0 {
            let exists = try await db.raw("SELECT 1 AS one FROM runbooks WHERE release_id = \(bind: release.id.uuidString)").first() != nil
            if exists { return false }
            try await db.raw("""
                INSERT INTO runbooks (release_id, steps, revision, updated_at, updated_by)
                VALUES (\(bind: release.id.uuidString), \(bind: text), 1, \(bind: Columns.millis(at)), \(bind: actor))
                """).run()
            return true
        }
        return !(try await db.raw("""
            UPDATE runbooks SET steps = \(bind: text), revision = revision + 1, updated_at = \(bind: Columns.millis(at)), updated_by = \(bind: actor)
            WHERE release_id = \(bind: release.id.uuidString) AND revision = \(bind: previousRevision) RETURNING revision
            """).all()).isEmpty
    }

    public func templates() async throws -> [RunbookTemplate] {
        try await db.raw("SELECT name, variables, steps FROM runbook_templates ORDER BY name").all().map(Self.template)
    }

    public func template(named name: String) async throws -> (template: RunbookTemplate, revision: Int)? {
        guard let row = try await db.raw("SELECT name, variables, steps, revision FROM runbook_templates WHERE name = \(bind: name)").first() else { return nil }
        return (try Self.template(row), try row.decode(column: "revision", as: Int.self))
    }

    public func saveTemplate(_ template: RunbookTemplate, previousRevision: Int?, at: Date) async throws -> Bool {
        let steps = try Self.encode(template.runbook.steps), variables = Columns.json(template.variables)
        guard let previousRevision else {
            try await db.raw("""
                INSERT INTO runbook_templates (name, variables, steps, revision, updated_at)
                VALUES (\(bind: template.name), \(bind: variables), \(bind: steps), 1, \(bind: Columns.millis(at)))
                """).run()
            return true
        }
        return !(try await db.raw("""
            UPDATE runbook_templates SET variables = \(bind: variables), steps = \(bind: steps), revision = revision + 1, updated_at = \(bind: Columns.millis(at))
            WHERE name = \(bind: template.name) AND revision = \(bind: previousRevision) RETURNING revision
            """).all()).isEmpty
    }

    static func template(_ row: any SQLRow) throws -> RunbookTemplate {
        RunbookTemplate(name: try row.decode(column: "name", as: String.self), variables: try Columns.list(try row.decode(column: "variables", as: String.self)),
                        runbook: Runbook(steps: try decode(try row.decode(column: "steps", as: String.self))))
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    static func encode<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }

    static func decode<T: Decodable>(_ text: String, as type: T.Type = [RunbookStep].self) throws -> T {
        do { return try decoder.decode(T.self, from: Data(text.utf8)) } catch { throw StoreError.corruptRow("a runbook document cannot be read: \(error)") }
    }
}

/// Stores runs: their step definitions as a document in a table of their own (migration 9),
/// where each step stands as compact text
/// (`RunStorage.swift`), a revision, and their log one row per action.
public struct RunRepository: Sendable {
    let db: any SQLDatabase
    let cache: RunDefinitionCache?

    /// `cache` keeps decoded step definitions between requests (the store's `runDefinitions`).
    public init(_ db: any SQLDatabase, cache: RunDefinitionCache? = nil) {
        self.db = db
        self.cache = cache
    }

    private static let select: SQLQueryString = """
        SELECT u.id, r.number AS release_number, u.kind, u.status, u.progress, u.steps_revision, u.revision, u.created_at
        FROM runs u JOIN releases r ON r.id = u.release_id
        """

    public func find(_ id: UUID) async throws -> Run? {
        guard let row = try await db.raw(Self.select + " WHERE u.id = \(bind: id.uuidString)").first() else { return nil }
        return try await run(row)
    }

    /// The release a run belongs to, without reading the run: permission checks come first.
    public func releaseKey(of id: UUID) async throws -> ReleaseKey? {
        try await db.raw("""
            SELECT r.number FROM runs u JOIN releases r ON r.id = u.release_id WHERE u.id = \(bind: id.uuidString)
            """).first().map { ReleaseKey(number: try $0.decode(column: "number", as: Int.self)) }
    }

    /// The runs of a release, oldest first.
    public func all(of release: Release) async throws -> [Run] {
        var runs: [Run] = []
        for row in try await db.raw(Self.select + " WHERE u.release_id = \(bind: release.id.uuidString) ORDER BY u.created_at, u.id").all() {
            runs.append(try await run(row))
        }
        return runs
    }

    /// The installation's most recent finished live runs that were rehearsed first, newest first:
    /// what forecasts learn from (how live runs compare with their own rehearsals) and what the
    /// calibration report remakes. A cutover never rehearsed teaches neither.
    public func finishedLive(limit: Int) async throws -> [Run] {
        var runs: [Run] = []
        for row in try await db.raw(Self.select + " WHERE u.kind = 'live' AND u.status = 'finished' AND " + Self.rehearsedFirst("u")
                                    + " ORDER BY u.updated_at DESC, u.id LIMIT \(bind: limit)").all() {
            runs.append(try await run(row))
        }
        return runs
    }

    /// Changes whenever a live run finishes (a finished run is never written again): whether
    /// what forecasts learn from must be read again.
    public func finishedLiveSignature() async throws -> String {
        guard let row = try await db.raw("""
            SELECT COUNT(*) AS finished, MAX(updated_at) AS latest FROM runs l WHERE kind = 'live' AND status = 'finished' AND
            """ + " " + Self.rehearsedFirst("l")).first() else { return "0" }
        return "\(try row.decode(column: "finished", as: Int.self)):\(try row.decode(column: "latest", as: Int64?.self) ?? 0)"
    }

    private static func rehearsedFirst(_ alias: String) -> SQLQueryString {
        "EXISTS (SELECT 1 FROM runs h WHERE h.release_id = \(unsafeRaw: alias).release_id AND h.kind = 'rehearsal' AND h.created_at < \(unsafeRaw: alias).created_at)"
    }

    /// Whether the release has a live run under way, without reading any run: a release may
    /// have hundreds of rehearsals.
    public func hasLiveRunUnderWay(_ release: Release) async throws -> Bool {
        try await db.raw("""
            SELECT 1 AS one FROM runs WHERE release_id = \(bind: release.id.uuidString) AND kind = 'live' AND status = 'running'
            """).first() != nil
    }

    /// The runs under way and their revisions, in `underWay`'s order, without reading them:
    /// a caller holding a run at that revision in memory need not read it again.
    public func revisionsUnderWay(limit: Int) async throws -> [(id: UUID, revision: Int)] {
        try await db.raw("""
            SELECT u.id, u.revision FROM runs u WHERE u.status = 'running'
            ORDER BY CASE WHEN u.kind = 'live' THEN 0 ELSE 1 END, u.created_at, u.id LIMIT \(bind: limit)
            """).all().compactMap { row in
            guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)) else { return nil }
            return (id, try row.decode(column: "revision", as: Int.self))
        }
    }

    /// A run's revision as stored; nil when it is gone.
    public func revision(of id: UUID) async throws -> Int? {
        try await db.raw("SELECT revision FROM runs WHERE id = \(bind: id.uuidString)").first()?.decode(column: "revision", as: Int.self)
    }

    /// The runs under way in every release, live ones first, then by start.
    public func underWay(limit: Int) async throws -> [Run] {
        var runs: [Run] = []
        for row in try await db.raw(Self.select + " WHERE u.status = 'running' ORDER BY CASE WHEN u.kind = 'live' THEN 0 ELSE 1 END, u.created_at, u.id LIMIT \(bind: limit)").all() {
            runs.append(try await run(row))
        }
        return runs
    }

    /// Refused (`duplicate`) for a second live run under way: a unique index holds it, so that
    /// two starts at once cannot both begin a cutover.
    public func insert(_ run: Run, in release: Release, at: Date) async throws {
        do {
            try await db.raw("""
                INSERT INTO runs (id, release_id, kind, status, progress, steps_revision, revision, created_at, updated_at)
                VALUES (\(bind: run.id.uuidString), \(bind: release.id.uuidString), \(bind: run.kind.rawValue), \(bind: run.status.rawValue),
                        \(bind: ProgressText.encode(run.steps.map(\.progress))), 1,
                        \(bind: run.revision), \(bind: Columns.millis(run.createdAt)), \(bind: Columns.millis(at)))
                """).run()
        } catch where Store.isUniqueViolation(error) {
            throw StoreError.duplicate("a live run under way for \(release.key)")
        }
        try await db.raw("""
            INSERT INTO run_definitions (run_id, steps, rollback_steps)
            VALUES (\(bind: run.id.uuidString), \(bind: try Self.definitions(of: run)), \(bind: try RunbookRepository.encode(run.rollbackSteps)))
            """).run()
        try await append(run.log, to: run)
    }

    /// Writes the run's state if it is still at `previousRevision`; its new actions are
    /// appended apart (`append(_:)`, with those of other runs). The step definitions are
    /// written again only when `stepsChanged` (a rollback added steps).
    public func update(_ run: Run, previousRevision: Int, stepsChanged: Bool, at: Date) async throws -> Bool {
        var sql: SQLQueryString = """
            UPDATE runs SET status = \(bind: run.status.rawValue), progress = \(bind: ProgressText.encode(run.steps.map(\.progress))),
                revision = \(bind: run.revision), updated_at = \(bind: Columns.millis(at))
            """
        if stepsChanged { sql = sql + ", steps_revision = steps_revision + 1" }
        sql = sql + " WHERE id = \(bind: run.id.uuidString) AND revision = \(bind: previousRevision) RETURNING id"
        guard !(try await db.raw(sql).all()).isEmpty else { return false }
        if stepsChanged {
            try await db.raw("UPDATE run_definitions SET steps = \(bind: try Self.definitions(of: run)) WHERE run_id = \(bind: run.id.uuidString)").run()
        }
        return true
    }

    /// Writes the state of several runs with one statement, each if it is still at its
    /// previous revision; false, and the caller's transaction to be rolled back, when any of
    /// them had moved. Step definitions are not written (a rollback's run goes alone).
    public func update(_ runs: [(run: Run, previousRevision: Int, at: Date)]) async throws -> Bool {
        guard runs.count > 1 else {
            guard let only = runs.first else { return true }
            return try await update(only.run, previousRevision: only.previousRevision, stepsChanged: false, at: only.at)
        }
        func column(_ name: String, _ value: (Run, Int, Date) -> any Encodable & Sendable) -> SQLQueryString {
            let cases = runs.map { "WHEN \(bind: $0.run.id.uuidString) THEN \(bind: value($0.run, $0.previousRevision, $0.at))" as SQLQueryString }
            return "\(unsafeRaw: name) = CASE id " + cases.joined(separator: " ") + " END"
        }
        let assignments = [
            column("status") { run, _, _ in run.status.rawValue },
            column("progress") { run, _, _ in ProgressText.encode(run.steps.map(\.progress)) },
            column("revision") { run, _, _ in run.revision },
            column("updated_at") { _, _, at in Columns.millis(at) },
        ]
        let matches = runs.map { "(id = \(bind: $0.run.id.uuidString) AND revision = \(bind: $0.previousRevision))" as SQLQueryString }
        let sql: SQLQueryString = "UPDATE runs SET " + assignments.joined(separator: ", ") + " WHERE " + matches.joined(separator: " OR ") + " RETURNING id"
        return try await db.raw(sql).all().count == runs.count
    }

    private func append(_ actions: [RunAction], to run: Run) async throws {
        try await append(actions.map { (run.id, $0) })
    }

    /// Appends actions of one run or several with one statement.
    public func append(_ actions: [(run: UUID, action: RunAction)]) async throws {
        guard !actions.isEmpty else { return }
        let rows = actions.map { run, action -> SQLQueryString in
            """
            (\(bind: run.uuidString), \(bind: action.sequence), \(bind: action.kind.rawValue), \(bind: action.step), \(bind: action.actor),
             \(bind: Columns.millis(action.at)), \(bind: action.text), \(bind: action.decision?.rawValue))
            """
        }
        try await db.raw("INSERT INTO run_actions (run_id, sequence, kind, step, actor, at, text, decision) VALUES " + rows.joined(separator: ", ")).run()
    }

    public func deleteAll(of release: Release) async throws {
        let runs = SQLQueryString("SELECT id FROM runs WHERE release_id = \(bind: release.id.uuidString)")
        try await db.raw("DELETE FROM attempt_logs WHERE attempt_id IN (SELECT id FROM step_attempts WHERE run_id IN (\(runs)))").run()
        try await db.raw("DELETE FROM rolling_reports WHERE run_id IN (\(runs))").run()
        try await db.raw("DELETE FROM instance_tasks WHERE attempt_id IN (SELECT id FROM step_attempts WHERE run_id IN (\(runs)))").run()
        try await db.raw("DELETE FROM step_attempts WHERE run_id IN (\(runs))").run()
        try await db.raw("DELETE FROM run_actions WHERE run_id IN (SELECT id FROM runs WHERE release_id = \(bind: release.id.uuidString))").run()
        try await db.raw("DELETE FROM run_definitions WHERE run_id IN (SELECT id FROM runs WHERE release_id = \(bind: release.id.uuidString))").run()
        try await db.raw("DELETE FROM runs WHERE release_id = \(bind: release.id.uuidString)").run()
        try await db.raw("DELETE FROM runbooks WHERE release_id = \(bind: release.id.uuidString)").run()
    }

    private static func definitions(of run: Run) throws -> String {
        try RunbookRepository.encode(run.steps.map { RunStepDefinition(step: $0.step, segment: $0.segment) })
    }

    /// The step definitions of a run, from the cache or decoded (and then kept). A run written
    /// before progress had its own column keeps each step's progress inside its definitions.
    private func definitions(_ id: String, revision: Int) async throws -> (entry: RunDefinitionCache.Entry, legacyProgress: [StepProgress]?) {
        if let found = cache?.entry(id, revision: revision) { return (found, nil) }
        guard let row = try await db.raw("""
            SELECT d.steps, d.rollback_steps, u.progress FROM runs u JOIN run_definitions d ON d.run_id = u.id WHERE u.id = \(bind: id)
            """).first() else {
            throw StoreError.corruptRow("run \(id)")
        }
        let text = try row.decode(column: "steps", as: String.self)
        let rollback: [RunbookStep] = try RunbookRepository.decode(try row.decode(column: "rollback_steps", as: String.self))
        if try row.decode(column: "progress", as: String?.self) == nil {
            let legacy = try RunbookRepository.decode(text, as: [RunStep].self)
            return (.init(steps: legacy.map { RunStepDefinition(step: $0.step, segment: $0.segment) }, rollback: rollback), legacy.map(\.progress))
        }
        let entry = RunDefinitionCache.Entry(steps: try RunbookRepository.decode(text, as: [RunStepDefinition].self), rollback: rollback)
        cache?.store(entry, run: id, revision: revision)
        return (entry, nil)
    }

    private func run(_ row: any SQLRow) async throws -> Run {
        let idText = try row.decode(column: "id", as: String.self)
        guard let id = UUID(uuidString: idText), let kind = RunKind(rawValue: try row.decode(column: "kind", as: String.self)),
              let status = RunStatus(rawValue: try row.decode(column: "status", as: String.self))
        else { throw StoreError.corruptRow("run \(idText)") }
        let (definitions, legacyProgress) = try await definitions(idText, revision: try row.decode(column: "steps_revision", as: Int.self))
        let progress = try legacyProgress
            ?? ProgressText.decode(try row.decode(column: "progress", as: String?.self) ?? "", count: definitions.steps.count)
        let steps = zip(definitions.steps, progress).map { RunStep(step: $0.step, progress: $1, segment: $0.segment) }
        let log = try await db.raw("""
            SELECT sequence, kind, step, actor, at, text, decision FROM run_actions WHERE run_id = \(bind: idText) ORDER BY sequence
            """).all().map { action -> RunAction in
            guard let kind = RunAction.Kind(rawValue: try action.decode(column: "kind", as: String.self)) else { throw StoreError.corruptRow("run action") }
            return RunAction(sequence: try action.decode(column: "sequence", as: Int.self), kind: kind, step: try action.decode(column: "step", as: String?.self),
                             actor: try action.decode(column: "actor", as: String.self), at: Columns.date(try action.decode(column: "at", as: Int64.self)),
                             text: try action.decode(column: "text", as: String.self),
                             decision: try action.decode(column: "decision", as: String?.self).flatMap(GoNoGo.init(rawValue:)))
        }
        return Run(id: id, releaseKey: ReleaseKey(number: try row.decode(column: "release_number", as: Int.self)), kind: kind, status: status,
                   steps: steps, rollbackSteps: definitions.rollback, log: log,
                   createdAt: Columns.date(try row.decode(column: "created_at", as: Int64.self)),
                   revision: try row.decode(column: "revision", as: Int.self))
    }
}
