@testable import BasculeCore
import Foundation
import Testing

/// The pace a run learns from its finished steps, and the prior it starts from.
@Suite("Run pace")
struct RunPaceTests {
    private func steps(_ count: Int, ratio: Double, sigma: Double = 0.2) -> [RunPace.Observation] {
        (0..<count).map { _ in RunPace.Observation(logRatio: Foundation.log(ratio), sigma: sigma) }
    }

    @Test("twenty steps 20 % slow, steady in rehearsals, put the run about 20 % slower than its history")
    func slowSteps() {
        // given / when
        let pace = RunPace.learned(from: steps(20, ratio: 1.2, sigma: 0.15), prior: .rehearsals)
        // then
        #expect(abs(pace.factor - 1.2) < 0.03, "\(pace.factor)")
        #expect(pace.steps == 20)
    }

    @Test("one step three times as long moves the pace little")
    func oneOutlier() {
        // given / when
        let pace = RunPace.learned(from: steps(1, ratio: 3), prior: .rehearsals)
        // then
        #expect(pace.factor < 1.08, "\(pace.factor)")
    }

    @Test("one odd step among ten that ran as rehearsed moves the pace little")
    func outlierAmongTen() {
        // given / when
        let pace = RunPace.learned(from: steps(9, ratio: 1) + steps(1, ratio: 3), prior: .rehearsals)
        // then
        #expect(pace.factor < 1.05, "\(pace.factor)")
    }

    @Test("the more steps agree, the surer the pace")
    func uncertaintyShrinks() {
        // given / when
        let few = RunPace.learned(from: steps(2, ratio: 1.2), prior: .rehearsals)
        let many = RunPace.learned(from: steps(20, ratio: 1.2), prior: .rehearsals)
        // then
        #expect(many.uncertainty < few.uncertainty)
        #expect(few.uncertainty <= PacePrior.rehearsals.logSD + 0.01)
    }

    @Test("no finished step leaves the prior as it is")
    func nothingLearned() {
        // given
        let prior = PacePrior(logMean: 0.1, logSD: 0.05, source: .installation(cutovers: 4))
        // when
        let pace = RunPace.learned(from: [], prior: prior)
        // then
        #expect(pace.logMean == 0.1)
        #expect(pace.logSD == 0.05)
        #expect(pace.steps == 0)
    }

    @Test("the prior comes from the application's own cutovers once it has three, else from the installation's, else from rehearsals")
    func priorSource() {
        // given
        let slow = [0.1, 0.12, 0.08], installation = [0.0, 0.02, 0.1, 0.12, 0.08]
        // when
        let own = PacePrior.learned(application: slow, installation: installation)
        let borrowed = PacePrior.learned(application: Array(slow.prefix(2)), installation: installation)
        let none = PacePrior.learned(application: [], installation: [])
        // then
        #expect(own.source == .application(cutovers: 3))
        #expect(abs(own.logMean - 0.1) < 1e-9)
        #expect(borrowed.source == .installation(cutovers: 5))
        #expect(none == .rehearsals)
    }
}
