import BasculeCore
import Foundation

/// Draws a release's impact as SVG, laid out here so that the page needs no script: one
/// column per depth (the modified items first), business services and critical items at the
/// top of each column, tall columns folded into several, and one line from each item to the
/// item it was reached from. At most `limit` items are drawn, nearest first.
struct ImpactDiagram {
    static let limit = 200
    static let rowsPerColumn = 25
    static let boxWidth = 168.0, boxHeight = 28.0, rowGap = 8.0, columnGap = 56.0, margin = 12.0

    struct Placed {
        let key: CIKey
        let name: String
        let type: CIType
        let criticality: Int
        let x: Double, y: Double
        let parent: CIKey?
    }

    let modified: [DependencyGraph.Node]
    let impacted: [ImpactedItem]

    var omitted: Int { max(0, impacted.count - Self.limit) }

    func layout() -> (nodes: [Placed], width: Double, height: Double) {
        var byDepth: [Int: [(DependencyGraph.Node, CIKey?)]] = [0: modified.map { ($0, nil) }]
        let drawn = impacted.sorted { ($0.depth, $0.node.key) < ($1.depth, $1.node.key) }.prefix(Self.limit)
        for item in drawn { byDepth[item.depth, default: []].append((item.node, item.path.dropLast().last)) }
        var nodes: [Placed] = []
        var column = 0
        var tallest = 0
        for depth in byDepth.keys.sorted() {
            let members = byDepth[depth, default: []].sorted {
                ($0.0.type == .service ? 0 : 1, $0.0.criticality, $0.0.key) < ($1.0.type == .service ? 0 : 1, $1.0.criticality, $1.0.key)
            }
            for (index, (node, parent)) in members.enumerated() {
                let fold = index / Self.rowsPerColumn, row = index % Self.rowsPerColumn
                tallest = max(tallest, row + 1)
                nodes.append(Placed(key: node.key, name: node.name, type: node.type, criticality: node.criticality,
                                    x: Self.margin + Double(column + fold) * (Self.boxWidth + Self.columnGap),
                                    y: Self.margin + Double(row) * (Self.boxHeight + Self.rowGap), parent: parent))
            }
            column += max(1, (members.count + Self.rowsPerColumn - 1) / Self.rowsPerColumn)
        }
        let width = Self.margin * 2 + Double(max(column, 1)) * (Self.boxWidth + Self.columnGap) - Self.columnGap
        let height = Self.margin * 2 + Double(max(tallest, 1)) * (Self.boxHeight + Self.rowGap) - Self.rowGap
        return (nodes, width, height)
    }

    func svg(title: String) -> String {
        let (nodes, width, height) = layout()
        let position = Dictionary(nodes.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var out = #"<svg xmlns="http://www.w3.org/2000/svg" class="impact-graph" role="img" width="\#(Int(width))" height="\#(Int(height))" viewBox="0 0 \#(Int(width)) \#(Int(height))">"#
        out += "<title>\(Self.escape(title))</title>"
        for node in nodes {
            guard let parentKey = node.parent, let parent = position[parentKey] else { continue }
            let x1 = parent.x + Self.boxWidth, y1 = parent.y + Self.boxHeight / 2, x2 = node.x, y2 = node.y + Self.boxHeight / 2
            let bend = (x2 - x1) / 2
            out += #"<path class="edge" d="M\#(Self.n(x1)) \#(Self.n(y1)) C\#(Self.n(x1 + bend)) \#(Self.n(y1)) \#(Self.n(x2 - bend)) \#(Self.n(y2)) \#(Self.n(x2)) \#(Self.n(y2))"/>"#
        }
        for node in nodes {
            let label = node.key.text.count > 22 ? String(node.key.text.prefix(21)) + "…" : node.key.text
            out += #"<g class="node type-\#(node.type.rawValue) crit-\#(node.criticality)\#(node.parent == nil ? " modified" : "")"><title>\#(Self.escape("\(node.key) — \(node.name) (\(node.type.rawValue), criticality \(node.criticality))"))</title>"#
            out += #"<rect x="\#(Self.n(node.x))" y="\#(Self.n(node.y))" width="\#(Int(Self.boxWidth))" height="\#(Int(Self.boxHeight))" rx="5"/>"#
            out += #"<text x="\#(Self.n(node.x + 8))" y="\#(Self.n(node.y + 18))">\#(Self.escape(label))</text></g>"#
        }
        return out + "</svg>"
    }

    private static func n(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
