import BasculeCore
import BasculeStore
import Foundation
import NIOConcurrencyHelpers
import Prometheus

/// What `/metrics` tells Prometheus about this replica: requests by route, method and status
/// with their latency, and, read when scraped, the connection pool, the watchers of live runs
/// on this replica, the runs in progress and their steps by state, agents by state, and the
/// background work.
/// Every metric carries its help text (promtool's lint asks for it), which is why they are made
/// on swift-prometheus' registry rather than through swift-metrics' label-only API.
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    private static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    private static func name(_ base: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "bascule", metricName: base, unitName: unit, helpText: help)
    }

    private static var requestsName: MetricNameDescriptor { name("http_requests", "total", "HTTP requests answered, by route, method and status.") }
    private static var latencyName: MetricNameDescriptor { name("http_request_duration", "seconds", "Time to answer an HTTP request, by route and method.") }
    private static var poolInUseName: MetricNameDescriptor { name("db_connections_in_use", "", "Database connections of this replica's pool in use.") }
    private static var poolWaitingName: MetricNameDescriptor { name("db_connections_waiting", "", "Requests of this replica waiting for a database connection.") }
    private static var poolCapacityName: MetricNameDescriptor { name("db_connections_max", "", "Database connections this replica's pool may open.") }
    private static var watchersName: MetricNameDescriptor { name("run_watchers", "", "Server-Sent Event streams of runs open on this replica.") }
    private static var runsName: MetricNameDescriptor { name("runs_in_progress", "", "Runs under way, by kind (all replicas: read from the database).") }
    private static var stepsName: MetricNameDescriptor { name("run_steps", "", "Steps of the runs under way, by state (all replicas).") }
    private static var agentsName: MetricNameDescriptor { name("agents", "", "Registered agents, by state: idle, busy, lost, disabled, revoked (all replicas).") }
    private static var workRunsName: MetricNameDescriptor { name("background_work_started", "", "Times each piece of background work has been started, all replicas together.") }
    private static var workFailingName: MetricNameDescriptor { name("background_work_failing", "", "1 when a piece of background work's last run failed.") }
    private static var workOverdueName: MetricNameDescriptor { name("background_work_overdue_seconds", "", "How late each piece of background work is (0 when on time).") }

    public init() {}

    /// One answered request. `route` is the matched route's pattern, never the raw path, so
    /// that release keys and ids do not each make a series of their own.
    public func request(route: String, method: String, status: Int, duration: Duration) {
        let key = RequestSeries(route: route, method: method, status: status)
        let series = requestSeries.withLockedValue { cache in
            if let known = cache[key] { return known }
            let made = (
                registry.makeCounter(descriptor: Self.requestsName, labels: [("route", route), ("method", method), ("status", String(status))]),
                registry.makeDurationHistogram(descriptor: Self.latencyName, labels: [("route", route), ("method", method)], buckets: Self.latencyBuckets))
            cache[key] = made
            return made
        }
        series.0.increment()
        series.1.record(duration)
    }

    /// Each request's series, found once: the registry checks names and labels at every call.
    private struct RequestSeries: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    private let requestSeries = NIOLockedValueBox<[RequestSeries: (Counter, DurationHistogram)]>([:])

    /// The exposition text, with the gauges read now: for those who may read the audit trail
    /// (Prometheus scrapes with an auditor's token); a refusal is audited like any other.
    public func exposition(store: Store, runs: RunService, agentHeartbeat: TimeInterval = AgentSettings().heartbeat, now: Date = Date()) async throws -> String {
        try await Gatekeeper(store: store, now: Date.init).require(.auditRead, on: "metrics")
        let pool = store.poolUse
        registry.makeGauge(descriptor: Self.poolInUseName).set(Double(pool.inUse))
        registry.makeGauge(descriptor: Self.poolWaitingName).set(Double(pool.waiting))
        registry.makeGauge(descriptor: Self.poolCapacityName).set(Double(pool.capacity))
        registry.makeGauge(descriptor: Self.watchersName).set(Double(await runs.events.totalWatchers))
        if let underWay = try? await store.withConnection({ try await RunRepository($0, cache: store.runDefinitions).underWay(limit: 100_000) }) {
            for kind in RunKind.allCases {
                registry.makeGauge(descriptor: Self.runsName, labels: [("kind", kind.rawValue)]).set(Double(underWay.filter { $0.kind == kind }.count))
            }
            var states: [StepState: Int] = [:]
            for run in underWay { for step in run.steps { states[step.progress.state, default: 0] += 1 } }
            for state in StepState.allCases {
                registry.makeGauge(descriptor: Self.stepsName, labels: [("state", state.rawValue)]).set(Double(states[state] ?? 0))
            }
        }
        if let agents = try? await store.withConnection({ try await AgentRepository($0).all() }) {
            let states = Dictionary(grouping: agents) { $0.state(at: now, heartbeat: agentHeartbeat) }
            for state in AgentState.allCases {
                registry.makeGauge(descriptor: Self.agentsName, labels: [("state", state.rawValue)]).set(Double(states[state]?.count ?? 0))
            }
        }
        if let work = try? await store.withConnection({ try await WorkRepository($0).all() }) {
            for item in work {
                let labels = [("work", item.name)]
                registry.makeGauge(descriptor: Self.workRunsName, labels: labels).set(Double(item.runs))
                registry.makeGauge(descriptor: Self.workFailingName, labels: labels).set(item.lastError == nil ? 0.0 : 1.0)
                registry.makeGauge(descriptor: Self.workOverdueName, labels: labels).set(max(0, now.timeIntervalSince(item.dueAt) - 60))
            }
        }
        return registry.emitToString()
    }
}
