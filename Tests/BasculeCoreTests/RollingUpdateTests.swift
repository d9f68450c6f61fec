import BasculeCore
import Foundation
import Testing

@Suite("Rolling update steps")
struct RollingUpdateTests {
    static func runbook(_ rolling: String) -> String {
        """
        steps:
          - key: roll
            title: Roll the shop
            duration: 10m
            kind: rollingUpdate
            runsOn: {agent: lb-1}
            rollingUpdate:
        \(rolling.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n"))
        """
    }

    static let valid = """
        service: shop
        version: "2.4.0"
        instances:
          - {name: web-1, address: "10.0.0.11:8080"}
          - {name: web-2, address: "10.0.0.12:8080", server: w2}
          - {name: web-3, address: "10.0.0.13:8080", runsOn: {agent: web-host-3, labels: "os=linux"}}
          - {name: web-4, address: "10.0.0.14:8080", spare: true}
        stop: "ssh {{address}} systemctl stop shop"
        start: "ssh {{address}} /opt/shop/switch {{version}}"
        versionCommand: "curl -fsS http://{{address}}/version"
        batchSize: 2
        surge: 1
        healthCheck: {url: "http://{{address}}/health", expectStatus: [200], interval: 0.5}
        minHealthy: 10s
        instanceDeadline: 2m
        failureLimit: 1
        maxInterruption: 2s
        balancer: {haproxy: /run/haproxy/admin.sock, backend: shop, drain: true, drainTimeout: 30s}
        probe: {url: "https://shop.example/", rate: 20, slowAfter: 0.5}
        """

    static func problems(_ rolling: String) -> [String] {
        do {
            _ = try RunbookDocument.parse(runbook(rolling))
            return []
        } catch {
            guard case .invalid(let errors) = error else { return ["\(error)"] }
            return errors.map { "\($0.field): \($0.message)" }
        }
    }

    @Test("a rolling update written in YAML reads back the same after being written out")
    func roundTrip() throws {
        // given
        let first = try RunbookDocument.parse(Self.runbook(Self.valid)).runbook
        // when
        let again = try RunbookDocument.parse(RunbookDocument.yaml(first)).runbook
        // then
        #expect(again == first)
        let spec = try #require(first.steps[0].automation?.rollingUpdate)
        #expect(spec.instances.map(\.balancerName) == ["web-1", "w2", "web-3", "web-4"])
        #expect(spec.healthCheck.interval == 0.5 && spec.probe?.slowAfter == 0.5 && spec.maxInterruption == 2)
        #expect(spec.instances[2].runsOn == AgentTarget(agent: "web-host-3", labels: ["os": "linux"]))
    }

    @Test("a version goes into shell commands: only version names are taken")
    func versionNames() {
        #expect(RollingUpdateSpec.isVersion("2.4.0-rc.1+build.7"))
        #expect(!RollingUpdateSpec.isVersion("2; rm -rf /"))
        #expect(!RollingUpdateSpec.isVersion("-2"))
        #expect(Self.problems(Self.valid.replacingOccurrences(of: "version: \"2.4.0\"", with: "version: \"2.4 beta\"")).contains { $0.contains("version: must be 1 to 64") })
    }

    @Test("the instances that run the service go in batches of the batch size, spares only as surge")
    func batches() throws {
        // given
        let spec = try #require(try RunbookDocument.parse(Self.runbook(Self.valid)).runbook.steps[0].automation?.rollingUpdate)
        // then
        #expect(spec.batches.map { $0.map(\.name) } == [["web-1", "web-2"], ["web-3"]])
        #expect(spec.surgeInstances.map(\.name) == ["web-4"])
    }

    @Test("a batch size of 0 or larger than the instances is refused")
    func batchSize() {
        #expect(Self.problems(Self.valid.replacingOccurrences(of: "batchSize: 2", with: "batchSize: 0")).contains { $0.contains("batchSize") })
        #expect(Self.problems(Self.valid.replacingOccurrences(of: "batchSize: 2", with: "batchSize: 4")).contains { $0.contains("batchSize: must be from 1 to the 3 instances") })
    }

    @Test("a surge with no spare slot to start is refused as having no room")
    func surgeWithoutRoom() {
        let errors = Self.problems(Self.valid.replacingOccurrences(of: "surge: 1", with: "surge: 2"))
        #expect(errors.contains { $0.contains("surge: has no room: 2 extra instances asked, 1 spare slot listed") })
    }

    @Test("a health check that is not http or https is refused")
    func healthCheckScheme() {
        let errors = Self.problems(Self.valid.replacingOccurrences(of: "http://{{address}}/health", with: "ftp://{{address}}/health"))
        #expect(errors.contains { $0.contains("healthCheck.url") })
    }

    @Test("an interruption limit needs a probe, and the failure limit stays below the instances")
    func limits() {
        let noProbe = Self.valid.replacingOccurrences(of: "probe: {url: \"https://shop.example/\", rate: 20, slowAfter: 0.5}", with: "")
        #expect(Self.problems(noProbe).contains { $0.contains("maxInterruption: needs a probe") })
        #expect(Self.problems(Self.valid.replacingOccurrences(of: "failureLimit: 1", with: "failureLimit: 3")).contains { $0.contains("failureLimit") })
    }

    @Test("an instance listed twice, or two instances behind one balancer name, are refused")
    func duplicates() {
        let twice = Self.valid.replacingOccurrences(of: "name: web-3,", with: "name: web-1,")
        #expect(Self.problems(twice).contains { $0.contains("web-1 is listed twice") })
        let sameServer = Self.valid.replacingOccurrences(of: "server: w2", with: "server: web-3")
        #expect(Self.problems(sameServer).contains { $0.contains("web-3 names two instances") })
    }

    @Test("a rolling update on a step of another kind, or a rollingUpdate step without one, is refused")
    func kindMismatch() throws {
        let text = Self.runbook(Self.valid).replacingOccurrences(of: "kind: rollingUpdate", with: "kind: command")
        #expect(throws: CoreError.self) { try RunbookDocument.parse(text) }
        let bare = "steps:\n  - {key: roll, title: Roll, duration: 5m, kind: rollingUpdate, runsOn: role=lb}\n"
        #expect(throws: CoreError.self) { try RunbookDocument.parse(bare) }
    }

    @Test("instance commands are written for the instance and the version")
    func filled() {
        let instance = RollingInstance(name: "web-2", address: "10.0.0.12:8080", server: "w2")
        #expect(RollingUpdateSpec.filled("ssh {{address}} switch {{version}} # {{instance}} {{server}}", instance: instance, version: "2")
            == "ssh 10.0.0.12:8080 switch 2 # web-2 w2")
        #expect(RollingUpdateSpec.environment(instance: instance, version: "2")["BASCULE_SERVER"] == "w2")
    }

    @Test("more failed instances than allowed, or more interruption than the limit, roll back; otherwise it goes on")
    func rollbackRule() {
        #expect(RollbackRule.reason(failed: ["web-1"], limit: 0, interruption: nil, maxInterruption: nil) == "1 instance failed (web-1), 0 allowed")
        #expect(RollbackRule.reason(failed: ["web-1"], limit: 1, interruption: 0.5, maxInterruption: 2) == nil)
        #expect(RollbackRule.reason(failed: [], limit: 0, interruption: 2.5, maxInterruption: 2)?.contains("2.50 s is over the step's limit of 2.00 s") == true)
    }

    @Test("a version command's answer is its last line that is not blank; nothing printed is no version")
    func versionOutput() {
        #expect(VersionOutput.version("starting\n2.4.0\n\n") == "2.4.0")
        #expect(VersionOutput.version("  \n\n") == nil)
    }

    @Test("a stopped instance behind a balancer fails a third of the requests: the interruption counts their intervals")
    func failuresBetweenGoodAnswers() {
        // given: for one second every third request fails, the others answer well
        let samples = (0..<80).map { index in
            let sentAt = Double(index) * 0.05
            return (20..<40).contains(index) && index % 3 == 0 ? ProbeSample(sentAt: sentAt, status: 503, latency: 0.002) : ProbeSample(sentAt: sentAt, status: 200, latency: 0.002)
        }
        // when
        let measured = Interruption.measure(samples, interval: 0.05, until: 4)
        // then: no window without a good answer, yet about seven intervals of failures
        #expect(measured.windows.isEmpty)
        #expect(measured.failed == 7)
        #expect(abs(measured.totalSeconds - 0.35) < 1e-6)
    }

    @Test("the report's probe keeps good and bad answers per bucket for the timeline")
    func probeBuckets() {
        // given
        let samples = [ProbeSample(sentAt: 0.1, status: 200, latency: 0.01), ProbeSample(sentAt: 1.2, status: nil, latency: nil),
                       ProbeSample(sentAt: 1.5, status: 200, latency: 0.01)]
        // when
        let probe = RollingReport.probe(url: "http://shop/", rate: 20, samples: samples, until: 2, rule: ProbeRule())
        // then
        #expect(probe.bucketSeconds == 1)
        #expect(probe.good == [1, 1] && probe.bad == [0, 1])
        #expect(probe.figures.failed == 1 && probe.figures.requests == 3)
    }

    @Test("a step that measured its interruption counts it as its downtime, not its whole length")
    func measuredDowntime() {
        // given
        let step = RunbookStep(key: "roll", title: "Roll", phase: .cutover, plannedDuration: 600, kind: .rollingUpdate, downtime: true)
        let start = Date(timeIntervalSinceReferenceDate: 1000)
        let progress = StepProgress(state: .done, startedAt: start, endedAt: start.addingTimeInterval(600), measuredDowntime: 1.5)
        // when
        let span = progress.downtime(of: step, now: start.addingTimeInterval(700))
        // then
        #expect(span.map { $0.1 - $0.0 } == 1.5)
    }
}

@Suite("The rehearsed interruption rule")
struct RehearsedInterruptionRuleTests {
    static func runbook() throws -> Runbook {
        try RunbookDocument.parse(RollingUpdateTests.runbook(RollingUpdateTests.valid)).runbook
    }

    static func record(_ measured: TimeInterval?, ended: String = "2027-02-20 23:00") -> RehearsalRecord {
        RehearsalRecord(status: .finished, startedAt: Paris.at("2027-02-20 20:00"), endedAt: Paris.at(ended), measuredInterruption: measured)
    }

    static func verdict(_ rehearsals: [RehearsalRecord], runbook: Runbook?) throws -> RuleEvaluation {
        let rule = try #require(try Paris.policy("rules:\n  - {id: imperceptible, kind: rehearsedInterruption, maxInterruption: 2s}\n").rules.first)
        return Paris.evaluate(rule, RunbookRuleTests.dossier(runbook: runbook, rehearsals: rehearsals), to: .ready)
    }

    @Test("the latest finished rehearsal's measured interruption must be within the limit")
    func latestWithinLimit() throws {
        #expect(try Self.verdict([Self.record(0.4)], runbook: try Self.runbook()).verdict == .pass)
        let over = try Self.verdict([Self.record(0.4, ended: "2027-02-19 23:00"), Self.record(3.5)], runbook: try Self.runbook())
        #expect(over.verdict == .fail)
        #expect(over.explanation.en == "the latest rehearsal measured 3.50 s of interruption: more than 2.00 s (rule `imperceptible`)")
    }

    @Test("a rehearsal that measured nothing, or none finished, fails the rule; a runbook without a probed rolling update is not concerned")
    func nothingMeasured() throws {
        #expect(try Self.verdict([Self.record(nil)], runbook: try Self.runbook()).explanation.en.contains("measured no interruption"))
        #expect(try Self.verdict([], runbook: try Self.runbook()).verdict == .fail)
        #expect(try Self.verdict([], runbook: Runbook(steps: [])).verdict == .notApplicable)
    }
}

@Suite("Rolling updates in the forecast")
struct RollingForecastTests {
    @Test("a rolling update yet to run counts the interruption its rehearsals measured as the run's expected downtime")
    func rehearsedInterruption() throws {
        // given: a rehearsal whose rolling update measured 1.5 s
        let runbook = try RunbookDocument.parse(RollingUpdateTests.runbook(RollingUpdateTests.valid)).runbook
        let t0 = Date(timeIntervalSinceReferenceDate: 800_000_000)
        var rehearsal = Run(releaseKey: ReleaseKey(number: 1), kind: .rehearsal, runbook: runbook, at: t0)
        _ = try rehearsal.apply(.start("roll"), by: "agent:lb-1", at: t0)
        _ = try rehearsal.apply(.complete("roll", downtime: 1.5), by: "agent:lb-1", at: t0.addingTimeInterval(300))
        let live = Run(releaseKey: ReleaseKey(number: 1), kind: .live, runbook: runbook, at: t0.addingTimeInterval(86_400))
        // when
        let forecast = live.forecast(plannedStart: t0.addingTimeInterval(86_400), rehearsals: RehearsalHistory([rehearsal]),
                                     now: t0.addingTimeInterval(86_400), draws: 200)
        // then
        #expect(abs(forecast.expectedDowntime - 1.5) < 1e-6)
        #expect(forecast.downtimeSoFar == 0)
    }
}
