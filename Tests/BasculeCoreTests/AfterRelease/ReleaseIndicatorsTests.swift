import BasculeCore
import Foundation
import Testing

@Suite("ITIL indicators of the release process")
struct ReleaseIndicatorsTests {
    static func outcome(_ key: String, _ result: CutoverOutcome.Result, type: ReleaseType = .minor, lateMinutes: Double = 0,
                        downtime: (TimeInterval, TimeInterval)? = nil) -> CutoverOutcome {
        let planned = DateInterval(start: Fixtures.t0, duration: 3 * 3600)
        return CutoverOutcome(release: key, type: type, result: result, planned: planned,
                              actual: DateInterval(start: Fixtures.t0, duration: 3 * 3600 + lateMinutes * 60),
                              plannedDowntime: downtime?.0, actualDowntime: downtime?.1)
    }

    @Test("each share counts its releases over those that ended, with the records behind both")
    func shares() {
        // given
        let indicators = ReleaseIndicators([
            Self.outcome("REL-1", .deployed, downtime: (1_800, 2_400)), Self.outcome("REL-2", .deployed, lateMinutes: 30),
            Self.outcome("REL-3", .rolledBack, type: .emergency), Self.outcome("REL-4", .failed),
        ], incidentsOpened: ["REL-2": [Fixtures.t0.addingTimeInterval(86_400)], "REL-1": [Fixtures.t0.addingTimeInterval(30 * 86_400)]])
        // then
        #expect(indicators.success.counted == ["REL-1", "REL-2"] && indicators.success.denominator == 4)
        #expect(indicators.rollback.counted == ["REL-3"])
        #expect(indicators.failure.counted == ["REL-4"])
        #expect(indicators.emergency.ratio == 0.25)
        #expect(indicators.insideWindow.counted == ["REL-1"] && indicators.insideWindow.over == ["REL-1", "REL-2"])
        #expect(indicators.followedByIncident.counted == ["REL-2"], "an incident a month later is not counted")
        #expect(indicators.plannedDowntime == 1_800 && indicators.actualDowntime == 2_400)
    }

    @Test("a period without any cutover has no figures, not zeros")
    func noData() {
        // given
        let indicators = ReleaseIndicators([], incidentsOpened: [:])
        // then
        #expect(indicators.success.ratio == nil)
        #expect(indicators.followedByIncident.ratio == nil)
        #expect(indicators.plannedDowntime == nil)
    }
}
