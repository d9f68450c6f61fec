import Foundation

/// Start and finish of every step for given durations: each step starts when its last
/// predecessor finishes, not before its fixed start nor, once the run is live, before now.
public struct Timeline: Sendable, Equatable {
    public let starts: [Date]
    public let finishes: [Date]
    public let end: Date
    /// Step positions from the first to the last step of the longest chain.
    public let criticalPath: [Int]
}

public enum CriticalPath {
    /// `earliest[i]` is the earliest start of step i (fixed start, actual start, or now).
    public static func timeline(_ graph: RunbookGraph, durations: [TimeInterval], earliest: [Date?], origin: Date) -> Timeline {
        let count = graph.count
        var start = [Double](repeating: 0, count: count), finish = [Double](repeating: 0, count: count)
        var driver = [Int32](repeating: -1, count: count)
        let base = origin.timeIntervalSinceReferenceDate
        for step32 in graph.order {
            let step = Int(step32)
            var begin = earliest[step].map { max(base, $0.timeIntervalSinceReferenceDate) } ?? base
            graph.forEachPredecessor(of: step) { predecessor in
                if finish[predecessor] > begin || (finish[predecessor] == begin && driver[step] < 0 && earliest[step] == nil) {
                    begin = finish[predecessor]
                    driver[step] = Int32(predecessor)
                }
            }
            start[step] = begin
            finish[step] = begin + durations[step]
        }
        var last = -1
        for step in 0..<count where last < 0 || finish[step] > finish[last] { last = step }
        var path: [Int] = []
        var cursor = last
        while cursor >= 0 {
            path.append(cursor)
            cursor = Int(driver[cursor])
        }
        return Timeline(starts: start.map(Date.init(timeIntervalSinceReferenceDate:)),
                        finishes: finish.map(Date.init(timeIntervalSinceReferenceDate:)),
                        end: Date(timeIntervalSinceReferenceDate: last >= 0 ? finish[last] : base), criticalPath: path.reversed())
    }

    /// The length of the union of `intervals` (seconds), as people live downtime: two steps
    /// down at once count once.
    public static func unionLength(_ intervals: [(Double, Double)]) -> Double {
        guard !intervals.isEmpty else { return 0 }
        let sorted = intervals.sorted { $0.0 < $1.0 }
        var total = 0.0, (from, to) = sorted[0]
        for (start, end) in sorted.dropFirst() {
            if start > to {
                total += to - from
                (from, to) = (start, end)
            } else if end > to {
                to = end
            }
        }
        return total + (to - from)
    }
}
