import Foundation
import NIOCore

/// Sends an attempt's output to the server in order, each chunk at its byte offset. What the
/// server acknowledged is dropped; the rest is kept and sent again after a lost connection, from
/// the last acknowledged offset: never twice (the server trims a resend), never skipped. A
/// process that writes faster than the server takes waits once `limit` bytes are pending, so the
/// agent's memory stays bounded whatever the output's size.
actor LogShipper {
    private let client: AgentClient
    private let attempt: UUID
    private var pending: [(stream: String, data: Data)] = []
    private var pendingBytes = 0
    private var acknowledged: Int64 = 0
    private var draining = false
    private let limit: Int
    private let backoff: Backoff
    private var redactor: Redactor
    /// Set for an instance task's output, kept here and returned with its result instead of sent.
    private let captureLimit: Int?
    private(set) var captured = Data()
    private(set) var capturedCut = 0

    init(client: AgentClient, attempt: UUID, redact: [String: String] = [:], limit: Int = 8 * 1024 * 1024, backoff: Backoff = Backoff()) {
        self.client = client
        self.attempt = attempt
        self.redactor = Redactor(redact)
        self.limit = limit
        self.backoff = backoff
        self.captureLimit = nil
    }

    /// Keeps the first `limit` bytes of the output (secrets hidden) and counts the rest.
    init(capturing limit: Int, client: AgentClient, redact: [String: String]) {
        self.client = client
        self.attempt = UUID()
        self.redactor = Redactor(redact)
        self.limit = limit
        self.backoff = Backoff()
        self.captureLimit = limit
    }

    /// The end of the output: what the redactor held back is queued.
    func close() {
        for (stream, data) in redactor.finish() { queue(stream, data) }
    }

    /// Bytes written so far, sent or not.
    var written: Int64 { acknowledged + Int64(pendingBytes) }

    func append(_ stream: String, _ raw: Data) async {
        let data = redactor.feed(stream, raw)
        guard !data.isEmpty else { return }
        queue(stream, data)
        while pendingBytes > limit {
            if draining { try? await Task.sleep(for: .milliseconds(10)) } else { await drain() }
        }
    }

    private func queue(_ stream: String, _ data: Data) {
        guard !data.isEmpty else { return }
        if let captureLimit {
            let room = max(0, captureLimit - captured.count)
            captured.append(data.prefix(room))
            capturedCut += max(0, data.count - room)
            return
        }
        if let last = pending.last, last.stream == stream, last.data.count + data.count <= 64 * 1024 {
            pending[pending.count - 1].data.append(data)
        } else {
            pending.append((stream, data))
        }
        pendingBytes += data.count
    }

    /// Sends what is pending; tries again while the server cannot be reached, until `deadline`.
    func drain(until deadline: Date = .distantFuture) async {
        guard !draining else { return }
        draining = true
        defer { draining = false }
        var failures = 0
        while let first = pending.first {
            let piece = first.data.prefix(256 * 1024)
            do {
                let end = try await client.log(attempt: attempt, offset: acknowledged, stream: first.stream, data: ByteBuffer(data: piece))
                drop(upTo: end)
                failures = 0
            } catch AgentError.refused(409, _, let expected?) where expected > acknowledged {
                // The server has more than we knew (an answer lost on the way): skip what it holds.
                drop(upTo: expected)
            } catch {
                failures += 1
                guard Date() < deadline, !(error is CancellationError) else { return }
                if case AgentError.refused = error { return }
                try? await Task.sleep(for: backoff.delay(after: failures))
            }
        }
    }

    private func drop(upTo end: Int64) {
        var excess = Int(end - acknowledged)
        while excess > 0, !pending.isEmpty {
            let count = pending[0].data.count
            if count <= excess {
                pending.removeFirst()
                pendingBytes -= count
                excess -= count
            } else {
                pending[0].data = Data(pending[0].data.dropFirst(excess))
                pendingBytes -= excess
                excess = 0
            }
        }
        acknowledged = max(acknowledged, end)
    }

    var isEmpty: Bool { pending.isEmpty }
}

/// Exponential back-off with full jitter: agents that lost the server together do not all
/// come back at the same instant.
public struct Backoff: Sendable {
    public var base: Double = 0.2
    public var most: Double = 30

    public init(base: Double = 0.2, most: Double = 30) {
        self.base = base
        self.most = most
    }

    func delay(after failures: Int) -> Duration {
        let ceiling = min(most, base * pow(2, Double(min(failures, 20))))
        return .milliseconds(Int64(Double.random(in: 0...ceiling) * 1000))
    }
}
