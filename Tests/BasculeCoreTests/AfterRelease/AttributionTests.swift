import BasculeCore
import Foundation
import Testing

@Suite("After the release: incidents, attribution and the change failure rate")
struct AttributionTests {
    /// payroll (a service) depends on pay-api, which depends on pay-db; crm stands apart.
    static let graph = DependencyGraph(
        nodes: [("pay-db", CIType.database), ("pay-api", .application), ("payroll", .service), ("crm", .application)].map {
            DependencyGraph.Node(key: CIKey($0.0)!, name: $0.0, type: $0.1, criticality: 2, ownerTeam: nil)
        },
        relations: [(CIKey("pay-api")!, CIKey("pay-db")!), (CIKey("payroll")!, CIKey("pay-api")!)])

    static func incident(opened hours: Double, items: [String] = ["payroll"]) throws -> Incident {
        try Incident(reference: "INC-1", title: "Payslips wrong", severity: 2, openedAt: Fixtures.t0.addingTimeInterval(hours * 3600), items: items)
    }

    static func deployed(_ key: String, hoursBefore hours: Double, _ items: [String]) -> Attribution.Deployment {
        Attribution.Deployment(release: key, deployedAt: Fixtures.t0.addingTimeInterval(-hours * 3600), items: items.compactMap(CIKey.init))
    }

    @Test("a release that changed what the affected service depends on is a candidate, with the dependency path")
    func throughDependencies() throws {
        // when
        let found = Attribution.candidates(for: try Self.incident(opened: 0), among: [Self.deployed("REL-1", hoursBefore: 24, ["pay-db"])], graph: Self.graph)
        // then
        #expect(found.map(\.release) == ["REL-1"])
        #expect(found.first?.path == ["pay-db", "pay-api", "payroll"])
        #expect(found.first?.sinceDeployment == 86_400)
    }

    @Test("what touched nothing affected, came after the incident or long before it, is not a candidate")
    func notCandidates() throws {
        // given
        let deployments = [Self.deployed("REL-2", hoursBefore: 2, ["crm"]), Self.deployed("REL-3", hoursBefore: -1, ["pay-db"]),
                           Self.deployed("REL-4", hoursBefore: 24 * 8, ["pay-db"])]
        // then
        #expect(Attribution.candidates(for: try Self.incident(opened: 0), among: deployments, graph: Self.graph).isEmpty)
    }

    @Test("a direct and recent change ranks before a distant and older one")
    func ranking() throws {
        // given
        let deployments = [Self.deployed("REL-5", hoursBefore: 72, ["pay-db"]), Self.deployed("REL-6", hoursBefore: 3, ["payroll"])]
        // when
        let found = Attribution.candidates(for: try Self.incident(opened: 0), among: deployments, graph: Self.graph)
        // then
        #expect(found.map(\.release) == ["REL-6", "REL-5"])
        #expect(found[0].confidence > found[1].confidence)
    }

    @Test("an incident resolved before it opened, of an unknown severity or item key, is refused with each field")
    func badIncident() {
        #expect(throws: CoreError.self) {
            try Incident(reference: "INC-2", title: "x", severity: 2, openedAt: Fixtures.t0, resolvedAt: Fixtures.t0.addingTimeInterval(-60), items: [])
        }
        do {
            _ = try Incident(reference: "", title: "", severity: 7, openedAt: Fixtures.t0, items: ["not a key!"])
            Issue.record("refused nothing")
        } catch CoreError.invalid(let errors) {
            #expect(Set(errors.map(\.field)) == ["reference", "title", "severity", "items"])
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("two incidents after one deployment count as one failed deployment; a rollback fails too; nothing to count is no data")
    func changeFailureRate() {
        // given
        let deployments = [ProductionDeployment(release: "REL-1", deployedAt: Fixtures.t0, rolledBack: false),
                           ProductionDeployment(release: "REL-2", deployedAt: Fixtures.t0, rolledBack: true),
                           ProductionDeployment(release: "REL-3", deployedAt: Fixtures.t0, rolledBack: false),
                           ProductionDeployment(release: "REL-4", deployedAt: Fixtures.t0, rolledBack: false)]
        // when
        let figure = ChangeFailureRate.figure(deployments, confirmed: ["REL-1": ["INC-1", "INC-2"]])
        // then
        #expect(figure.numerator == 2 && figure.denominator == 4)
        #expect(figure.counted == ["REL-1", "REL-2"])
        #expect(figure.ratio == 0.5)
        #expect(ChangeFailureRate.figure([], confirmed: [:]).ratio == nil)
    }
}
