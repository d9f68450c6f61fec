import Foundation

/// The runbook as integer adjacency in topological order, for schedules and forecasts that
/// run thousands of times.
public struct RunbookGraph: Sendable {
    public let keys: [String]
    /// Step positions in an order where every step comes after its predecessors.
    public let order: [Int32]
    let predecessorStart: [Int32]
    let predecessorList: [Int32]
    public let index: [String: Int32]

    /// `steps` must be valid (see `Runbook.validated`).
    public init(_ steps: [RunbookStep]) {
        keys = steps.map(\.key)
        var index: [String: Int32] = [:]
        for (position, step) in steps.enumerated() { index[step.key] = Int32(position) }
        self.index = index
        var start: [Int32] = [0], list: [Int32] = []
        var successors = [[Int32]](repeating: [], count: steps.count)
        var indegree = [Int32](repeating: 0, count: steps.count)
        for (position, step) in steps.enumerated() {
            for name in step.predecessors {
                guard let predecessor = index[name] else { continue }
                list.append(predecessor)
                successors[Int(predecessor)].append(Int32(position))
                indegree[position] += 1
            }
            start.append(Int32(list.count))
        }
        predecessorStart = start
        predecessorList = list
        var queue = (0..<Int32(steps.count)).filter { indegree[Int($0)] == 0 }
        var head = 0
        while head < queue.count {
            for next in successors[Int(queue[head])] {
                indegree[Int(next)] -= 1
                if indegree[Int(next)] == 0 { queue.append(next) }
            }
            head += 1
        }
        order = queue
    }

    public var count: Int { keys.count }

    @inline(__always)
    func forEachPredecessor(of step: Int, _ body: (Int) -> Void) {
        var position = Int(predecessorStart[step])
        let end = Int(predecessorStart[step + 1])
        while position < end {
            body(Int(predecessorList[position]))
            position += 1
        }
    }

    public func predecessors(of step: Int) -> [Int] {
        var result: [Int] = []
        forEachPredecessor(of: step) { result.append($0) }
        return result
    }

    /// One cycle of `steps` by key, in order and closed (`A → B → A`), or nil.
    static func cycle(in steps: [RunbookStep]) -> [String]? {
        let graph = RunbookGraph(steps)
        guard graph.order.count < steps.count else { return nil }
        // Steps left out of the topological order lie on or behind a cycle: walk predecessors
        // among them until one repeats.
        let placed = Set(graph.order)
        var cursor = (0..<Int32(steps.count)).first { !placed.contains($0) } ?? 0
        var path: [Int32] = [], seenAt: [Int32: Int] = [:]
        while seenAt[cursor] == nil {
            seenAt[cursor] = path.count
            path.append(cursor)
            guard let next = graph.predecessors(of: Int(cursor)).first(where: { !placed.contains(Int32($0)) }) else { return nil }
            cursor = Int32(next)
        }
        // Written in the direction of execution, from the step that comes first in the runbook.
        var loop = Array(path[seenAt[cursor]!...].reversed())
        let first = loop.firstIndex(of: loop.min()!)!
        loop = Array(loop[first...] + loop[..<first])
        let keys = loop.map { graph.keys[Int($0)] }
        return keys + [keys[0]]
    }
}
