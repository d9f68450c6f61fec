import BasculeCore
import Testing

@Suite("Dependency graph")
struct DependencyGraphTests {
    @Test("the impact of an item lists every dependent, nearest first, with its depth and a path")
    func impactWithDepthAndPath() throws {
        // given
        let graph = Inventory.graph
        // when
        let impact = graph.impact(of: [try #require(graph.index(of: Inventory.key("payroll-db")))])
        // then
        let reached = impact.impacted.map { graph.nodes[Int($0)].key.text }
        #expect(Set(reached) == ["payroll-api", "payroll-batch", "svc-payroll"])
        let position = try #require(impact.order.firstIndex { graph.nodes[Int($0)].key.text == "svc-payroll" })
        #expect(impact.depths[position] == 2)
        #expect(impact.path(to: position).map { graph.nodes[Int($0)].key.text } == ["payroll-db", "payroll-api", "svc-payroll"])
    }

    @Test("a cycle in the data is walked once and ends")
    func cycleEnds() throws {
        // given billing and CRM read each other
        let graph = DependencyGraph(
            nodes: [Inventory.node("billing"), Inventory.node("crm"), Inventory.node("portal")],
            relations: [("billing", "crm"), ("crm", "billing"), ("portal", "crm")].map { (dependent: Inventory.key($0.0), dependency: Inventory.key($0.1)) })
        // when
        let impact = graph.impact(of: [try #require(graph.index(of: Inventory.key("billing")))])
        // then
        #expect(impact.impacted.map { graph.nodes[Int($0)].key.text }.sorted() == ["crm", "portal"])
    }

    @Test("relations naming unknown items are left out of the graph")
    func unknownRelationsIgnored() {
        // when
        let graph = DependencyGraph(nodes: [Inventory.node("a")], relations: [(dependent: Inventory.key("a"), dependency: Inventory.key("ghost"))])
        // then
        #expect(graph.relationCount == 0)
    }

    @Test("item keys are read in lower case and refuse spaces")
    func keys() {
        #expect(CIKey("Payroll-DB")?.text == "payroll-db")
        #expect(CIKey("payroll db") == nil)
        #expect(CIKey("-leading") == nil)
    }
}
