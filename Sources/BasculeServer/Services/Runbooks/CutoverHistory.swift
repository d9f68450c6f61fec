import BasculeCore
import BasculeStore
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// The installation's finished cutovers as forecasts learn from them (each live run with its
/// release's earlier rehearsals and tags), and the calibration report made from them. Read
/// again only when a live run finished since: a cheap signature query decides.
final class CutoverHistory: Sendable {
    struct Cutover: Sendable {
        let live: Run
        let rehearsals: RehearsalHistory
        let tags: [String]
    }

    struct Snapshot: Sendable {
        let signature: String
        let cutovers: [Cutover]
        /// With how their forecasts held, which the next forecasts' quantiles are read by.
        let installation: InstallationHistory
        /// Each cutover's forecasts remade with what was known before it began.
        let calibration: CalibrationReport
    }

    private let latest = NIOLockedValueBox<(snapshot: Snapshot, checkedAt: Date)?>(nil)

    /// The history as last read when it was checked less than `maxAge` ago (a live page
    /// reloads at every action: one signature query per `maxAge` is enough for it), else
    /// checked against the signature and read again if a live run finished since.
    func snapshot(in db: any SQLDatabase, definitions: RunDefinitionCache, maxAge: TimeInterval = 0, now: Date = Date()) async throws -> Snapshot {
        if let known = latest.withLockedValue({ $0 }), now.timeIntervalSince(known.checkedAt) < maxAge { return known.snapshot }
        let runs = RunRepository(db, cache: definitions)
        let signature = try await runs.finishedLiveSignature()
        if let known = latest.withLockedValue({ $0 }), known.snapshot.signature == signature {
            latest.withLockedValue { $0 = (known.snapshot, now) }
            return known.snapshot
        }
        let releases = ReleaseRepository(db)
        var cutovers: [Cutover] = [], records: [CutoverRecord] = []
        for live in try await runs.finishedLive(limit: InstallationHistory.depth) {
            guard let release = try await releases.find(live.releaseKey) else { continue }
            let rehearsals = try await runs.all(of: release).filter { $0.kind == .rehearsal && $0.createdAt < live.createdAt }
            cutovers.append(Cutover(live: live, rehearsals: RehearsalHistory(rehearsals), tags: release.fields.tags))
            if let record = CutoverRecord(live: live, rehearsals: rehearsals, tags: release.fields.tags) { records.append(record) }
        }
        // Once per finished cutover: the report's forecasts say where the next ones read their quantiles.
        let learned = InstallationHistory(records)
        let calibration = CalibrationReport(cutovers.map { cutover in
            CalibrationReport.Case(live: cutover.live, rehearsals: cutover.rehearsals,
                                   installation: learned.before(cutover.live.startedAt ?? cutover.live.createdAt), tags: cutover.tags)
        })
        let snapshot = Snapshot(signature: signature, cutovers: cutovers,
                                installation: InstallationHistory(records, recalibration: calibration.recalibration), calibration: calibration)
        latest.withLockedValue { $0 = (snapshot, now) }
        return snapshot
    }
}
