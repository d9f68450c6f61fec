import AsyncHTTPClient
import BasculeCore
import BasculeServer
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// Carries out a `rollingUpdate` step on this agent: checks the balancer and reads every
/// instance's version before touching anything, probes the service from outside throughout,
/// then moves the instances a batch at a time (drain, stop, start, health, version, back in
/// rotation, healthy for `minHealthy`), and rolls the touched ones back the same way when the
/// failure rule or the interruption limit trips, or an operator asks. Its report goes to the
/// server every second while something changes.
struct RollingUpdater {
    let spec: RollingUpdateSpec
    let http: HTTPClient
    let shipper: LogShipper
    let stop: StopSignal
    /// Set when an operator asks for the update to be rolled back.
    let rollBackAsked: StopSignal
    /// How instances whose commands run on another agent are reached; nil: every command runs here.
    let elsewhere: RemoteInstances?
    let send: @Sendable (RollingReport) async -> Void

    struct Outcome {
        let passed: Bool
        let summary: String
        /// Seconds of interruption the probe measured; nil without a probe.
        let interruption: Double?
    }

    private struct InstanceFailure: Error { let why: String }

    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant
    private let report: NIOLockedValueBox<RollingReport>
    private let samples = NIOLockedValueBox<[ProbeSample]>([])
    private let balancer: (any Balancer)?

    init(spec: RollingUpdateSpec, http: HTTPClient, shipper: LogShipper, stop: StopSignal, rollBackAsked: StopSignal,
         elsewhere: RemoteInstances? = nil, send: @escaping @Sendable (RollingReport) async -> Void) {
        self.spec = spec
        self.elsewhere = elsewhere
        self.http = http
        self.shipper = shipper
        self.stop = stop
        self.rollBackAsked = rollBackAsked
        self.send = send
        self.started = ContinuousClock.now
        self.report = NIOLockedValueBox(RollingReport(service: spec.service, version: spec.version,
                                                      instances: spec.instances.map { RollingReport.Instance(name: $0.name, state: $0.spare ? .skipped : .waiting) }))
        self.balancer = spec.balancer.map { HAProxyBalancer(socket: $0.socket, backend: $0.backend) }
    }

    func run() async -> Outcome {
        let probeStop = StopSignal()
        let probing: Task<Void, Never>? = spec.probe.map { probe in
            Task { [samples, http] in
                _ = await Prober.run(url: probe.url, rate: probe.rate, duration: 7 * 86_400, timeout: probe.timeout, http: http, stop: probeStop) { sample in
                    samples.withLockedValue { $0.append(sample) }
                }
            }
        }
        let reporter = Task {
            var last: RollingReport?
            while !Task.isCancelled {
                let now = snapshot()
                if now != last { await send(now); last = now }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        await log("rolling update of \(spec.service) to \(spec.version): \(spec.active.count) instance(s) in \(spec.batches.count) batch(es) of \(spec.batchSize), surge \(spec.surge)")
        await proceed()
        probeStop.stop("update over")
        await probing?.value
        reporter.cancel()
        let final = snapshot()
        await send(final)
        await log(final.summary)
        return Outcome(passed: final.phase == .done, summary: final.summary, interruption: final.probe?.figures.totalSeconds)
    }

    // MARK: - The update

    private func proceed() async {
        // Nothing is stopped until the balancer answers and every instance says its version.
        if let balancer {
            do {
                let servers = try await balancer.servers()
                for instance in spec.instances where servers[instance.balancerName] == nil {
                    return finish(.failed, "HAProxy backend \(spec.balancer?.backend ?? "") has no server \(instance.balancerName) (instance \(instance.name)); nothing was stopped")
                }
                await log("balancer: backend \(spec.balancer?.backend ?? "") holds \(servers.keys.sorted().joined(separator: ", "))")
            } catch {
                return finish(.failed, "\(error); nothing was stopped")
            }
        }
        for instance in spec.active {
            do {
                let version = try await readVersion(instance)
                // It is put back into commands if the update is rolled back: a version name only.
                guard RollingUpdateSpec.isVersion(version) else {
                    return finish(.failed, "\(instance.name) printed \(version.debugDescription) as its version, which is not a version name (\(RollingUpdateSpec.versionRule)); nothing was stopped")
                }
                update(instance.name) { $0.from = version; $0.version = version }
                await log("\(instance.name) runs \(version)")
            } catch {
                return finish(.failed, "\(error.why); nothing was stopped")
            }
        }
        setPhase(.surge)
        for spare in spec.surgeInstances {
            if let reason = await rollbackReason() { return await rollBack(reason) }
            if let reason = stop.stopped { return finish(.failed, "stopped: \(reason)") }
            update(spare.name) { $0.state = .waiting; $0.batch = 0 }
            await batch(0, [spare])
        }
        setPhase(.rolling)
        for (index, instances) in spec.batches.enumerated() {
            if let reason = await rollbackReason() { return await rollBack(reason) }
            if let reason = stop.stopped { return finish(.failed, "stopped: \(reason)") }
            await batch(index + 1, instances)
        }
        if let reason = await rollbackReason() { return await rollBack(reason) }
        for spare in spec.surgeInstances {
            do {
                try await takeOut(spare, deadline: deadline())
                update(spare.name) { $0.state = .skipped; $0.detail = "surge over: stopped again" }
            } catch {
                update(spare.name) { $0.detail = "could not be stopped after the surge: \(error.why)" }
                await log("\(spare.name): could not be stopped after the surge: \(error.why)")
            }
        }
        finish(.done, nil)
    }

    /// One batch: its instances moved at once, then watched for `minHealthy`.
    private func batch(_ number: Int, _ instances: [RollingInstance]) async {
        let start = seconds()
        report.withLockedValue { $0.batches.append(RollingReport.Batch(number: number, instances: instances.map(\.name), start: start)) }
        await log(number == 0 ? "surge: \(instances.map(\.name).joined(separator: ", "))" : "batch \(number): \(instances.map(\.name).joined(separator: ", "))")
        await withTaskGroup(of: Void.self) { group in
            for instance in instances {
                let current = report.withLockedValue { $0.instances.first { $0.name == instance.name } }
                if number > 0, current?.from == spec.version {
                    update(instance.name) { $0.state = .healthy; $0.detail = "already on \(spec.version)"; $0.batch = number }
                    continue
                }
                update(instance.name) { $0.batch = number }
                group.addTask { await move(instance, to: spec.version, fresh: number == 0) }
            }
        }
        // Healthy for a while, not only once: an instance that starts and then exits is caught here.
        let holdEnd = clock.now + .milliseconds(Int64(spec.minHealthy * 1000))
        while clock.now < holdEnd, await rollbackReason() == nil, stop.stopped == nil {
            try? await Task.sleep(for: .milliseconds(250))
        }
        for instance in instances where state(of: instance.name) == .healthy {
            if let why = await healthOnce(instance) {
                update(instance.name) { $0.state = .failed; $0.detail = "failed after \(Int(spec.minHealthy)) s healthy: \(why)" }
                await log("\(instance.name): failed after \(Int(spec.minHealthy)) s healthy: \(why)")
            }
        }
        let end = seconds()
        report.withLockedValue { report in
            guard let index = report.batches.lastIndex(where: { $0.number == number }) else { return }
            report.batches[index].end = end
        }
    }

    /// The instance drained, stopped, started on `version`, checked and back in rotation; on a
    /// failure it is left out of rotation and marked failed. A `fresh` slot (the surge's) runs
    /// nothing yet: it is only started.
    private func move(_ instance: RollingInstance, to version: String, rollingBack: Bool = false, fresh: Bool = false) async {
        let deadline = deadline()
        do throws(InstanceFailure) {
            if !fresh { try await takeOut(instance, deadline: deadline) }
            update(instance.name) { $0.state = .starting }
            try await command("start", spec.start, instance, version, deadline: deadline)
            update(instance.name) { $0.state = .checking }
            try await healthy(instance, deadline: deadline)
            let running = try await readVersion(instance)
            update(instance.name) { $0.version = running }
            guard running == version else { throw InstanceFailure(why: "answers version \(running), not \(version)") }
            try await putBack(instance, deadline: deadline)
            update(instance.name) { $0.state = rollingBack ? .rolledBack : .healthy; if !rollingBack { $0.detail = nil } }
            await log("\(instance.name): on \(version), back in rotation")
        } catch {
            update(instance.name) {
                $0.state = .failed
                $0.detail = rollingBack ? "rollback to \(version) failed: \(error.why)" : error.why
            }
            await log("\(instance.name): \(rollingBack ? "rollback to \(version) failed" : "failed"): \(error.why)")
        }
    }

    /// Out of rotation (drained when the step says so) and stopped.
    private func takeOut(_ instance: RollingInstance, deadline: ContinuousClock.Instant) async throws(InstanceFailure) {
        if let balancer, let settings = spec.balancer, settings.drain {
            update(instance.name) { $0.state = .draining }
            let server = instance.balancerName
            do {
                try await balancer.drain(server)
                let drainEnd = min(deadline, clock.now + .milliseconds(Int64(settings.drainTimeout * 1000)))
                var open = try await balancer.servers()[server]?.sessions ?? 0
                while open > 0, clock.now < drainEnd {
                    try? await Task.sleep(for: .milliseconds(100))
                    open = try await balancer.servers()[server]?.sessions ?? 0
                }
                if open > 0 { await log("\(instance.name): \(open) connection(s) still open after \(Int(settings.drainTimeout)) s of draining; stopped anyway") }
                try await balancer.maintain(server)
            } catch {
                throw InstanceFailure(why: "balancer: \(error)")
            }
        }
        update(instance.name) { $0.state = .stopping }
        try await command("stop", spec.stop, instance, nil, deadline: deadline)
    }

    /// Back in rotation, and seen up by the balancer (its own health checks passed).
    private func putBack(_ instance: RollingInstance, deadline: ContinuousClock.Instant) async throws(InstanceFailure) {
        guard let balancer, spec.balancer?.drain == true else { return }
        let server = instance.balancerName
        do throws(BalancerError) { try await balancer.ready(server) } catch { throw InstanceFailure(why: "balancer: \(error)") }
        while true {
            let state: BalancerServer?
            do throws(BalancerError) { state = try await balancer.servers()[server] } catch { throw InstanceFailure(why: "balancer: \(error)") }
            if let state, state.up, !state.administrativelyDown { return }
            guard clock.now < deadline else { throw InstanceFailure(why: "HAProxy does not see it up before its deadline (its own health checks fail?)") }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Every touched instance back to the version it ran, the same careful way; the spares stopped.
    private func rollBack(_ reason: String) async {
        setPhase(.rollingBack)
        report.withLockedValue { $0.reason = reason }
        await log("rolling back: \(reason)")
        let touched = report.withLockedValue { report in
            report.instances.filter { $0.from != nil && ($0.state != .waiting && !($0.state == .healthy && $0.version == $0.from)) }
        }
        let byName = Dictionary(spec.instances.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let start = seconds()
        report.withLockedValue { $0.batches.append(RollingReport.Batch(number: -1, instances: touched.map(\.name), start: start)) }
        for group in stride(from: 0, to: touched.count, by: spec.batchSize).map({ Array(touched[$0..<min($0 + spec.batchSize, touched.count)]) }) {
            await withTaskGroup(of: Void.self) { tasks in
                for entry in group {
                    guard let instance = byName[entry.name], let from = entry.from else { continue }
                    let failedBefore = entry.state == .failed
                    update(entry.name) { $0.state = .rollingBack; if failedBefore { $0.detail = "failed: \($0.detail ?? "")" } }
                    tasks.addTask { await move(instance, to: from, rollingBack: true) }
                }
            }
        }
        for spare in spec.surgeInstances where state(of: spare.name) != .skipped {
            try? await takeOut(spare, deadline: deadline())
            update(spare.name) { $0.state = .skipped; $0.detail = "surge rolled back: stopped" }
        }
        let end = seconds()
        report.withLockedValue { report in
            if let index = report.batches.lastIndex(where: { $0.number == -1 }) { report.batches[index].end = end }
        }
        let broken = report.withLockedValue { $0.instances.filter { $0.state == .failed }.map(\.name) }
        finish(broken.isEmpty ? .rolledBack : .failed, broken.isEmpty ? reason : "\(reason); the rollback failed on \(broken.joined(separator: ", "))")
    }

    /// Why the update must go back now: the failure rule, the interruption limit, or an operator.
    private func rollbackReason() async -> String? {
        if let asked = rollBackAsked.stopped { return asked }
        let failed = report.withLockedValue { $0.instances.filter { $0.state == .failed }.map(\.name) }
        let interruption = spec.maxInterruption == nil ? nil : probePart()?.figures.totalSeconds
        return RollbackRule.reason(failed: failed, limit: spec.failureLimit, interruption: interruption, maxInterruption: spec.maxInterruption)
    }

    // MARK: - Commands and checks

    private func command(_ what: String, _ script: String, _ instance: RollingInstance, _ version: String?, deadline: ContinuousClock.Instant,
                         capture: NIOLockedValueBox<Data>? = nil) async throws(InstanceFailure) {
        let left = deadline - clock.now
        guard left > .zero else { throw InstanceFailure(why: "past its deadline of \(Int(spec.instanceDeadline)) s before \(what)") }
        let target = version ?? spec.version
        if let runsOn = instance.runsOn, let action = InstanceTask.Action(rawValue: what) {
            guard let elsewhere else { throw InstanceFailure(why: "its commands run on \(runsOn.description), which this agent cannot reach") }
            if !runsOn.accepts(name: elsewhere.agent, labels: elsewhere.labels) {
                return try await remote(action, instance, target, deadline: deadline, capture: capture, via: elsewhere)
            }
        }
        let wire = AgentWire.Command(argv: ["/bin/sh", "-c", RollingUpdateSpec.filled(script, instance: instance, version: target)], workingDirectory: nil,
                                     environment: RollingUpdateSpec.environment(instance: instance, version: target),
                                     timeoutSeconds: Double(left.components.seconds) + 0.001, exitCodes: [0])
        switch await CommandRunner.run(wire, shipper: shipper, stop: stop, capture: capture) {
        case .exited(0): return
        case .exited(let code): throw InstanceFailure(why: "its \(what) command exited with \(code)")
        case .timedOut: throw InstanceFailure(why: "its \(what) command ran past the instance's deadline")
        case .stopped(let why): throw InstanceFailure(why: "stopped: \(why)")
        case .couldNotStart(let why): throw InstanceFailure(why: "its \(what) command could not start: \(why)")
        }
    }

    /// The command run by the agent on the instance's host, through the server: handed, then
    /// followed until it ends or the instance's deadline passes (then cancelled).
    private func remote(_ action: InstanceTask.Action, _ instance: RollingInstance, _ version: String, deadline: ContinuousClock.Instant,
                        capture: NIOLockedValueBox<Data>?, via elsewhere: RemoteInstances) async throws(InstanceFailure) {
        let left = deadline - clock.now
        let seconds = Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18
        let handed: AgentWire.TaskView
        do {
            handed = try await elsewhere.client.handTask(attempt: elsewhere.attempt, AgentWire.TaskRequest(instance: instance.name, action: action.rawValue,
                                                                                                          version: version, timeoutSeconds: max(0.001, seconds)))
        } catch {
            throw InstanceFailure(why: "its \(action.rawValue) command could not be handed to \(instance.runsOn?.description ?? "its agent"): \(error)")
        }
        var view = handed
        while !(view.state != "waiting" && view.state != "running") {
            if let reason = stop.stopped {
                _ = try? await elsewhere.client.cancelTask(handed.id)
                throw InstanceFailure(why: "stopped: \(reason)")
            }
            if clock.now >= deadline {
                _ = try? await elsewhere.client.cancelTask(handed.id)
                throw InstanceFailure(why: view.state == "waiting"
                    ? "no agent with \(instance.runsOn?.description ?? "its target") took its \(action.rawValue) command before its deadline"
                    : "its \(action.rawValue) command on agent \(view.agent ?? "?") ran past the instance's deadline")
            }
            try? await Task.sleep(for: .milliseconds(100))
            if let latest = try? await elsewhere.client.task(handed.id) { view = latest }
        }
        let output = view.output
        if !output.isEmpty {
            let shown = output.hasSuffix("\n") ? output : output + "\n"
            await shipper.append("stdout", Data(shown.utf8))
            capture?.withLockedValue { $0.append(Data(output.utf8)) }
        }
        await log("\(instance.name): \(action.rawValue) on agent \(view.agent ?? "?"): \(view.outcome)")
        switch view.state {
        case "succeeded": return
        case "failed": throw InstanceFailure(why: "its \(action.rawValue) command on agent \(view.agent ?? "?") ended: \(view.outcome)")
        case "lost": throw InstanceFailure(why: "agent \(view.agent ?? "?") went silent running its \(action.rawValue) command")
        default: throw InstanceFailure(why: "its \(action.rawValue) command was \(view.state): \(view.outcome)")
        }
    }

    private func readVersion(_ instance: RollingInstance) async throws(InstanceFailure) -> String {
        let output = NIOLockedValueBox(Data())
        try await command("version", spec.versionCommand, instance, nil, deadline: clock.now + .seconds(30), capture: output)
        guard let version = VersionOutput.version(String(decoding: output.withLockedValue { $0 }, as: UTF8.self)) else {
            throw InstanceFailure(why: "the version command printed nothing for \(instance.name)")
        }
        return version
    }

    /// Tried every `interval` until it answers as expected or the deadline passes.
    private func healthy(_ instance: RollingInstance, deadline: ContinuousClock.Instant) async throws(InstanceFailure) {
        var last = "no try made"
        while true {
            if let reason = stop.stopped { throw InstanceFailure(why: "stopped: \(reason)") }
            guard let why = await healthOnce(instance) else { return }
            last = why
            let next = clock.now + .milliseconds(Int64(spec.healthCheck.interval * 1000))
            guard next < deadline else { throw InstanceFailure(why: "health check failing at its deadline: \(last)") }
            try? await Task.sleep(until: next, clock: clock)
        }
    }

    /// Nil when the instance answers its health check as expected; why not otherwise.
    private func healthOnce(_ instance: RollingInstance) async -> String? {
        let check = spec.healthCheck
        let url = RollingUpdateSpec.filled(check.url, instance: instance, version: spec.version)
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: check.method)
        for (name, value) in check.headers { request.headers.add(name: name, value: value) }
        do {
            let response = try await http.execute(request, timeout: .seconds(5))
            let body = String(buffer: try await response.body.collect(upTo: 1024 * 1024))
            guard check.expectedStatus.contains(Int(response.status.code)) else { return "\(url) answered \(response.status.code)" }
            if let text = check.bodyContains, !body.contains(text) { return "\(url) answered without \(text.debugDescription)" }
            return nil
        } catch {
            return "\(url) did not answer (\(error))"
        }
    }

    // MARK: - The report

    private func seconds() -> Double {
        let elapsed = clock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    private func deadline() -> ContinuousClock.Instant { clock.now + .milliseconds(Int64(spec.instanceDeadline * 1000)) }

    private func state(of name: String) -> RollingReport.InstanceState? {
        report.withLockedValue { $0.instances.first { $0.name == name }?.state }
    }

    private func update(_ name: String, _ change: (inout RollingReport.Instance) -> Void) {
        report.withLockedValue { report in
            guard let index = report.instances.firstIndex(where: { $0.name == name }) else { return }
            change(&report.instances[index])
        }
    }

    private func setPhase(_ phase: RollingReport.Phase) { report.withLockedValue { $0.phase = phase } }

    private func finish(_ phase: RollingReport.Phase, _ reason: String?) {
        report.withLockedValue { report in
            report.phase = phase
            if let reason { report.reason = reason }
        }
    }

    private func probePart() -> RollingReport.Probe? {
        guard let probe = spec.probe else { return nil }
        // Requests still waiting for an answer are not counted yet: a service holding them is
        // interrupted from its last good answer to the latest request answered.
        let taken = samples.withLockedValue { $0 }.sorted { $0.sentAt < $1.sentAt }
        return RollingReport.probe(url: probe.url, rate: probe.rate, samples: taken, until: taken.last?.sentAt ?? 0, rule: probe.rule)
    }

    /// The report with the probe's figures and each batch's share of them.
    private func snapshot() -> RollingReport {
        var current = report.withLockedValue { $0 }
        current.elapsed = seconds()
        guard let probe = spec.probe else { return current }
        let taken = samples.withLockedValue { $0 }.sorted { $0.sentAt < $1.sentAt }
        let end = taken.last?.sentAt ?? 0
        current.probe = RollingReport.probe(url: probe.url, rate: probe.rate, samples: taken, until: end, rule: probe.rule)
        let whole = Interruption.measure(taken, interval: 1 / probe.rate, until: end, rule: probe.rule)
        for index in current.batches.indices {
            let batch = current.batches[index]
            current.batches[index].interruption = RollingReport.ProbeFigures(whole.within(batch.start, batch.end ?? end, samples: taken, rule: probe.rule))
        }
        return current
    }

    private func log(_ line: String) async {
        await shipper.append("stdout", Data(String(format: "[rolling %7.2f s] %@\n", seconds(), line).utf8))
    }
}

/// What the update's agent needs to hand an instance's command to another agent.
struct RemoteInstances: Sendable {
    let client: AgentClient
    /// The rolling update's attempt.
    let attempt: UUID
    /// This agent's name and labels: an instance whose target accepts them runs here.
    let agent: String
    let labels: [String: String]
}
