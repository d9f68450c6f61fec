import BasculeCore
import Foundation

// Times Bascule's inventory algorithms on the data of generate.py: the impact of the most
// depended-on items, one release's conflict check, and the scan of the whole calendar.
// Prints `impact KEY COUNT BEST_MS DIGEST` lines that run.sh compares with networkx.

func rows(_ path: String) -> [[String]] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { fatalError("cannot read \(path)") }
    return text.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
}

func milliseconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
}

func fnv1a(_ text: String) -> String {
    var value: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 { value = (value ^ UInt64(byte)) &* 0x100_0000_01B3 }
    return String(format: "%016llx", value)
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
}

let folder = CommandLine.arguments.dropFirst().first ?? "."
let itemRows = rows(folder + "/items.csv")
let relationRows = rows(folder + "/relations.csv")
let releaseRows = rows(folder + "/releases.csv")

var graph: DependencyGraph!
let buildTime = milliseconds {
    let nodes = itemRows.map { DependencyGraph.Node(key: CIKey($0[0])!, name: $0[0], type: CIType(rawValue: $0[1]) ?? .other,
                                                    criticality: Int($0[3]) ?? 3, ownerTeam: $0[2]) }
    graph = DependencyGraph(nodes: nodes, relations: relationRows.map { (dependent: CIKey($0[0])!, dependency: CIKey($0[1])!) })
}
print("data \(graph.nodes.count) items, \(graph.relationCount) relations, \(releaseRows.count) releases; graph built in \(String(format: "%.0f", buildTime)) ms")

// Impact: the three items with the most direct dependents.
let popular = (0..<Int32(graph.nodes.count)).sorted { graph.dependentCount(of: $0) > graph.dependentCount(of: $1) }.prefix(3)
for node in popular {
    var impact: Impact!
    let timings = (0..<7).map { _ in milliseconds { impact = graph.impact(of: [node]) } }
    let keys = impact.impacted.map { graph.nodes[Int($0)].key.text }.sorted()
    print("impact \(graph.nodes[Int(node)].key.text) \(keys.count) \(String(format: "%.3f", timings.min()!)) \(fnv1a(keys.joined(separator: "\n")))")
}

// Conflicts: the calendar of 10,000 releases, then 1,000 of them checked one by one.
let base = Date(timeIntervalSince1970: 0)
let releases = releaseRows.map { row -> ScheduledRelease in
    let start = base.addingTimeInterval(Double(row[1])!), end = base.addingTimeInterval(Double(row[2])!)
    let release = Release(key: ReleaseKey(number: Int(row[0])!), fields: ReleaseFields(
        title: "Release \(row[0])", version: "1", type: .minor, window: PlannedWindow(start: start, end: end), environment: row[3]),
        status: .planned, createdAt: start)
    return ScheduledRelease(release: release, items: row[4].split(separator: ";").compactMap { CIKey(String($0)) })
}
let maintenance = [try! MaintenanceWindowInput(name: "Nights", environments: ["production"],
                                               recurrence: .init(hours: "19:00-07:00", timeZone: "Europe/Paris")).validate()]
var detector: ConflictDetector!
let detectorTime = milliseconds { detector = ConflictDetector(graph: graph, releases: releases, maintenance: maintenance, policy: .empty) }
var scratch = ImpactScratch(size: graph.nodes.count)
var found = 0
_ = detector.conflicts(for: releases[0], scratch: &scratch)
let sample = stride(from: 0, to: releases.count, by: max(1, releases.count / 1000)).map { releases[$0] }
let checks = sample.map { release in milliseconds { found += detector.conflicts(for: release, scratch: &scratch).count } }
print(String(format: "conflicts %d releases checked one by one: p50 %.3f ms, p99 %.3f ms, max %.3f ms (%d conflicts; calendar indexed in %.0f ms)",
             sample.count, percentile(checks, 0.5), percentile(checks, 0.99), checks.max()!, found, detectorTime))

let everything = DateInterval(start: releases.map { $0.window!.start }.min()!, end: releases.map { $0.window!.end }.max()!)
var scanned: [ReleaseKey: [Conflict]] = [:]
let scans = (0..<3).map { _ in milliseconds { scanned = detector.scan(everything) } }
print(String(format: "scan whole calendar: best %.1f ms of 3 (%d releases with conflicts, %d conflicts)",
             scans.min()!, scanned.count, scanned.values.map(\.count).reduce(0, +)))
if ProcessInfo.processInfo.environment["BENCH_DETAIL"] != nil {
    let bare = ConflictDetector(graph: graph, releases: releases, maintenance: [], policy: .empty)
    print(String(format: "scan without maintenance windows: %.1f ms", milliseconds { _ = bare.scan(everything) }))
}
