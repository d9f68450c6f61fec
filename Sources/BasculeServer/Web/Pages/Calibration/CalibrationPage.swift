import BasculeCore
import Foundation

/// How well the forecasts held: per checkpoint (go-live, a quarter, halfway, three quarters),
/// how often finished cutovers ended under P50 and P90 and how far P50 was; the reliability
/// diagram; and each cutover with its forecasts at go-live and halfway against its actual end.
enum CalibrationPage {
    struct Checkpoint: Sendable {
        let label: String
        let cutovers: String
        let underP50: String
        let underP90: String
        let medianError: String
        /// Far from calibrated (`CalibrationReport.Summary.isFarOff`).
        let off: Bool
    }

    struct Cutover: Sendable {
        let release: String
        let releaseHref: String
        let runHref: String
        let started: String
        let duration: String
        let prior: String
        let goLive: String
        let goLiveHeld: Bool
        let half: String
        let halfHeld: Bool
    }

    struct Model: Sendable {
        let checkpoints: [Checkpoint]
        let diagram: String?
        let cutovers: [Cutover]
        let summary: String?
    }

    static func labels(_ words: Words) -> ReliabilityDiagram.Labels {
        ReliabilityDiagram.Labels(title: words.text("calibration_diagram"), horizontal: words.text("calibration_axis_forecast"),
                                  vertical: words.text("calibration_axis_observed"), ideal: words.text("calibration_ideal"),
                                  series: ReliabilityDiagram.checkpoints.map { words.text(key($0)) })
    }

    static func key(_ checkpoint: CalibrationReport.Checkpoint) -> String {
        switch checkpoint {
        case .goLive: "calibration_go_live"
        case .quarter: "calibration_quarter"
        case .half: "calibration_half"
        case .threeQuarters: "calibration_three_quarters"
        }
    }

    static func priorLabel(_ source: PacePrior.Source, _ words: Words) -> String {
        switch source {
        case .rehearsals: words.text("calibration_prior_rehearsals")
        case .application(let n): words.count("calibration_prior_application", n)
        case .installation(let n): words.count("calibration_prior_installation", n)
        }
    }

    static func model(_ report: CalibrationReport, _ words: Words) -> Model {
        func percent(_ share: Double) -> String { "\(words.number(Int((share * 100).rounded()))) %" }
        let checkpoints = report.summaries.map { summary in
            Checkpoint(label: words.text(key(summary.checkpoint)), cutovers: words.number(summary.cutovers),
                       underP50: percent(summary.underP50), underP90: percent(summary.underP90), medianError: percent(summary.medianError),
                       off: summary.isFarOff)
        }
        let cutovers = report.cutovers.map { cutover -> Cutover in
            func point(_ checkpoint: CalibrationReport.Checkpoint) -> (String, Bool) {
                guard let point = cutover.points.first(where: { $0.checkpoint == checkpoint }) else { return ("—", true) }
                let text = words.text("calibration_point", ["p50": words.time(point.p50End), "p90": words.time(point.p90End), "error": percent(point.error)])
                return (text, cutover.endedAt <= point.p90End)
            }
            let (goLive, goLiveHeld) = point(.goLive), (half, halfHeld) = point(.half)
            return Cutover(release: cutover.release.description, releaseHref: "/releases/\(cutover.release)?tab=runbook",
                           runHref: "/runs/\(cutover.run.uuidString.lowercased())", started: words.date(cutover.startedAt),
                           duration: words.text("calibration_ended", ["time": words.time(cutover.endedAt), "duration": words.duration(cutover.endedAt.timeIntervalSince(cutover.startedAt))]),
                           prior: priorLabel(cutover.priorSource, words), goLive: goLive, goLiveHeld: goLiveHeld, half: half, halfHeld: halfHeld)
        }
        let goLive = report.summaries.first { $0.checkpoint == .goLive }
        let summary = goLive.flatMap { summary in
            summary.cutovers == 0 ? nil : words.text("calibration_summary", ["n": words.number(summary.cutovers), "p90": percent(summary.underP90), "p50": percent(summary.underP50)])
        }
        return Model(checkpoints: checkpoints, diagram: report.cutovers.isEmpty ? nil : ReliabilityDiagram(report: report).svg(labels(words)),
                     cutovers: cutovers, summary: summary)
    }
}
