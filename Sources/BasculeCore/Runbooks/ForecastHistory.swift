import Foundation

/// What a release's rehearsals say of each step: how long it took, and how often it failed
/// and had to be tried again.
public struct RehearsalHistory: Sendable, Equatable {
    /// Per step, its durations in the rehearsals that finished it.
    public let durations: [String: [TimeInterval]]
    /// Per step, how many rehearsals began it.
    public let runs: [String: Int]
    /// Per step, how many times it was tried again after failing.
    public let retries: [String: Int]
    /// Per step, the interruptions it measured from outside (a rolling update's probe), in seconds.
    public let interruptions: [String: [TimeInterval]]

    public init(_ rehearsals: [Run]) {
        var durations: [String: [TimeInterval]] = [:], runs: [String: Int] = [:], retries: [String: Int] = [:]
        var interruptions: [String: [TimeInterval]] = [:]
        for run in rehearsals {
            for (key, duration) in run.actualDurations { durations[key, default: []].append(duration) }
            for step in run.steps where step.segment == .main {
                if let measured = step.progress.measuredDowntime { interruptions[step.step.key, default: []].append(measured) }
            }
            var begun = Set<String>()
            for action in run.log {
                guard let key = action.step else { continue }
                if action.kind == .start { begun.insert(key) }
                if action.kind == .retry { retries[key, default: 0] += 1 }
            }
            for key in begun { runs[key, default: 0] += 1 }
        }
        self.durations = durations
        self.runs = runs
        self.retries = retries
        self.interruptions = interruptions
    }

    public init(durations: [String: [TimeInterval]], interruptions: [String: [TimeInterval]] = [:]) {
        self.durations = durations
        runs = durations.mapValues(\.count)
        retries = [:]
        self.interruptions = interruptions
    }
}

/// A finished live run as later forecasts learn from it: how it compared with its own
/// rehearsals, and how often its steps had to be run again.
public struct CutoverRecord: Sendable, Equatable {
    public let release: ReleaseKey
    public let tags: [String]
    public let endedAt: Date
    /// Natural logarithm of the live run's pace against its rehearsals (robust to an odd
    /// step); nil when no finished step had been rehearsed.
    public let logRatio: Double?
    /// Steps begun, begun again after failing, and done but far longer than their rehearsals
    /// at the run's pace (`StepDistributions.hiccupRatio`).
    public let attempts: Int
    public let retries: Int
    public let hiccups: Int

    public init(release: ReleaseKey, tags: [String], endedAt: Date, logRatio: Double?, attempts: Int, retries: Int, hiccups: Int = 0) {
        self.release = release
        self.tags = tags
        self.endedAt = endedAt
        self.logRatio = logRatio
        self.attempts = attempts
        self.retries = retries
        self.hiccups = hiccups
    }

    /// Nil unless `live` is a live run that finished (a rolled-back or aborted run never
    /// reached its end, so its pace says little about the next).
    public init?(live: Run, rehearsals: [Run], tags: [String]) {
        guard live.kind == .live, live.status == .finished, let ended = live.endedAt else { return nil }
        let before = rehearsals.filter { $0.kind == .rehearsal && $0.createdAt < live.createdAt }
        let main = live.steps.filter { $0.segment == .main }
        let forecaster = Forecaster(steps: main.map(\.step), history: RehearsalHistory(before).durations)
        let pace = forecaster.pace(progress: main.map(\.progress), prior: .vague)
        self.init(release: live.releaseKey, tags: tags, endedAt: ended,
                  logRatio: pace.basis == .rehearsals && pace.steps > 0 ? pace.logMean : nil,
                  attempts: live.log.filter { $0.kind == .start || $0.kind == .retry }.count,
                  retries: live.log.filter { $0.kind == .retry }.count,
                  hiccups: forecaster.hiccups(progress: main.map(\.progress), pace: pace))
    }
}

/// The installation's finished cutovers: where the next forecast's prior comes from.
public struct InstallationHistory: Sendable, Equatable {
    public let cutovers: [CutoverRecord]
    /// How these cutovers' forecasts held (`CalibrationReport.recalibration`): where the next
    /// forecast reads its quantiles.
    public let recalibration: Recalibration

    /// The most recent cutovers learned from: practices change, and old runs stop saying much.
    public static let depth = 50

    public init(_ cutovers: [CutoverRecord], recalibration: Recalibration = .identity) {
        self.cutovers = Array(cutovers.sorted { $0.endedAt > $1.endedAt }.prefix(Self.depth))
        self.recalibration = recalibration
    }

    public static let empty = InstallationHistory([])

    /// The cutovers finished before `date` (all when nil). Their forecasts' record is kept only
    /// when none is left out (the calibration report remakes it for each cutover it replays).
    public func before(_ date: Date?) -> InstallationHistory {
        guard let date else { return self }
        let earlier = cutovers.filter { $0.endedAt < date }
        return InstallationHistory(earlier, recalibration: earlier.count == cutovers.count ? recalibration : .identity)
    }

    /// The prior of a live run of a release tagged `tags`: the same application's cutovers
    /// (sharing a tag) when there are enough, else all of them, else as rehearsed.
    public func prior(for tags: [String]) -> PacePrior {
        let tagged = Set(tags)
        let all = cutovers.compactMap(\.logRatio)
        let application = cutovers.filter { !tagged.isDisjoint(with: $0.tags) }.compactMap(\.logRatio)
        return PacePrior.learned(application: application, installation: all)
    }

    /// Share of step attempts that were made again or ran far long, over the cutovers; nil without any.
    public var rerunRate: Double? {
        let attempts = cutovers.map(\.attempts).reduce(0, +)
        guard attempts > 0 else { return nil }
        return Double(cutovers.map { $0.retries + $0.hiccups }.reduce(0, +)) / Double(attempts)
    }
}
