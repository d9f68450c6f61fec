import BasculeCore
import Foundation

/// One indicator over the report's periods, as a small SVG bar chart drawn on the server (no
/// script, no CDN): a bar per period, the report's own period darker, "no data" as a hollow
/// mark on the axis rather than a bar of zero.
struct TrendChart {
    static let width = 260.0, height = 120.0, left = 8.0, bottom = 22.0, top = 18.0

    let trend: PeriodReport.Trend
    let unit: IndicatorSet.Unit

    func svg(title: String, periodLabels: [String], words: Words) -> String {
        let count = max(trend.values.count, 1)
        let slot = (Self.width - 2 * Self.left) / Double(count)
        let known = trend.values.compactMap { $0 }
        let highest = max(known.max() ?? 0, unit == .share ? 1 : 0)
        let plot = Self.height - Self.bottom - Self.top
        func f(_ value: Double) -> String { String(format: "%.1f", value) }
        var parts = [##"<svg xmlns="http://www.w3.org/2000/svg" class="trend" viewBox="0 0 \##(f(Self.width)) \##(f(Self.height))" role="img" aria-label="\##(ImpactDiagram.escape(title))">"##]
        parts.append(##"<title>\##(ImpactDiagram.escape(title))</title>"##)
        parts.append(##"<line x1="\##(f(Self.left))" y1="\##(f(Self.height - Self.bottom))" x2="\##(f(Self.width - Self.left))" y2="\##(f(Self.height - Self.bottom))" stroke="#888"/>"##)
        for (index, value) in trend.values.enumerated() {
            let x = Self.left + Double(index) * slot + slot * 0.15, barWidth = slot * 0.7
            let current = index == count - 1
            let label = index < periodLabels.count ? periodLabels[index] : ""
            let shown = IndicatorWording.value(value, unit: unit, words)
            if let value {
                let barHeight = highest > 0 ? max(1, value / highest * plot) : 1
                let y = Self.height - Self.bottom - barHeight
                parts.append(##"<rect x="\##(f(x))" y="\##(f(y))" width="\##(f(barWidth))" height="\##(f(barHeight))" fill="\##(current ? "#1f4e8c" : "#8fb0d9")"><title>\##(ImpactDiagram.escape("\(label): \(shown)"))</title></rect>"##)
                if current {
                    parts.append(##"<text x="\##(f(x + barWidth / 2))" y="\##(f(max(11, y - 4)))" text-anchor="middle" font-size="10">\##(ImpactDiagram.escape(shown))</text>"##)
                }
            } else {
                parts.append(##"<circle cx="\##(f(x + barWidth / 2))" cy="\##(f(Self.height - Self.bottom - 4))" r="3" fill="none" stroke="#888"><title>\##(ImpactDiagram.escape("\(label): \(shown)"))</title></circle>"##)
            }
            if index == 0 || current {
                parts.append(##"<text x="\##(f(x + barWidth / 2))" y="\##(f(Self.height - 6))" text-anchor="middle" font-size="9">\##(ImpactDiagram.escape(label))</text>"##)
            }
        }
        parts.append("</svg>")
        return parts.joined()
    }
}
