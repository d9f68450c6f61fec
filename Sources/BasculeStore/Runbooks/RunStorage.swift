import BasculeCore
import Foundation
import NIOConcurrencyHelpers

/// How a run's steps are kept: what the steps are (the runbook's step and its segment), written
/// when the run starts and when a rollback adds its steps, apart from where each stands,
/// written at every action in a compact text. Reading a 10,000-step run's definitions as JSON
/// costs tens of milliseconds, so they are decoded once per process and kept by run and
/// `steps_revision`; an action then reads and writes only the progress (docs/BENCHMARKS.md).
struct RunStepDefinition: Codable, Sendable, Equatable {
    let step: RunbookStep
    let segment: RunSegment
}

/// `state,startMillis,endMillis` per step, `;` between steps: `d,1800000000000,1800000060000;p,,`;
/// a step that measured its downtime adds `,millis` (`d,1800000000000,1800000060000,420`).
enum ProgressText {
    private static let codes: [StepState: Character] = [.pending: "p", .running: "r", .done: "d", .failed: "f", .skipped: "s", .lost: "l"]
    private static let states = Dictionary(uniqueKeysWithValues: codes.map { ($1, $0) })

    static func encode(_ progress: [StepProgress]) -> String {
        var text = ""
        text.reserveCapacity(progress.count * 8)
        for (index, step) in progress.enumerated() {
            if index > 0 { text += ";" }
            text.append(codes[step.state] ?? "p")
            text += ","
            if let started = step.startedAt { text += String(Columns.millis(started)) }
            text += ","
            if let ended = step.endedAt { text += String(Columns.millis(ended)) }
            if let measured = step.measuredDowntime { text += "," + String(Int64((measured * 1000).rounded())) }
        }
        return text
    }

    static func decode(_ text: String, count: Int) throws -> [StepProgress] {
        guard count > 0 else { return [] }
        var result: [StepProgress] = []
        result.reserveCapacity(count)
        for entry in text.utf8.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false) {
            let parts = entry.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
            guard parts.count == 3 || parts.count == 4, let code = parts[0].first, let state = states[Character(UnicodeScalar(code))] else {
                throw StoreError.corruptRow("run progress")
            }
            func date(_ bytes: Substring.UTF8View.SubSequence) throws -> Date? {
                guard !bytes.isEmpty else { return nil }
                guard let millis = Int64(String(decoding: bytes, as: UTF8.self)) else { throw StoreError.corruptRow("run progress") }
                return Columns.date(millis)
            }
            var measured: TimeInterval?
            if parts.count == 4 {
                guard let millis = Int64(String(decoding: parts[3], as: UTF8.self)) else { throw StoreError.corruptRow("run progress") }
                measured = Double(millis) / 1000
            }
            result.append(StepProgress(state: state, startedAt: try date(parts[1]), endedAt: try date(parts[2]), measuredDowntime: measured))
        }
        guard result.count == count else { throw StoreError.corruptRow("run progress: \(result.count) entries for \(count) steps") }
        return result
    }
}

/// Decoded step definitions of runs, by run and `steps_revision`: they change only when a
/// rollback adds steps, which moves the revision. Bounded by steps rather than runs (a thousand
/// rehearsals of 40 steps at once must all stay decoded, measured: decoding them again on each
/// action took 60 % of the server's time), the oldest entries leaving first. Any replica reads
/// the same rows.
public final class RunDefinitionCache: Sendable {
    struct Entry: Sendable {
        let steps: [RunStepDefinition]
        let rollback: [RunbookStep]
        var size: Int { steps.count + rollback.count }
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var order: [String] = []
        var steps = 0
    }

    private let state = NIOLockedValueBox(State())
    /// About 50 MiB of decoded steps at most.
    static let capacity = 100_000

    public init() {}

    func entry(_ run: String, revision: Int) -> Entry? {
        state.withLockedValue { $0.entries["\(run)#\(revision)"] }
    }

    func store(_ entry: Entry, run: String, revision: Int) {
        let key = "\(run)#\(revision)"
        state.withLockedValue { cache in
            if let old = cache.entries.updateValue(entry, forKey: key) {
                cache.steps -= old.size
            } else {
                cache.order.append(key)
            }
            cache.steps += entry.size
            var evicted = 0
            while cache.steps > Self.capacity, evicted < cache.order.count - 1 {
                let oldest = cache.order[evicted]
                evicted += 1
                if let gone = cache.entries.removeValue(forKey: oldest) { cache.steps -= gone.size }
            }
            if evicted > 0 { cache.order.removeFirst(evicted) }
        }
    }
}
