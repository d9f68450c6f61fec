import BasculeCore
import Foundation

/// The run as a Gantt chart in SVG, laid out here: one row per step, the planned bar behind
/// the actual (or expected) one, critical-path steps outlined, a line at the present moment.
struct GanttChart {
    static let rowHeight = 22.0, labelWidth = 190.0, chartWidth = 760.0, top = 26.0, maximumRows = 400

    struct Row {
        let key: String
        let title: String
        let plannedStart: Date
        let plannedEnd: Date
        let actualStart: Date?
        let actualEnd: Date?
        /// The forecast's span for a step not finished yet.
        let expectedStart: Date?
        let expectedEnd: Date?
        let state: StepState
        let critical: Bool
        let downtime: Bool
    }

    let rows: [Row]
    let now: Date
    let timeZone: TimeZone
    /// A finished run is drawn between its own times, without today's line far to its right.
    var showsNow = true

    func svg(title: String) -> String {
        let shown = Array(rows.prefix(Self.maximumRows))
        let times = shown.flatMap { [$0.plannedStart, $0.plannedEnd, $0.actualStart, $0.actualEnd, $0.expectedStart, $0.expectedEnd].compactMap { $0 } } + (showsNow ? [now] : [])
        guard let first = times.min(), let last = times.max() else { return "" }
        let span = max(60, last.timeIntervalSince(first))
        func x(_ date: Date) -> Double { Self.labelWidth + date.timeIntervalSince(first) / span * Self.chartWidth }
        let height = Self.top + Double(shown.count) * Self.rowHeight + 8
        let width = Self.labelWidth + Self.chartWidth + 10
        var out = #"<svg xmlns="http://www.w3.org/2000/svg" class="gantt" role="img" width="\#(Int(width))" height="\#(Int(height))" viewBox="0 0 \#(Int(width)) \#(Int(height))"><title>\#(ImpactDiagram.escape(title))</title>"#
        // Hour ticks in the configured zone.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let step: TimeInterval = span > 12 * 3600 ? 6 * 3600 : span > 4 * 3600 ? 3600 : 1800
        var tick = Date(timeIntervalSince1970: (first.timeIntervalSince1970 / step).rounded(.up) * step)
        while tick <= last {
            let parts = calendar.dateComponents([.hour, .minute], from: tick)
            out += #"<line class="tick" x1="\#(n(x(tick)))" y1="\#(n(Self.top - 6))" x2="\#(n(x(tick)))" y2="\#(n(height))"/>"#
            out += #"<text class="tick-label" x="\#(n(x(tick) + 2))" y="14">\#(String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0))</text>"#
            tick = tick.addingTimeInterval(step)
        }
        for (index, row) in shown.enumerated() {
            let y = Self.top + Double(index) * Self.rowHeight
            let label = row.title.count > 26 ? String(row.title.prefix(25)) + "…" : row.title
            out += #"<g class="row state-\#(row.state.rawValue)\#(row.critical ? " critical" : "")\#(row.downtime ? " downtime" : "")"><title>\#(ImpactDiagram.escape("\(row.key) — \(row.title) (\(row.state.rawValue))"))</title>"#
            out += #"<text class="label" x="4" y="\#(n(y + 15))">\#(ImpactDiagram.escape(label))</text>"#
            out += #"<rect class="planned" x="\#(n(x(row.plannedStart)))" y="\#(n(y + 3))" width="\#(n(max(2, x(row.plannedEnd) - x(row.plannedStart))))" height="\#(n(Self.rowHeight - 6))" rx="3"/>"#
            if row.actualEnd == nil, let start = row.expectedStart, let end = row.expectedEnd, end > start {
                out += #"<rect class="expected" x="\#(n(x(start)))" y="\#(n(y + 7))" width="\#(n(max(2, x(end) - x(start))))" height="\#(n(Self.rowHeight - 14))" rx="2"/>"#
            }
            if let start = row.actualStart {
                let end = row.actualEnd ?? (showsNow ? max(now, start) : start)
                out += #"<rect class="actual" x="\#(n(x(start)))" y="\#(n(y + 7))" width="\#(n(max(2, x(end) - x(start))))" height="\#(n(Self.rowHeight - 14))" rx="2"/>"#
            }
            out += "</g>"
        }
        if showsNow { out += #"<line class="now" x1="\#(n(x(now)))" y1="\#(n(Self.top - 6))" x2="\#(n(x(now)))" y2="\#(n(height))"/>"# }
        return out + "</svg>"
    }

    private func n(_ value: Double) -> String { String(format: "%.1f", value) }
}
