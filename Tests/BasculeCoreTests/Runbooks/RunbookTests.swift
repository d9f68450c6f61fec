import BasculeCore
import Foundation
import Testing

@Suite("Runbooks and forecasts")
struct RunbookTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func step(_ key: String, _ minutes: Double, after: [String] = [], downtime: Bool = false, phase: StepPhase = .cutover) -> RunbookStep {
        RunbookStep(key: key, title: "Step \(key)", phase: phase, plannedDuration: minutes * 60, predecessors: after, downtime: downtime)
    }

    /// A - B - D and A - C - D: C is longer, so A, C, D is critical.
    static let diamond = [step("A", 10), step("B", 20, after: ["A"]), step("C", 30, after: ["A"], downtime: true), step("D", 5, after: ["B", "C"], downtime: true)]

    static func fields(_ runbook: Runbook) -> [String] {
        do { _ = try runbook.validated(); return [] } catch let CoreError.invalid(errors) { return errors.map(\.description) } catch { return ["\(error)"] }
    }

    @Test("a cycle is refused and named by its steps in order")
    func cycleNamed() {
        let errors = Self.fields(Runbook(steps: [Self.step("A", 1, after: ["C"]), Self.step("B", 1, after: ["A"]), Self.step("C", 1, after: ["B"]), Self.step("D", 1)]))
        #expect(errors == ["steps: the steps A → B → C → A form a cycle"])
    }

    @Test("an unknown predecessor, a negative duration, a repeated key and an undo step outside rollback are refused, each named")
    func badSteps() {
        var undo = Self.step("B", 5)
        undo.undoneBy = "A"
        let errors = Self.fields(Runbook(steps: [Self.step("A", -1), undo, Self.step("C", 1, after: ["Z"]), Self.step("C", 1)]))
        #expect(errors.contains("steps[A].plannedDuration: must not be negative"))
        #expect(errors.contains("steps[C].predecessors: names unknown steps: Z"))
        #expect(errors.contains("steps[C].key: is used by another step"))
        #expect(errors.contains("steps[B].undoneBy: A is not in the rollback phase"))
    }

    @Test("the critical path follows the longest chain and the plan ends when it does")
    func criticalPath() {
        let forecast = Forecaster(steps: Self.diamond).forecast(start: Self.start, now: Self.start)
        #expect(forecast.criticalPath == ["A", "C", "D"])
        #expect(forecast.plannedEnd == Self.start.addingTimeInterval(45 * 60))
        #expect(forecast.expectedEnd == forecast.plannedEnd)
        #expect(forecast.expectedDowntime == 35 * 60)
    }

    @Test("a fixed start holds a step back even when its predecessors are done")
    func fixedStart() {
        var steps = Self.diamond
        steps[3].fixedStart = Self.start.addingTimeInterval(3600)
        let forecast = Forecaster(steps: steps).forecast(start: Self.start, now: Self.start)
        #expect(forecast.plannedEnd == Self.start.addingTimeInterval(3600 + 5 * 60))
        #expect(forecast.criticalPath == ["D"])
    }

    @Test("rehearsal durations replace planned ones, and the spread makes P90 later than P50")
    func rehearsalsReplacePlan() {
        // given C took 50 and 60 minutes in two rehearsals
        let forecaster = Forecaster(steps: Self.diamond, history: ["C": [50 * 60, 60 * 60]])
        // when
        let forecast = forecaster.forecast(start: Self.start, now: Self.start)
        // then the expected end uses C's geometric mean, about 54.8 minutes
        let expectedMinutes = forecast.expectedEnd.timeIntervalSince(Self.start) / 60
        #expect(abs(expectedMinutes - (10 + (50.0 * 60).squareRoot() + 5)) < 0.01)
        #expect(forecast.delay > 0)
        #expect(forecast.p90End > forecast.p50End)
        #expect(forecast.p90Downtime >= forecast.p50Downtime)
    }

    @Test("live actuals replace estimates: done steps count as they took, running ones at least as long as so far")
    func liveActuals() {
        // given A took 25 minutes instead of 10, C has run 40 minutes, now
        let now = Self.start.addingTimeInterval(65 * 60)
        let progress = [
            StepProgress(state: .done, startedAt: Self.start, endedAt: Self.start.addingTimeInterval(25 * 60)),
            StepProgress(state: .done, startedAt: Self.start.addingTimeInterval(25 * 60), endedAt: Self.start.addingTimeInterval(45 * 60)),
            StepProgress(state: .running, startedAt: Self.start.addingTimeInterval(25 * 60)),
            StepProgress(),
        ]
        // when
        let forecast = Forecaster(steps: Self.diamond).forecast(start: Self.start, progress: progress, now: now)
        // then C is expected to end no earlier than now, D after it, a little longer than
        // planned since the run goes slower than its plan
        #expect(forecast.expectedEnd >= now.addingTimeInterval(5 * 60) && forecast.expectedEnd < now.addingTimeInterval(7 * 60))
        #expect(forecast.pace.factor > 1 && forecast.pace.basis == .plan)
        #expect(forecast.delay == forecast.expectedEnd.timeIntervalSince(forecast.plannedEnd))
        #expect(forecast.downtimeSoFar == 40 * 60)
        #expect(forecast.p50End >= now.addingTimeInterval(5 * 60))
    }

    @Test("the same seed gives the same forecast")
    func reproducible() {
        let forecaster = Forecaster(steps: Self.diamond, history: ["B": [900, 1500, 1300]])
        #expect(forecaster.forecast(start: Self.start, now: Self.start) == forecaster.forecast(start: Self.start, now: Self.start))
    }
}

@Suite("Runs")
struct RunTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func runbook() throws -> Runbook {
        try Runbook(steps: [
            RunbookStep(key: "backup", title: "Back up the database", plannedDuration: 600, kind: .backup),
            RunbookStep(key: "stop", title: "Stop the application", plannedDuration: 300, predecessors: ["backup"], downtime: true, undoneBy: "restart"),
            RunbookStep(key: "migrate", title: "Migrate the schema", plannedDuration: 1200, predecessors: ["stop"], kind: .command, downtime: true, undoneBy: "restore"),
            RunbookStep(key: "go", title: "Go / no-go", plannedDuration: 60, predecessors: ["migrate"], kind: .goNoGo),
            RunbookStep(key: "restore", title: "Restore the dump", phase: .rollback, plannedDuration: 900),
            RunbookStep(key: "restart", title: "Restart the old version", phase: .rollback, plannedDuration: 300),
        ]).validated()
    }

    static func error<T>(_ body: () throws -> T) -> String {
        do { _ = try body(); return "" } catch let error as CoreError { return error.description } catch { return "\(error)" }
    }

    @Test("a step starts only when its predecessors are done, and completing it twice is refused")
    func order() throws {
        var run = Run(releaseKey: ReleaseKey(number: 1), kind: .live, runbook: try Self.runbook(), at: Self.t0)
        #expect(Self.error { try run.apply(.start("stop"), by: "ops", at: Self.t0) } == "stop waits for backup to be done or skipped")
        try run.apply(.start("backup"), by: "ops", at: Self.t0)
        try run.apply(.complete("backup"), by: "ops", at: Self.t0.addingTimeInterval(500))
        #expect(Self.error { try run.apply(.complete("backup"), by: "other", at: Self.t0.addingTimeInterval(501)) } == "backup is already done")
        try run.apply(.start("stop"), by: "ops", at: Self.t0.addingTimeInterval(510))
        #expect(run.log.map(\.kind) == [.start, .complete, .start])
    }

    @Test("a command step completed by hand says so; a go decision needs its reason and finishes the run")
    func goNoGo() throws {
        var run = Run(releaseKey: ReleaseKey(number: 1), kind: .live, runbook: try Self.runbook(), at: Self.t0)
        for key in ["backup", "stop", "migrate"] {
            try run.apply(.start(key), by: "ops", at: Self.t0)
            try run.apply(.complete(key), by: "ops", at: Self.t0)
        }
        try run.apply(.start("go"), by: "claire", at: Self.t0)
        #expect(Self.error { try run.apply(.complete("go"), by: "claire", at: Self.t0) }.contains("record the decision"))
        #expect(Self.error { try run.apply(.decide("go", .go, reason: " "), by: "claire", at: Self.t0) }.contains("needs its reason"))
        try run.apply(.decide("go", .go, reason: "Smoke tests green"), by: "claire", at: Self.t0)
        #expect(run.log.first { $0.step == "migrate" && $0.kind == .complete }?.text.contains("completed by hand") == true)
        #expect(run.status == .finished)
        #expect(Self.error { try run.apply(.note(nil, text: "late"), by: "ops", at: Self.t0) }.contains("nothing more can be done"))
    }

    @Test("rolling back runs the undo steps of the completed steps, latest first, then ends rolled back")
    func rollback() throws {
        var run = Run(releaseKey: ReleaseKey(number: 1), kind: .live, runbook: try Self.runbook(), at: Self.t0)
        for key in ["backup", "stop", "migrate"] {
            try run.apply(.start(key), by: "ops", at: Self.t0)
            try run.apply(.complete(key), by: "ops", at: Self.t0)
        }
        try run.apply(.rollback(reason: "Migration corrupted the ledger"), by: "claire", at: Self.t0)
        let segment = run.steps.filter { $0.segment == .rollback }
        #expect(segment.map(\.step.key) == ["restore", "restart"])
        #expect(segment.last?.step.predecessors == ["restore"])
        #expect(run.steps.first { $0.step.key == "go" }?.progress.state == .skipped)
        for key in ["restore", "restart"] {
            try run.apply(.start(key), by: "ops", at: Self.t0)
            try run.apply(.complete(key), by: "ops", at: Self.t0)
        }
        #expect(run.status == .rolledBack)
    }

    @Test("skipping needs a comment; a no-go aborts the run")
    func skipAndNoGo() throws {
        var run = Run(releaseKey: ReleaseKey(number: 1), kind: .rehearsal, runbook: try Self.runbook(), at: Self.t0)
        #expect(Self.error { try run.apply(.skip("backup", comment: ""), by: "ops", at: Self.t0) }.contains("needs a comment"))
        try run.apply(.skip("backup", comment: "Snapshot taken by the storage team"), by: "ops", at: Self.t0)
        for key in ["stop", "migrate"] {
            try run.apply(.start(key), by: "ops", at: Self.t0)
            try run.apply(.complete(key), by: "ops", at: Self.t0)
        }
        try run.apply(.start("go"), by: "claire", at: Self.t0)
        try run.apply(.decide("go", .noGo, reason: "Ledger totals differ"), by: "claire", at: Self.t0)
        #expect(run.status == .aborted)
    }
}

@Suite("Runbook documents")
struct RunbookDocumentTests {
    @Test("a runbook written as YAML reads back the same")
    func roundTrip() throws {
        let runbook = try RunTests.runbook()
        let text = RunbookDocument.yaml(runbook)
        let (_, read) = try RunbookDocument.parse(text)
        #expect(read == runbook)
        #expect(RunbookDocument.yaml(read) == text)
    }

    @Test("an empty runbook is written as an empty list and reads back empty")
    func emptyRoundTrip() throws {
        let text = RunbookDocument.yaml(Runbook())
        #expect(text == "steps: []\n")
        #expect(try RunbookDocument.parse(text).runbook.steps.isEmpty)
    }

    @Test("a template fills its variables and refuses undeclared or missing ones")
    func template() throws {
        let (variables, runbook) = try RunbookDocument.parse("variables: [application]\nsteps:\n  - key: stop\n    title: Stop {{application}}\n    duration: 5m\n")
        let template = RunbookTemplate(name: "standard", variables: variables, runbook: runbook)
        #expect(try template.instantiate(["application": "payroll"]).steps.first?.title == "Stop payroll")
        #expect(throws: CoreError.self) { try template.instantiate([:]) }
        #expect(throws: CoreError.self) { try template.instantiate(["application": "x", "colour": "red"]) }
    }

    @Test("a YAML step with a misspelt key or a bad duration is refused on its line")
    func badYAML() {
        do {
            _ = try RunbookDocument.parse("steps:\n  - {key: a, title: A, duration: 5m}\n  - {key: b, title: B, duraton: 5m}\n  - {key: c, title: C, duration: soon}\n")
            Issue.record("accepted")
        } catch let CoreError.invalid(errors) {
            #expect(errors.map(\.line) == [3, 4])
        } catch {
            Issue.record("\(error)")
        }
    }
}

@Suite("Runbook rules")
struct RunbookRuleTests {
    static let release = Paris.release("2027-03-03 20:00", "2027-03-03 22:00")

    static func dossier(runbook: Runbook? = nil, rehearsals: [RehearsalRecord] = []) -> ReleaseDossier {
        ReleaseDossier(release: release, now: Paris.at("2027-03-01 09:00"), runbook: runbook, rehearsals: rehearsals)
    }

    @Test("a rehearsal must have finished within the period before the gate")
    func rehearsalRule() throws {
        let rule = try #require(try Paris.policy("rules:\n  - {id: rehearsed, kind: rehearsal, within: 30d}\n").rules.first)
        let recent = RehearsalRecord(status: .finished, startedAt: Paris.at("2027-02-20 20:00"), endedAt: Paris.at("2027-02-20 23:00"))
        let old = RehearsalRecord(status: .finished, startedAt: Paris.at("2027-01-05 20:00"), endedAt: Paris.at("2027-01-05 23:00"))
        let unfinished = RehearsalRecord(status: .running, startedAt: Paris.at("2027-02-27 20:00"), endedAt: nil)
        #expect(Paris.evaluate(rule, Self.dossier(rehearsals: [recent]), to: .ready).verdict == .pass)
        #expect(Paris.evaluate(rule, Self.dossier(rehearsals: [old]), to: .ready).explanation.en.contains("more than 30 d"))
        #expect(Paris.evaluate(rule, Self.dossier(rehearsals: [unfinished]), to: .ready).verdict == .fail)
    }

    @Test("a backup step must come before the first downtime step")
    func backupRule() throws {
        let rule = try #require(try Paris.policy("rules:\n  - {id: backed-up, kind: backupBeforeDowntime}\n").rules.first)
        let safe = try RunTests.runbook()
        var unsafe = safe
        unsafe.steps[1].predecessors = []
        #expect(Paris.evaluate(rule, Self.dossier(runbook: safe), to: .ready).verdict == .pass)
        #expect(Paris.evaluate(rule, Self.dossier(runbook: unsafe), to: .ready).explanation.en == "no backup step comes before the downtime step stop (rule `backed-up`)")
        #expect(Paris.evaluate(rule, Self.dossier(), to: .ready).verdict == .fail)
    }
}

@Suite("Run rules for the release and the commands")
struct RunReleaseTests {
    @Test("a live run takes a ready release in progress at its first action, then deployed; a no-go fails it; a rehearsal moves nothing")
    func releaseMoves() throws {
        var run = Run(releaseKey: ReleaseKey(number: 1), kind: .live, runbook: try RunTests.runbook(), at: RunTests.t0)
        #expect(run.releaseMoves(wasStarted: false, from: .ready) == [.inProgress])
        run.status = .finished
        #expect(run.releaseMoves(wasStarted: true, from: .inProgress) == [.deployed])
        run.status = .aborted
        #expect(run.releaseMoves(wasStarted: true, from: .inProgress) == [.failed])
        let rehearsal = Run(releaseKey: ReleaseKey(number: 1), kind: .rehearsal, runbook: try RunTests.runbook(), at: RunTests.t0)
        #expect(rehearsal.releaseMoves(wasStarted: false, from: .ready).isEmpty)
    }

    @Test("commands are read the same from forms and the API; a decision needs go or noGo, a step action its step")
    func commands() throws {
        #expect(try RunCommand(action: "decide", step: "go", comment: "green", decision: "go") == .decide("go", .go, reason: "green"))
        #expect(try RunCommand(action: "note", step: "", comment: "hi", decision: nil) == .note(nil, text: "hi"))
        #expect(throws: CoreError.self) { try RunCommand(action: "decide", step: "go", comment: "x", decision: "maybe") }
        #expect(throws: CoreError.self) { try RunCommand(action: "complete", step: nil, comment: "", decision: nil) }
        #expect(throws: CoreError.self) { try RunCommand(action: "explode", step: "a", comment: "", decision: nil) }
    }
}
