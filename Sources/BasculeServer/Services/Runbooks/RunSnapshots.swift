import BasculeCore
import Foundation
import NIOConcurrencyHelpers

/// The runs this process last wrote, as it wrote them, and the release of every run it has
/// met. An action on a run acted on a second ago then starts from the run in memory instead
/// of reading it again (two queries and their decoding, measured on 1,000 runs at once): the
/// write's revision check refuses a run that another process or replica has moved since, and
/// the action is then tried again on the run read afresh. A run's release never changes.
final class RunSnapshots: Sendable {
    private struct State {
        var runs: [UUID: Run] = [:]
        var order: [UUID] = []
        var steps = 0
        var releases: [UUID: ReleaseKey] = [:]
    }

    private let state = NIOLockedValueBox(State())
    /// Runs kept, counted in steps and actions (a thousand rehearsals of 40 steps, well under).
    static let capacity = 200_000
    /// Releases of runs kept; forgotten all at once beyond (a read brings one back).
    static let releaseCapacity = 100_000

    func run(_ id: UUID) -> Run? {
        state.withLockedValue { $0.runs[id] }
    }

    func release(of id: UUID) -> ReleaseKey? {
        state.withLockedValue { $0.releases[id] }
    }

    func remember(release: ReleaseKey, of id: UUID) {
        state.withLockedValue { state in
            if state.releases.count >= Self.releaseCapacity { state.releases.removeAll(keepingCapacity: true) }
            state.releases[id] = release
        }
    }

    /// Keeps `run` unless a later revision of it is kept already.
    func remember(_ run: Run) {
        state.withLockedValue { state in
            if let kept = state.runs[run.id] {
                guard kept.revision < run.revision else { return }
                state.steps -= Self.size(kept)
            } else {
                state.order.append(run.id)
            }
            state.runs[run.id] = run
            state.steps += Self.size(run)
            var evicted = 0
            while state.steps > Self.capacity, evicted < state.order.count - 1 {
                if let gone = state.runs.removeValue(forKey: state.order[evicted]) { state.steps -= Self.size(gone) }
                evicted += 1
            }
            if evicted > 0 { state.order.removeFirst(evicted) }
            if state.order.count > 2 * state.runs.count + 64 { state.order = state.order.filter { state.runs[$0] != nil } }
        }
    }

    func forget(_ id: UUID) {
        state.withLockedValue { state in
            if let gone = state.runs.removeValue(forKey: id) { state.steps -= Self.size(gone) }
        }
    }

    private static func size(_ run: Run) -> Int { run.steps.count + run.log.count + 1 }
}
