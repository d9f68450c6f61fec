import Foundation

/// What a rolling update did and measured, sent by its agent as it goes and kept with the
/// attempt: the run page draws it live, the rehearsal report and the downtime figures read
/// its interruption. Times are seconds from the step's start on the agent's clock.
public struct RollingReport: Sendable, Equatable, Codable {
    public enum Phase: String, Sendable, Codable, CaseIterable {
        case preflight, surge, rolling, rollingBack, done, rolledBack, failed
    }

    public enum InstanceState: String, Sendable, Codable, CaseIterable {
        case waiting, draining, stopping, starting, checking, healthy, failed, rollingBack, rolledBack, skipped
    }

    public struct Instance: Sendable, Equatable, Codable {
        public var name: String
        /// The version it ran before the update, as its version command printed it.
        public var from: String?
        /// The version it runs now, as last read.
        public var version: String?
        public var state: InstanceState
        public var detail: String?
        public var batch: Int?

        public init(name: String, from: String? = nil, version: String? = nil, state: InstanceState = .waiting, detail: String? = nil, batch: Int? = nil) {
            self.name = name
            self.from = from
            self.version = version
            self.state = state
            self.detail = detail
            self.batch = batch
        }
    }

    public struct Batch: Sendable, Equatable, Codable {
        /// From 1; 0 for the surge, -1 for the rollback.
        public var number: Int
        public var instances: [String]
        public var start: Double
        public var end: Double?
        public var interruption: ProbeFigures?

        public init(number: Int, instances: [String], start: Double, end: Double? = nil, interruption: ProbeFigures? = nil) {
            self.number = number
            self.instances = instances
            self.start = start
            self.end = end
            self.interruption = interruption
        }
    }

    /// An `Interruption` as figures: what is kept and shown.
    public struct ProbeFigures: Sendable, Equatable, Codable {
        public var requests: Int
        public var failed: Int
        public var slow: Int
        public var longestGap: Double
        public var totalSeconds: Double

        public init(_ interruption: Interruption) {
            requests = interruption.requests
            failed = interruption.failed
            slow = interruption.slow
            longestGap = interruption.longestGap
            totalSeconds = interruption.totalSeconds
        }
    }

    /// The probe over the whole update: its figures, its windows without a good answer, and
    /// one bucket per `bucketSeconds` of good and bad answers, for the timeline.
    public struct Probe: Sendable, Equatable, Codable {
        public var url: String
        public var rate: Double
        public var figures: ProbeFigures
        public var windows: [Interruption.Window]
        public var bucketSeconds: Double
        public var good: [Int]
        public var bad: [Int]
    }

    public var service: String
    public var version: String
    public var phase: Phase
    public var instances: [Instance]
    public var batches: [Batch]
    public var probe: Probe?
    /// Why the update was rolled back or failed.
    public var reason: String?
    /// Seconds since the step's start when this report was written.
    public var elapsed: Double

    public init(service: String, version: String, instances: [Instance], phase: Phase = .preflight) {
        self.service = service
        self.version = version
        self.phase = phase
        self.instances = instances
        self.batches = []
        self.reason = nil
        self.elapsed = 0
    }

    /// Most buckets a timeline keeps: a longer update gets wider buckets.
    public static let maximumBuckets = 600
    /// Most windows kept: the longest ones, the figures still count them all.
    public static let maximumWindows = 200

    /// The probe's part of the report from its samples so far.
    public static func probe(url: String, rate: Double, samples: [ProbeSample], until end: Double, rule: ProbeRule) -> Probe {
        let measured = Interruption.measure(samples, interval: 1 / rate, until: end, rule: rule)
        var width = 1.0
        while end / width > Double(maximumBuckets) { width *= 2 }
        let count = max(1, Int((end / width).rounded(.up)))
        var good = [Int](repeating: 0, count: count), bad = [Int](repeating: 0, count: count)
        for sample in samples {
            let index = min(count - 1, max(0, Int(sample.sentAt / width)))
            if rule.isGood(sample) { good[index] += 1 } else { bad[index] += 1 }
        }
        let windows = measured.windows.count <= maximumWindows ? measured.windows
            : Array(measured.windows.sorted { $0.seconds > $1.seconds }.prefix(maximumWindows)).sorted { $0.start < $1.start }
        return Probe(url: url, rate: rate, figures: ProbeFigures(measured), windows: windows, bucketSeconds: width, good: good, bad: bad)
    }

    /// One line for the run log and the attempt's outcome.
    public var summary: String {
        let moved = instances.filter { $0.state == .healthy && $0.version == version }.count
        var text: String
        switch phase {
        case .done: text = "\(service): \(moved) instance\(moved == 1 ? "" : "s") on \(version) in \(batches.filter { $0.number > 0 }.count) batch\(batches.filter { $0.number > 0 }.count == 1 ? "" : "es")"
        case .rolledBack: text = "\(service) rolled back: \(reason ?? "by hand")"
        case .failed: text = "\(service) update failed: \(reason ?? "unknown reason")"
        default: text = "\(service): \(phase.rawValue)"
        }
        if let figures = probe?.figures {
            text += String(format: "; %d of %d probe requests failed, %d slow, longest gap %.2f s, interruption %.2f s",
                           figures.failed, figures.requests, figures.slow, figures.longestGap, figures.totalSeconds)
        }
        return text
    }
}

/// When a rolling update goes back: more failed instances than the limit, or more measured
/// interruption than the step allows.
public enum RollbackRule {
    /// Why the update must be rolled back now; nil while it may go on.
    public static func reason(failed: [String], limit: Int, interruption: Double?, maxInterruption: Double?) -> String? {
        if failed.count > limit {
            return "\(failed.count) instance\(failed.count == 1 ? "" : "s") failed (\(failed.joined(separator: ", "))), \(limit) allowed"
        }
        if let interruption, let maxInterruption, interruption > maxInterruption {
            return String(format: "measured interruption %.2f s is over the step's limit of %.2f s", interruption, maxInterruption)
        }
        return nil
    }
}

/// How a version command's output is read: its last line that is not blank.
public enum VersionOutput {
    public static func version(_ output: String) -> String? {
        output.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.last { !$0.isEmpty }
    }
}
