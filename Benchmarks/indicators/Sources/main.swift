import BasculeCore
import BasculeServer
import BasculeStore
import Foundation
import Logging
import SQLKit

// The indicators benchmark. `IndicatorBenchmark generate FILE [RELEASES]` writes a store with
// 100,000 releases over four years, one live run each with ten actions (1,000,000 run actions),
// two changes each and 50,000 incidents (a third confirmed against a release), from a fixed
// seed. `IndicatorBenchmark measure FILE FROM TO` computes every indicator of the period as the
// server does (SQL and Core), prints each (key numerator denominator value) and the times.

struct Random {
    var state: UInt64
    mutating func next() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53)
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    print("usage: IndicatorBenchmark generate FILE [RELEASES] | measure FILE FROM TO")
    exit(2)
}
let file = arguments[2]
let origin = Date(timeIntervalSince1970: 1_704_067_200)  // 2024-01-01
var logger = Logger(label: "bench")
logger.logLevel = .error

func generate(_ releases: Int) async throws {
    try? FileManager.default.removeItem(atPath: file)
    let store = try await Store.open(.sqlite(path: file), logger: logger)
    try await Migrator(store: store).migrate()
    let span = 4 * 365 * 86_400.0
    var random = Random(state: 42)
    let items = (0..<200).map { "ci-\($0)" }
    try await store.transaction { db in
        for chunk in stride(from: 0, to: items.count, by: 100) {
            let rows = items[chunk..<min(items.count, chunk + 100)].map { key -> SQLQueryString in
                "(\(bind: key), \(bind: key), 'application', \(bind: "team-\(Int(key.dropFirst(3))! % 10)"), 3, '[]', '[]', 0, 0, 1)"
            }
            try await db.raw("INSERT INTO configuration_items (key, name, type, owner_team, criticality, environments, tags, created_at, updated_at, revision) VALUES " + rows.joined(separator: ", ")).run()
        }
    }
    let batch = 500
    var releaseIDs: [String] = []
    releaseIDs.reserveCapacity(releases)
    for first in stride(from: 0, to: releases, by: batch) {
        let numbers = first..<min(releases, first + batch)
        var releaseRows: [SQLQueryString] = [], runRows: [SQLQueryString] = [], actionRows: [SQLQueryString] = []
        var deploymentRows: [SQLQueryString] = [], changeRows: [SQLQueryString] = [], itemRows: [SQLQueryString] = []
        for index in numbers {
            let number = index + 1
            let id = UUID().uuidString, run = UUID().uuidString
            releaseIDs.append(id)
            let ended = origin.addingTimeInterval(span * Double(index) / Double(releases) + random.next() * 3600)
            let started = ended.addingTimeInterval(-(1800 + random.next() * 7200))
            let plannedStart = started.addingTimeInterval(random.next() < 0.85 ? 600 * random.next() - 300 + 300 : -1800)
            let plannedEnd = plannedStart.addingTimeInterval(3 * 3600 * (random.next() < 0.9 ? 1 : 0.3))
            let roll = random.next()
            let result = roll < 0.06 ? "rolledBack" : roll < 0.1 ? "failed" : "deployed"
            let type = random.next() < 0.05 ? "emergency" : "minor"
            let production = random.next() < 0.8 ? 1 : 0
            let tag = "app-\(index % 20)"
            let ms = { (date: Date) in Int64((date.timeIntervalSince1970 * 1000).rounded()) }
            releaseRows.append("(\(bind: id), \(bind: Int64(number)), \(bind: "Release \(number)"), '1.0.0', \(bind: type), \(bind: result == "deployed" ? "closed" : result), \(bind: ms(plannedStart)), \(bind: ms(plannedEnd)), NULL, NULL, '', '[]', '[]', \(bind: ms(started) - 86_400_000), \(bind: ms(ended)), 1)")
            runRows.append("(\(bind: run), \(bind: id), 'live', 'finished', '', 1, 1, \(bind: ms(started)), \(bind: ms(ended)))")
            for sequence in 1...10 {
                actionRows.append("(\(bind: run), \(bind: Int64(sequence)), 'note', 'S1', 'olivier', \(bind: ms(started) + Int64(sequence) * 60_000), 'step', NULL)")
            }
            let plannedDown = Int64(1_500_000), actualDown = Int64(1_200_000 + random.next() * 900_000)
            deploymentRows.append("(\(bind: run), \(bind: id), \(bind: Int64(number)), \(bind: production == 1 ? "production" : "recette"), \(bind: Int64(production)), \(bind: type), \(bind: "[\"\(tag)\"]"), \(bind: result), \(bind: ms(plannedStart)), \(bind: ms(plannedEnd)), \(bind: ms(started)), \(bind: ms(ended)), \(bind: plannedDown), \(bind: actualDown))")
            for change in 0..<2 {
                let changeID = UUID().uuidString
                let created = started.addingTimeInterval(-86_400 * (1 + random.next() * 20))
                changeRows.append("(\(bind: changeID), \(bind: Int64(2 * index + change + 1)), \(bind: id), 'Change', '', 'normal', 'software', NULL, 'low', '', \(bind: change == 1 && random.next() < 0.05 ? "cancelled" : "implemented"), 'pierre', \(bind: ms(created)), \(bind: ms(created)), 1)")
                itemRows.append("(\(bind: changeID), \(bind: items[Int(random.next() * Double(items.count))]))")
            }
        }
        let (releaseRows2, runRows2, actionRows2, deploymentRows2, changeRows2, itemRows2) = (releaseRows, runRows, actionRows, deploymentRows, changeRows, itemRows)
        try await store.transaction { db in
            let (releaseRows, runRows, actionRows, deploymentRows, changeRows, itemRows) = (releaseRows2, runRows2, actionRows2, deploymentRows2, changeRows2, itemRows2)
            try await db.raw("INSERT INTO releases (id, number, title, version, type, status, planned_start, planned_end, environment_id, owner, description, objectives, scope, created_at, updated_at, revision) VALUES " + releaseRows.joined(separator: ", ")).run()
            try await db.raw("INSERT INTO runs (id, release_id, kind, status, progress, steps_revision, revision, created_at, updated_at) VALUES " + runRows.joined(separator: ", ")).run()
            for part in stride(from: 0, to: actionRows.count, by: 1000) {
                try await db.raw("INSERT INTO run_actions (run_id, sequence, kind, step, actor, at, text, decision) VALUES " + actionRows[part..<min(actionRows.count, part + 1000)].joined(separator: ", ")).run()
            }
            try await db.raw("INSERT INTO deployments (run_id, release_id, release_number, environment, production, type, tags, result, planned_start, planned_end, started_at, ended_at, planned_downtime_ms, actual_downtime_ms) VALUES " + deploymentRows.joined(separator: ", ")).run()
            try await db.raw("INSERT INTO changes (id, number, release_id, title, description, category, kind, link, risk, rollback, status, requested_by, created_at, updated_at, revision) VALUES " + changeRows.joined(separator: ", ")).run()
            try await db.raw("INSERT INTO change_items (change_id, item) VALUES " + itemRows.joined(separator: ", ")).run()
        }
    }
    let incidents = releases / 2
    for first in stride(from: 0, to: incidents, by: batch) {
        var incidentRows: [SQLQueryString] = [], itemRows: [SQLQueryString] = [], attributionRows: [SQLQueryString] = []
        for index in first..<min(incidents, first + batch) {
            let id = UUID().uuidString
            let opened = origin.addingTimeInterval(span * random.next())
            let resolved: Date? = random.next() < 0.9 ? opened.addingTimeInterval(600 + random.next() * random.next() * 3 * 86_400) : nil
            let ms = { (date: Date) in Int64((date.timeIntervalSince1970 * 1000).rounded()) }
            incidentRows.append("(\(bind: id), \(bind: String(format: "INC%08d", index + 1)), 'Errors', \(bind: Int64(1 + Int(random.next() * 4))), \(bind: ms(opened)), \(bind: resolved.map(ms)), NULL, 'bench', \(bind: ms(opened)), \(bind: ms(opened)))")
            itemRows.append("(\(bind: id), \(bind: items[Int(random.next() * Double(items.count))]))")
            if random.next() < 0.33 {
                // The release deployed just before it, as a person would confirm it.
                let position = min(releases - 1, max(0, Int(opened.timeIntervalSince(origin) / span * Double(releases)) - 1 - Int(random.next() * 20)))
                let state = random.next() < 0.8 ? "confirmed" : "rejected"
                attributionRows.append("(\(bind: id), \(bind: releaseIDs[position]), \(bind: state), '[]', 0, 0.5, 'claire', \(bind: ms(opened)))")
            }
        }
        let (incidentRows2, itemRows2, attributionRows2) = (incidentRows, itemRows, attributionRows)
        try await store.transaction { db in
            let (incidentRows, itemRows, attributionRows) = (incidentRows2, itemRows2, attributionRows2)
            try await db.raw("INSERT INTO incidents (id, reference, title, severity, opened_at, resolved_at, link, source, created_at, updated_at) VALUES " + incidentRows.joined(separator: ", ")).run()
            try await db.raw("INSERT INTO incident_items (incident_id, item) VALUES " + itemRows.joined(separator: ", ")).run()
            if !attributionRows.isEmpty {
                try await db.raw("INSERT INTO attributions (incident_id, release_id, state, path, since_ms, confidence, decided_by, decided_at) VALUES " + attributionRows.joined(separator: ", ")).run()
            }
        }
    }
    try await store.withConnection { db in try await db.raw("ANALYZE").run() }
    await store.close()
    print("generated \(releases) releases, \(releases * 10) run actions, \(releases * 2) changes, \(incidents) incidents")
}

func measure(from: Date, to: Date) async throws {
    let store = try await Store.open(.sqlite(path: file), logger: logger)
    let period = DateInterval(start: from, end: to)
    var times: [Double] = []
    var set: IndicatorSet?
    for _ in 0..<7 {
        let start = DispatchTime.now().uptimeNanoseconds
        set = try await ReportService.indicators(over: period, filter: IndicatorFilter(), incidentDays: 7, store: store)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    for indicator in set?.indicators ?? [] {
        print("indicator \(indicator.key.rawValue) \(indicator.numerator ?? -1) \(indicator.denominator ?? -1) \(indicator.value.map { String(format: "%.6f", $0) } ?? "none")")
    }
    // Where the time goes, once: each read, then Core's arithmetic.
    try await store.withConnection { db in
        let deployments = DeploymentRepository(db)
        func timed<T>(_ name: String, _ body: () async throws -> T) async throws -> T {
            let start = DispatchTime.now().uptimeNanoseconds
            let value = try await body()
            print(String(format: "part %@ %.1f ms", name, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6))
            return value
        }
        let ended = try await timed("deployments") { try await deployments.ended(in: period) }
        let changes = try await timed("changes") { try await deployments.changes(in: period) }
        let confirmed = try await timed("confirmed") { try await deployments.confirmedIncidents(in: period) }
        let incidents = try await timed("incidents") { try await IncidentRepository(db).opened(in: period, filter: IndicatorFilter()) }
        _ = try await timed("core") { IndicatorSet(period: period, deployments: ended, changes: changes, incidents: incidents, confirmed: confirmed) }
    }
    let sorted = times.sorted()
    print(String(format: "time first %.1f ms, median %.1f ms, best %.1f ms", times[0], sorted[sorted.count / 2], sorted[0]))
    await store.close()
}

switch arguments[1] {
case "generate": try await generate(arguments.count > 3 ? Int(arguments[3]) ?? 100_000 : 100_000)
case "measure":
    guard arguments.count >= 5, let from = try? Date(arguments[3], strategy: .iso8601), let to = try? Date(arguments[4], strategy: .iso8601) else {
        print("measure FILE FROM TO (RFC 3339)")
        exit(2)
    }
    try await measure(from: from, to: to)
default:
    print("generate or measure")
    exit(2)
}
