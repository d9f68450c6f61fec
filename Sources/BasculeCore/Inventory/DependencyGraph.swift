/// The inventory's "depends on" relations, held as integer adjacency lists so that the
/// impact of a change is a breadth-first walk over arrays, not over dictionaries.
/// Cycles in the data are allowed: a walk never visits a node twice.
public struct DependencyGraph: Sendable {
    /// What the conflict check and the impact listing need to know of each item.
    public struct Node: Sendable, Equatable {
        public let key: CIKey
        public let name: String
        public let type: CIType
        public let criticality: Int
        public let ownerTeam: String?

        public init(key: CIKey, name: String, type: CIType, criticality: Int, ownerTeam: String?) {
            self.key = key
            self.name = name
            self.type = type
            self.criticality = criticality
            self.ownerTeam = ownerTeam
        }
    }

    public let nodes: [Node]
    private let indexByKey: [CIKey: Int32]
    /// Who depends on node i: `dependents[dependentsStart[i] ..< dependentsStart[i + 1]]`.
    private let dependentsStart: [Int32]
    private let dependents: [Int32]
    public let relationCount: Int

    /// `relations` pairs a dependent with what it depends on; pairs naming an unknown item
    /// are left out (the inventory refuses them before they are stored).
    public init(nodes: [Node], relations: [(dependent: CIKey, dependency: CIKey)]) {
        self.nodes = nodes
        var index: [CIKey: Int32] = [:]
        index.reserveCapacity(nodes.count)
        for (position, node) in nodes.enumerated() { index[node.key] = Int32(position) }
        var edges: [(Int32, Int32)] = []
        edges.reserveCapacity(relations.count)
        for relation in relations {
            if let from = index[relation.dependency], let to = index[relation.dependent], from != to { edges.append((from, to)) }
        }
        var start = [Int32](repeating: 0, count: nodes.count + 1)
        for (from, _) in edges { start[Int(from) + 1] += 1 }
        for i in 0..<nodes.count { start[i + 1] += start[i] }
        var fill = start
        var targets = [Int32](repeating: 0, count: edges.count)
        for (from, to) in edges {
            targets[Int(fill[Int(from)])] = to
            fill[Int(from)] += 1
        }
        self.indexByKey = index
        self.dependentsStart = start
        self.dependents = targets
        self.relationCount = edges.count
    }

    public func index(of key: CIKey) -> Int32? { indexByKey[key] }

    public func dependentCount(of node: Int32) -> Int { Int(dependentsStart[Int(node) + 1] - dependentsStart[Int(node)]) }

    /// Every item that depends on one of `sources`, directly or transitively, nearest first,
    /// with the depth at which it was reached and the neighbour it was reached from.
    public func impact(of sources: [Int32]) -> Impact {
        var scratch = ImpactScratch(size: nodes.count)
        return scratch.walk(self, from: sources, keepParents: true)
    }

    fileprivate func forEachDependent(of node: Int32, _ body: (Int32) -> Void) {
        var edge = Int(dependentsStart[Int(node)])
        let end = Int(dependentsStart[Int(node) + 1])
        while edge < end {
            body(dependents[edge])
            edge += 1
        }
    }
}

/// The result of one walk. `order` starts with the sources (depth 0).
public struct Impact: Sendable {
    public let sourceCount: Int
    public let order: [Int32]
    public let depths: [Int32]
    /// Parallel to `order`: the position in `order` of the node it was reached from, -1 for sources.
    let parents: [Int32]

    /// The impacted items, sources excluded.
    public var impacted: ArraySlice<Int32> { order[sourceCount...] }

    /// From the source to the item at `position` in `order`: `[payroll-db, payroll-api, payroll]`.
    public func path(to position: Int) -> [Int32] {
        var result: [Int32] = []
        var cursor = position
        while cursor >= 0 {
            result.append(order[cursor])
            cursor = parents.isEmpty ? -1 : Int(parents[cursor])
        }
        return result.reversed()
    }
}

/// Marks reused from one walk to the next, so that scanning a whole calendar does not
/// allocate and clear an array the size of the inventory for every release.
public struct ImpactScratch: Sendable {
    private var mark: [UInt32]
    private var generation: UInt32 = 0

    public init(size: Int) {
        mark = [UInt32](repeating: 0, count: size)
    }

    /// Whether the last walk reached `node` (sources included).
    public func reached(_ node: Int32) -> Bool { mark[Int(node)] == generation }

    public mutating func walk(_ graph: DependencyGraph, from sources: [Int32], keepParents: Bool = false) -> Impact {
        if mark.count < graph.nodes.count { mark = [UInt32](repeating: 0, count: graph.nodes.count); generation = 0 }
        generation &+= 1
        if generation == 0 {
            mark = [UInt32](repeating: 0, count: mark.count)
            generation = 1
        }
        let current = generation
        var order: [Int32] = [], depths: [Int32] = [], parents: [Int32] = []
        for source in sources where mark[Int(source)] != current {
            mark[Int(source)] = current
            order.append(source)
            depths.append(0)
            if keepParents { parents.append(-1) }
        }
        let sourceCount = order.count
        var head = 0
        while head < order.count {
            let node = order[head], depth = depths[head] + 1, parent = Int32(head)
            graph.forEachDependent(of: node) { next in
                if mark[Int(next)] != current {
                    mark[Int(next)] = current
                    order.append(next)
                    depths.append(depth)
                    if keepParents { parents.append(parent) }
                }
            }
            head += 1
        }
        return Impact(sourceCount: sourceCount, order: order, depths: depths, parents: parents)
    }
}
