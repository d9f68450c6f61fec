import Foundation

/// One Server-Sent Event of a run: its action's sequence (the event id) and its text.
public struct RunEvent: Sendable, Equatable {
    public let sequence: Int
    public let text: String
}

/// Fans each run's events out to everyone watching it (Server-Sent Events). In-process: with
/// several servers behind a load balancer, watchers see the actions taken on their server at
/// once and the others' when they reconnect (the stream replays from `Last-Event-ID`).
public actor RunEvents {
    private var watchers: [UUID: [UUID: AsyncStream<RunEvent>.Continuation]] = [:]

    public init() {}

    public func watch(_ run: UUID) -> AsyncStream<RunEvent> {
        let (stream, continuation) = AsyncStream<RunEvent>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let id = UUID()
        watchers[run, default: [:]][id] = continuation
        continuation.onTermination = { _ in Task { await self.forget(run, id) } }
        return stream
    }

    public func publish(_ run: UUID, _ event: RunEvent) {
        for continuation in watchers[run]?.values ?? [:].values { continuation.yield(event) }
    }

    public func watcherCount(_ run: UUID) -> Int { watchers[run]?.count ?? 0 }

    private func forget(_ run: UUID, _ id: UUID) {
        watchers[run]?[id] = nil
        if watchers[run]?.isEmpty == true { watchers[run] = nil }
    }
}
