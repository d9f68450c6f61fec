import BasculeCore
import BasculeStore
import Foundation

/// A rolling update on the run page: where it stands, the probe's figures, each batch's share,
/// each instance, and a timeline of the probe's good and bad answers with the windows without
/// a good answer. Redrawn live while the update runs.
struct RollingPanel: Sendable {
    struct InstanceLine: Sendable {
        let name: String
        let versions: String
        let state: String
        let stateLabel: String
        let detail: String?
    }

    struct BatchLine: Sendable {
        let label: String
        let instances: String
        let span: String
        /// Named apart from the panel's `figures`: a batch without its own must not show the whole update's.
        let batchFigures: String?
    }

    let running: Bool
    let phase: String
    let phaseLabel: String
    let headline: String
    let reason: String?
    let figures: String?
    let instances: [InstanceLine]
    let batches: [BatchLine]
    let hasBatches: Bool
    let timeline: String?
    let rollbackAskedBy: String?
    let canRollBack: Bool

    static func model(_ stored: StoredRollingReport, running: Bool, canRollBack: Bool, _ words: Words) -> RollingPanel {
        let report = stored.report
        return RollingPanel(
            running: running, phase: report.phase.rawValue, phaseLabel: words.text("rolling_phase_\(report.phase.rawValue)"),
            headline: words.text("rolling_headline", ["service": report.service, "version": report.version,
                                                      "seconds": seconds(report.elapsed, words)]),
            reason: report.reason,
            figures: report.probe.map { figures($0.figures, words) },
            instances: report.instances.map { instance in
                InstanceLine(name: instance.name,
                             versions: [instance.from, instance.version].compactMap { $0 }.count == 2 && instance.from != instance.version
                                ? "\(instance.from ?? "") → \(instance.version ?? "")" : (instance.version ?? instance.from ?? "—"),
                             state: instance.state.rawValue, stateLabel: words.text("rolling_instance_\(instance.state.rawValue)"), detail: instance.detail)
            },
            batches: report.batches.map { batch in
                BatchLine(label: batch.number == 0 ? words.text("rolling_batch_surge") : batch.number < 0 ? words.text("rolling_batch_rollback")
                            : words.text("rolling_batch", ["number": words.number(batch.number)]),
                          instances: batch.instances.joined(separator: ", "),
                          span: "\(seconds(batch.start, words)) – \(batch.end.map { seconds($0, words) } ?? "…")",
                          batchFigures: batch.interruption.map { figures($0, words) })
            },
            hasBatches: !report.batches.isEmpty,
            timeline: report.probe.map { timeline($0, words) },
            rollbackAskedBy: stored.rollbackAskedBy.map { words.text("rolling_rollback_asked", ["who": $0]) },
            canRollBack: canRollBack && running && stored.rollbackAskedBy == nil)
    }

    static func figures(_ figures: RollingReport.ProbeFigures, _ words: Words) -> String {
        words.text("rolling_figures", ["failed": words.number(figures.failed), "requests": words.number(figures.requests),
                                       "slow": words.number(figures.slow), "gap": seconds(figures.longestGap, words),
                                       "interruption": seconds(figures.totalSeconds, words)])
    }

    static func seconds(_ value: Double, _ words: Words) -> String {
        "\(value.formatted(.number.precision(.fractionLength(2)).locale(words.language.locale)))\u{00A0}s"
    }

    /// Bars of good answers (up) and bad ones (down) per bucket, the windows shaded behind.
    static func timeline(_ probe: RollingReport.Probe, _ words: Words) -> String {
        let width = 600.0, height = 80.0, middle = 40.0
        let count = max(1, probe.good.count)
        let step = width / Double(count)
        let most = Double(max(1, (zip(probe.good, probe.bad).map { max($0, $1) }.max() ?? 1)))
        let span = Double(count) * probe.bucketSeconds
        var parts: [String] = []
        for window in probe.windows {
            let x = window.start / span * width, w = max(1, (window.end - window.start) / span * width)
            parts.append(String(format: #"<rect class="probe-window" x="%.1f" y="0" width="%.1f" height="%.0f"/>"#, x, w, height))
        }
        for index in 0..<count {
            let x = Double(index) * step
            let good = index < probe.good.count ? Double(probe.good[index]) : 0
            let bad = index < probe.bad.count ? Double(probe.bad[index]) : 0
            if good > 0 { parts.append(String(format: #"<rect class="probe-good" x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>"#, x, middle - good / most * (middle - 2), max(0.5, step - 0.5), good / most * (middle - 2))) }
            if bad > 0 { parts.append(String(format: #"<rect class="probe-bad" x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>"#, x, middle, max(0.5, step - 0.5), bad / most * (middle - 2))) }
        }
        let label = words.text("rolling_timeline", ["rate": words.number(Int(probe.rate)), "seconds": seconds(span, words)])
        return #"<svg class="probe-timeline" viewBox="0 0 600 80" role="img" aria-label="\#(ImpactDiagram.escape(label))" preserveAspectRatio="none"><title>\#(ImpactDiagram.escape(label))</title>\#(parts.joined())<line class="probe-axis" x1="0" y1="40" x2="600" y2="40"/></svg>"#
    }
}
