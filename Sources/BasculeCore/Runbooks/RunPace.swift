import Foundation

/// What is believed, before a run starts, of how its steps will compare with their history:
/// one factor shared by every step (a production database bigger than the rehearsal copy,
/// everyone slower at 2 a.m.), as the logarithm of a ratio with its uncertainty.
public struct PacePrior: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// No finished live run to learn from: as rehearsed.
        case rehearsals
        /// The finished live runs of the same application.
        case application(cutovers: Int)
        /// The finished live runs of the whole installation.
        case installation(cutovers: Int)
    }

    /// Natural logarithm of the expected ratio: 0 as rehearsed, 0.095 about 10 % slower.
    public let logMean: Double
    /// The uncertainty of that logarithm for the next run (a standard deviation).
    public let logSD: Double
    public let source: Source

    public init(logMean: Double, logSD: Double, source: Source) {
        self.logMean = logMean
        self.logSD = logSD
        self.source = source
    }

    /// The spread assumed without history: a live run within about ±20 % of its rehearsals
    /// nine times in ten.
    public static let defaultSD = 0.12
    /// Live runs of one application needed before its own history is preferred.
    public static let applicationMinimum = 3

    /// The ratio expected before any step finished: 1.08 for 8 % slower than rehearsed.
    public var factor: Double { Foundation.exp(logMean) }
    /// About how far that may be off, as a share of it (one standard deviation).
    public var uncertainty: Double { Foundation.exp(logSD) - 1 }

    public static let rehearsals = PacePrior(logMean: 0, logSD: defaultSD, source: .rehearsals)
    /// Next to nothing believed: what measuring a finished run against its rehearsals starts from.
    public static let vague = PacePrior(logMean: 0, logSD: 1, source: .rehearsals)

    /// From the log-ratios (live against rehearsals) of finished live runs: the application's
    /// own when it has at least `applicationMinimum`, else the installation's, else none. The
    /// spread pools the runs' own with the default (`LogFit`), as each step's does.
    public static func learned(application: [Double], installation: [Double]) -> PacePrior {
        if application.count >= applicationMinimum { return fitted(application, source: .application(cutovers: application.count)) }
        if !installation.isEmpty { return fitted(installation, source: .installation(cutovers: installation.count)) }
        return rehearsals
    }

    private static func fitted(_ ratios: [Double], source: Source) -> PacePrior {
        let fit = LogFit(ratios, priorSpread: defaultSD)
        return PacePrior(logMean: fit.mean, logSD: fit.spread, source: source)
    }
}

/// How much slower or faster a run goes than its history, learned from its finished steps:
/// each step's log-ratio to its expected duration, weighed by how much that step usually
/// varies, updates the prior (a normal update). A step far from the others counts less and less
/// the farther it is (Cauchy weights), so one odd step moves the factor little and ten steps
/// that agree move it a lot.
public struct RunPace: Sendable, Equatable {
    /// One finished step: the log of its duration over its expected (median) duration, and the
    /// log-normal spread of that step.
    public struct Observation: Sendable, Equatable {
        public let logRatio: Double
        public let sigma: Double

        public init(logRatio: Double, sigma: Double) {
            self.logRatio = logRatio
            self.sigma = sigma
        }
    }

    /// What the steps are compared with: their rehearsals, or their planned durations when
    /// the runbook was never rehearsed.
    public enum Basis: String, Sendable, Equatable { case rehearsals, plan }

    public let logMean: Double
    public let logSD: Double
    /// Finished steps it learned from.
    public let steps: Int
    public let prior: PacePrior
    public let basis: Basis

    /// The ratio to history: 1.14 for 14 % slower.
    public var factor: Double { Foundation.exp(logMean) }
    /// About how far the factor may be off, as a share of it (one standard deviation).
    public var uncertainty: Double { Foundation.exp(logSD) - 1 }

    /// A residual of this many standard deviations weighs half.
    static let cauchy = 1.5
    /// A step's spread is never taken under this: a step that always takes exactly its time
    /// would otherwise decide the factor alone.
    static let leastSigma = 0.05

    public static func learned(from observations: [Observation], prior: PacePrior, basis: Basis = .rehearsals) -> RunPace {
        let usable = observations.filter { $0.logRatio.isFinite }
        guard !usable.isEmpty else { return RunPace(logMean: prior.logMean, logSD: prior.logSD, steps: 0, prior: prior, basis: basis) }
        let priorPrecision = 1 / max(prior.logSD * prior.logSD, 1e-6)
        var mean = prior.logMean, variance = prior.logSD * prior.logSD
        // A few rounds of reweighting: each step's residual is judged against the factor
        // learned without its weight being settled yet, with the factor's own uncertainty.
        for _ in 0..<4 {
            var precision = priorPrecision, weighted = prior.logMean * priorPrecision
            for observation in usable {
                let sigma = max(observation.sigma, leastSigma)
                let residual = (observation.logRatio - mean) / (sigma * sigma + variance).squareRoot()
                let weight = 1 / (1 + (residual / cauchy) * (residual / cauchy))
                precision += weight / (sigma * sigma)
                weighted += weight * observation.logRatio / (sigma * sigma)
            }
            mean = weighted / precision
            variance = 1 / precision
        }
        return RunPace(logMean: mean, logSD: variance.squareRoot(), steps: usable.count, prior: prior, basis: basis)
    }
}
