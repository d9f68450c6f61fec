@testable import BasculeCore
import Foundation
import Testing

/// The forecast read by how the installation's past forecasts held (`Recalibration`).
@Suite("Forecast recalibration")
struct RecalibrationTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// Ten steps in a row, ten minutes each, rehearsed at 9.5, 10 and 10.5 minutes.
    static let chain: [RunbookStep] = (0..<10).map { index in
        RunbookStep(key: "S\(index)", title: "Step \(index)", plannedDuration: 600, predecessors: index == 0 ? [] : ["S\(index - 1)"])
    }
    static let rehearsed: [String: [TimeInterval]] = Dictionary(uniqueKeysWithValues: chain.map { ($0.key, [570, 600, 630]) })

    /// `count` past cutovers that each ended at the same rank of their forecasts, at every checkpoint.
    static func past(_ rank: Double, count: Int) -> Recalibration {
        Recalibration(ranks: CalibrationReport.Checkpoint.allCases.map { _ in Array(repeating: rank, count: count) })
    }

    static func forecast(_ recalibration: Recalibration) -> Forecast {
        Forecaster(steps: chain, rehearsals: RehearsalHistory(durations: rehearsed), recalibration: recalibration)
            .forecast(start: start, now: start)
    }

    @Test("when past cutovers ended early in their forecasts, P50 and P90 are read earlier")
    func earlyEndsReadEarlier() {
        // given forty past cutovers that all ended on the P20 of their forecasts
        let recalibration = Self.past(0.2, count: 40)
        // when
        let drawn = Self.forecast(.identity), corrected = Self.forecast(recalibration)
        // then P50 is read where the P20 was drawn
        #expect(corrected.p50End < drawn.p50End)
        #expect(abs(corrected.p50End.timeIntervalSince(drawn.endDeciles[1])) < 1)
        #expect(corrected.p90End < drawn.p90End)
        #expect(corrected.calibratedBy == 40)
        #expect(drawn.calibratedBy == 0)
    }

    @Test("with fewer than ten past cutovers the forecast is read as drawn")
    func fewCutoversChangeNothing() {
        // given nine past cutovers far off their forecasts
        let recalibration = Self.past(0.05, count: 9)
        // when
        let forecast = Self.forecast(recalibration)
        // then
        #expect(recalibration.cutovers == 0)
        #expect(forecast == Self.forecast(.identity))
    }

    @Test("past forecasts that held leave the levels where they are, P90 a little higher for the cutover to come")
    func calibratedPastLeavesLevels() {
        // given ranks spread evenly between 0 and 1, as calibrated forecasts leave them
        let even = (0..<99).map { Double($0 + 1) / 100 }
        let recalibration = Recalibration(ranks: CalibrationReport.Checkpoint.allCases.map { _ in even })
        // when
        let p50 = recalibration.level(0.5, progress: 0), p90 = recalibration.level(0.9, progress: 0.6)
        // then
        #expect(abs(p50 - 0.5) < 0.01)
        #expect(p90 >= 0.9 && p90 < 0.92, "\(p90)")
    }

    @Test("between two checkpoints the level moves in proportion to how far the run has gone")
    func levelsBetweenCheckpoints() {
        // given the forecasts made at go-live ended on their P30, those a quarter in on their P50
        var ranks = CalibrationReport.Checkpoint.allCases.map { _ in Array(repeating: 0.5, count: 50) }
        ranks[0] = Array(repeating: 0.3, count: 50)
        let recalibration = Recalibration(ranks: ranks)
        // when
        let atGoLive = recalibration.level(0.5, progress: 0), between = recalibration.level(0.5, progress: 0.125)
        // then
        #expect(abs(atGoLive - 0.3) < 1e-9)
        #expect(abs(between - (atGoLive + 0.5) / 2) < 1e-9)
    }

    @Test("the share of draws ended by a moment is the forecast's rank of it")
    func rankOfAnEnd() {
        // given
        let forecast = Self.forecast(.identity)
        // when / then
        #expect(abs(forecast.rank(of: forecast.p50End) - 0.5) < 0.01)
        #expect(abs(forecast.rank(of: forecast.p90End) - 0.9) < 0.01)
        #expect(forecast.rank(of: Self.start) == 0)
    }
}
