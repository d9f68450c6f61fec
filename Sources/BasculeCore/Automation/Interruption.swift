import Foundation

/// One request of an interruption probe: when it left (seconds from the probe's start), and
/// its answer: the status and how long it took, or none (refused, reset, timed out).
public struct ProbeSample: Sendable, Equatable, Codable {
    public let sentAt: Double
    public let status: Int?
    public let latency: Double?

    public init(sentAt: Double, status: Int?, latency: Double?) {
        self.sentAt = sentAt
        self.status = status
        self.latency = latency
    }

    /// When its answer came; nil when none did.
    public var answeredAt: Double? { latency.map { sentAt + $0 } }
}

/// What a probe counts as a good answer: an expected status within `slowAfter` seconds.
public struct ProbeRule: Sendable, Equatable {
    public var expectedStatus: ClosedRange<Int>
    public var slowAfter: Double

    public init(expectedStatus: ClosedRange<Int> = 200...399, slowAfter: Double = 1) {
        self.expectedStatus = expectedStatus
        self.slowAfter = slowAfter
    }

    public func isGood(_ sample: ProbeSample) -> Bool {
        guard let status = sample.status, let latency = sample.latency else { return false }
        return expectedStatus.contains(status) && latency <= slowAfter
    }

    /// A request not good: slow (an expected status, late) rather than failed.
    func isSlow(_ sample: ProbeSample) -> Bool {
        !isGood(sample) && sample.status.map(expectedStatus.contains) == true
    }
}

/// The interruption users saw, measured from outside by a probe sending requests at a steady
/// rate: the failed and slow requests, and the windows without a good answer. A window is
/// measured between the arrivals of good answers, not between requests, so that a service that
/// stops answering for a while (a pause, connections held while draining) counts as
/// interrupted even if every request is answered well in the end. Gaps no longer than twice the
/// probe's interval, or than `noiseFloor`, are the probe's rhythm and the network's jitter, not
/// an interruption a user would notice. A request that fails stands for the users of its
/// interval: behind a balancer still sending a third of the requests to a stopped instance,
/// good answers keep coming yet users see errors, so the total counts each failed or slow
/// request's interval as well as the windows.
public struct Interruption: Sendable, Equatable, Codable {
    public struct Window: Sendable, Equatable, Codable {
        /// Seconds from the probe's start: the last good answer before, and the first after.
        public let start: Double
        public let end: Double
        public var seconds: Double { end - start }
    }

    public let requests: Int
    /// Not answered, or answered with an unexpected status.
    public let failed: Int
    /// Answered with an expected status, but after the rule's `slowAfter`.
    public let slow: Int
    public let windows: [Window]
    /// Seconds of the windows and of the failed and slow requests' intervals, each counted once.
    public let totalSeconds: Double
    /// Seconds between the probe's requests.
    public let interval: Double

    public static let noiseFloor = 0.05

    public var longestGap: Double { windows.map(\.seconds).max() ?? 0 }

    static func total(windows: [Window], bad: [ProbeSample], interval: Double, within period: (Double, Double) = (-.infinity, .infinity)) -> Double {
        let spans = windows.map { ($0.start, $0.end) } + bad.map { ($0.sentAt, $0.sentAt + interval) }
        return CriticalPath.unionLength(spans.compactMap { span in
            let from = max(span.0, period.0), to = min(span.1, period.1)
            return to > from ? (from, to) : nil
        })
    }

    /// Measures a probe that sent `samples` every `interval` seconds from 0 to `end`.
    public static func measure(_ samples: [ProbeSample], interval: Double, until end: Double, rule: ProbeRule = ProbeRule()) -> Interruption {
        var failed = 0, slow = 0
        var arrivals: [Double] = [], bad: [ProbeSample] = []
        for sample in samples {
            if rule.isGood(sample), let answered = sample.answeredAt {
                arrivals.append(answered)
                continue
            }
            bad.append(sample)
            if rule.isSlow(sample) { slow += 1 } else { failed += 1 }
        }
        arrivals.sort()
        // The probe's start and end bound the first and last windows: a service down when the
        // probe starts or still down when it stops was interrupted until then.
        let edges = [0] + arrivals + [max(end, arrivals.last ?? 0)]
        let noise = max(2 * interval, noiseFloor)
        var windows: [Window] = []
        // A micro-second of slack: a gap of exactly two intervals is rhythm, whatever the float rounding.
        for (before, after) in zip(edges, edges.dropFirst()) where after - before > noise + 1e-6 {
            windows.append(Window(start: before, end: after))
        }
        return Interruption(requests: samples.count, failed: failed, slow: slow, windows: windows,
                            totalSeconds: total(windows: windows, bad: bad, interval: interval), interval: interval)
    }

    /// The part of this interruption between `start` and `end` (a batch of a rolling update):
    /// its windows cut to the period, and the requests sent in it.
    public func within(_ start: Double, _ end: Double, samples: [ProbeSample], rule: ProbeRule = ProbeRule()) -> Interruption {
        let sent = samples.filter { $0.sentAt >= start && $0.sentAt < end }
        let cut = windows.compactMap { window -> Window? in
            let from = max(window.start, start), to = min(window.end, end)
            return to > from ? Window(start: from, end: to) : nil
        }
        let bad = samples.filter { !rule.isGood($0) }
        return Interruption(requests: sent.count,
                            failed: sent.filter { !rule.isGood($0) && !rule.isSlow($0) }.count,
                            slow: sent.filter(rule.isSlow).count,
                            windows: cut,
                            totalSeconds: Self.total(windows: windows, bad: bad, interval: interval, within: (start, end)), interval: interval)
    }
}
