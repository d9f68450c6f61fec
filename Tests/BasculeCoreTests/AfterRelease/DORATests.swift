import BasculeCore
import Foundation
import Testing

@Suite("DORA keys and their bands")
struct DORATests {
    static let quarter = DateInterval(start: Fixtures.t0, duration: 90 * 86_400)

    static func deployments(_ count: Int) -> [ProductionDeployment] {
        (0..<count).map { ProductionDeployment(release: "REL-\($0)", deployedAt: Fixtures.t0, rolledBack: false) }
    }

    @Test("deployment frequency: a deployment a week is high, one a month medium, none is no data")
    func frequency() {
        #expect(DORA.deploymentFrequency(Self.deployments(13), period: Self.quarter).band == .high)
        #expect(DORA.deploymentFrequency(Self.deployments(3), period: Self.quarter).band == .medium)
        #expect(DORA.deploymentFrequency(Self.deployments(1), period: Self.quarter).band == .low)
        #expect(DORA.deploymentFrequency(Self.deployments(200), period: Self.quarter).band == .elite)
        #expect(DORA.deploymentFrequency([], period: Self.quarter).perDay == nil)
    }

    @Test("lead time and time to restore are medians; open incidents are not counted")
    func medians() throws {
        // given
        let incidents = [
            try Incident(reference: "1", title: "a", severity: 2, openedAt: Fixtures.t0, resolvedAt: Fixtures.t0.addingTimeInterval(1_800), items: []),
            try Incident(reference: "2", title: "b", severity: 2, openedAt: Fixtures.t0, resolvedAt: Fixtures.t0.addingTimeInterval(7_200), items: []),
            try Incident(reference: "3", title: "c", severity: 2, openedAt: Fixtures.t0, resolvedAt: Fixtures.t0.addingTimeInterval(86_400 * 2), items: []),
            try Incident(reference: "4", title: "open", severity: 1, openedAt: Fixtures.t0, items: []),
        ]
        // then
        #expect(DORA.timeToRestore(incidents).median == 7_200)
        #expect(DORA.timeToRestore(incidents).band == .high)
        #expect(DORA.leadTime([3_600, 86_400 * 3]).median == 131_400.0)
        #expect(DORA.leadTime([3_600, 86_400 * 3]).band == .high)
        #expect(DORA.leadTime([]).band == nil)
    }

    @Test("the change failure rate's band follows its figure, and there is none without deployments")
    func failureBand() {
        #expect(DORA.band(changeFailure: Figure(counted: ["REL-1"], over: (0..<20).map { "REL-\($0)" })) == .elite)
        #expect(DORA.band(changeFailure: Figure(counted: ["REL-1", "REL-2"], over: (0..<10).map { "REL-\($0)" })) == .low)
        #expect(DORA.band(changeFailure: Figure(counted: [], over: [])) == nil)
    }
}
