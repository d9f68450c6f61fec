import BasculeCore
import Foundation

/// The reliability diagram of the forecasts, as SVG: for P10 … P90, the share of finished
/// cutovers that ended at or before it, one line per checkpoint (go-live and halfway), against
/// the diagonal of a perfectly calibrated forecast. Points above the diagonal: the forecast was
/// too pessimistic; below: too optimistic. Drawn here so that the page and the API need no script.
struct ReliabilityDiagram {
    struct Labels: Sendable {
        let title: String
        let horizontal: String
        let vertical: String
        let ideal: String
        /// One per drawn checkpoint, in `checkpoints` order.
        let series: [String]
    }

    static let checkpoints: [CalibrationReport.Checkpoint] = [.goLive, .half]
    static let size = 320.0, margin = 64.0

    let report: CalibrationReport

    func svg(_ labels: Labels) -> String {
        let side = Self.size, m = Self.margin, total = side + 2 * m
        func x(_ share: Double) -> Double { m + share * side }
        func y(_ share: Double) -> Double { m + (1 - share) * side }
        func f(_ value: Double) -> String { String(format: "%.1f", value) }
        var parts: [String] = []
        parts.append(##"<svg xmlns="http://www.w3.org/2000/svg" class="reliability" viewBox="0 0 \##(f(total + 150)) \##(f(total))" role="img" aria-labelledby="reliability-title">"##)
        parts.append(##"<title id="reliability-title">\##(Self.escape(labels.title))</title>"##)
        parts.append(##"<rect x="\##(f(m))" y="\##(f(m))" width="\##(f(side))" height="\##(f(side))" fill="none" stroke="#999"/>"##)
        for tick in stride(from: 0, through: 100, by: 20) {
            let share = Double(tick) / 100
            parts.append(##"<line x1="\##(f(x(share)))" y1="\##(f(y(0)))" x2="\##(f(x(share)))" y2="\##(f(y(0) + 4))" stroke="#666"/>"##)
            parts.append(##"<text x="\##(f(x(share)))" y="\##(f(y(0) + 16))" text-anchor="middle" font-size="11">\##(tick) %</text>"##)
            parts.append(##"<line x1="\##(f(x(0) - 4))" y1="\##(f(y(share)))" x2="\##(f(x(0)))" y2="\##(f(y(share)))" stroke="#666"/>"##)
            parts.append(##"<text x="\##(f(x(0) - 7))" y="\##(f(y(share) + 4))" text-anchor="end" font-size="11">\##(tick) %</text>"##)
        }
        parts.append(##"<text x="\##(f(m + side / 2))" y="\##(f(total - 8))" text-anchor="middle" font-size="12">\##(Self.escape(labels.horizontal))</text>"##)
        parts.append(##"<text transform="translate(14 \##(f(m + side / 2))) rotate(-90)" text-anchor="middle" font-size="12">\##(Self.escape(labels.vertical))</text>"##)
        parts.append(##"<line class="ideal" x1="\##(f(x(0)))" y1="\##(f(y(0)))" x2="\##(f(x(1)))" y2="\##(f(y(1)))" stroke="#999" stroke-dasharray="4 4"/>"##)
        let colours = ["#1f5fa8", "#c4622d"]
        var legend = [(labels.ideal, "#999", true)]
        for (index, checkpoint) in Self.checkpoints.enumerated() {
            guard let summary = report.summaries.first(where: { $0.checkpoint == checkpoint }), summary.cutovers > 0 else { continue }
            let colour = colours[index % colours.count]
            let points = summary.reliability.enumerated().map { (x(Double($0.offset + 1) / 10), y($0.element)) }
            parts.append(##"<polyline class="series" fill="none" stroke="\##(colour)" stroke-width="2" points="\##(points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " "))"/>"##)
            for point in points { parts.append(##"<circle cx="\##(f(point.0))" cy="\##(f(point.1))" r="3" fill="\##(colour)"/>"##) }
            legend.append((index < labels.series.count ? labels.series[index] : "\(checkpoint)", colour, false))
        }
        for (row, entry) in legend.enumerated() {
            let top = m + Double(row) * 20
            parts.append(##"<line x1="\##(f(total + 4))" y1="\##(f(top + 6))" x2="\##(f(total + 24))" y2="\##(f(top + 6))" stroke="\##(entry.1)" stroke-width="2"\##(entry.2 ? ##" stroke-dasharray="4 4""## : "")/>"##)
            parts.append(##"<text x="\##(f(total + 30))" y="\##(f(top + 10))" font-size="11">\##(Self.escape(entry.0))</text>"##)
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
