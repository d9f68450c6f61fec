import Foundation
import NIOConcurrencyHelpers

/// Agents waiting for work on this replica, woken at once when a run moves here or on another
/// replica (heard from the events table): a step that becomes ready reaches an idle agent in
/// the time of one claim, not one polling interval.
final class AgentDispatch: Sendable {
    private struct State {
        var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
        var rings = 0
    }
    private let state = NIOLockedValueBox(State())

    /// How many times the bell rang: a waiter compares it before and after reading, so that a
    /// ring between its read and its wait is not missed.
    var rings: Int { state.withLockedValue { $0.rings } }

    func ring() {
        let waiting = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.rings += 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiting { waiter.resume() }
    }

    /// Waits until the bell rings after `seen`, or `timeout` passes.
    func wait(after seen: Int, timeout: TimeInterval) async {
        let id = UUID()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        let resumeNow = self.state.withLockedValue { state -> Bool in
                            guard state.rings == seen, !Task.isCancelled else { return true }
                            state.waiters[id] = continuation
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                } onCancel: {
                    self.state.withLockedValue { $0.waiters.removeValue(forKey: id) }?.resume()
                }
            }
            group.addTask { try? await Task.sleep(for: .seconds(timeout)) }
            await group.next()
            group.cancelAll()
        }
    }

    var waiting: Int { state.withLockedValue { $0.waiters.count } }
}
