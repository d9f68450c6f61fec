import BasculeCore
import Foundation
import Testing

@Suite("Interruption measured by a probe")
struct InterruptionTests {
    /// A probe at `rate` per second for `seconds`, each request answered by `answer(sentAt)`.
    static func probe(rate: Double, seconds: Double, _ answer: (Double) -> (status: Int?, latency: Double?)) -> [ProbeSample] {
        stride(from: 0.0, to: seconds, by: 1 / rate).map { sentAt in
            let (status, latency) = answer(sentAt)
            return ProbeSample(sentAt: sentAt, status: status, latency: latency)
        }
    }

    @Test("a service answering well all along shows no interruption")
    func steady() {
        // given
        let samples = Self.probe(rate: 20, seconds: 10) { _ in (200, 0.004) }
        // when
        let measured = Interruption.measure(samples, interval: 0.05, until: 10)
        // then
        #expect(measured.requests == 200)
        #expect(measured.failed == 0 && measured.slow == 0)
        #expect(measured.windows.isEmpty)
        #expect(measured.totalSeconds == 0)
    }

    @Test("a service refusing requests for 300 ms is interrupted about 300 ms, within one interval")
    func refused() {
        // given: down from 2.0 s to 2.3 s
        let samples = Self.probe(rate: 200, seconds: 5) { sentAt in (2.0..<2.3).contains(sentAt) ? (nil, nil) : (200, 0.002) }
        // when
        let measured = Interruption.measure(samples, interval: 0.005, until: 5)
        // then
        #expect(measured.failed == 60)
        #expect(measured.windows.count == 1)
        #expect(abs(measured.longestGap - 0.3) <= 0.005 + 1e-9)
    }

    @Test("a service that pauses answers every request in the end, yet the pause is measured")
    func paused() {
        // given: requests sent from 2.0 to 2.3 s wait until 2.3 s for their answer
        let samples = Self.probe(rate: 200, seconds: 5) { sentAt in
            (2.0..<2.3).contains(sentAt) ? (200, 2.3 - sentAt + 0.002) : (200, 0.002)
        }
        // when
        let measured = Interruption.measure(samples, interval: 0.005, until: 5)
        // then
        #expect(measured.failed == 0)
        #expect(measured.slow == 0)
        #expect(measured.windows.count == 1)
        #expect(abs(measured.longestGap - 0.3) <= 0.01)
    }

    @Test("answers slower than the rule allows count as slow and do not close a window")
    func slow() {
        // given: answers take 1.5 s from 1 s to 2 s
        let samples = Self.probe(rate: 20, seconds: 4) { sentAt in (1.0..<2.0).contains(sentAt) ? (200, 1.5) : (200, 0.01) }
        // when
        let measured = Interruption.measure(samples, interval: 0.05, until: 4, rule: ProbeRule(slowAfter: 1))
        // then
        #expect(measured.slow == 20)
        #expect(measured.failed == 0)
        #expect(abs(measured.longestGap - 1.0) <= 0.05 + 1e-9)
    }

    @Test("a service down when the probe starts or when it stops is interrupted until then")
    func downAtTheEdges() {
        // given: down for the first and the last second of four
        let samples = Self.probe(rate: 20, seconds: 4) { sentAt in sentAt < 1 || sentAt >= 3 ? (503, 0.001) : (200, 0.001) }
        // when
        let measured = Interruption.measure(samples, interval: 0.05, until: 4)
        // then
        #expect(measured.windows.count == 2)
        #expect(abs(measured.totalSeconds - 2.0) <= 0.1)
        #expect(measured.failed == 40)
    }

    @Test("the part of an interruption within a batch cuts its windows to the batch")
    func perBatch() {
        // given: down from 2.0 to 2.5 s; batches [0, 2.2) and [2.2, 5)
        let samples = Self.probe(rate: 100, seconds: 5) { sentAt in (2.0..<2.5).contains(sentAt) ? (nil, nil) : (200, 0.001) }
        let whole = Interruption.measure(samples, interval: 0.01, until: 5)
        // when
        let first = whole.within(0, 2.2, samples: samples)
        let second = whole.within(2.2, 5, samples: samples)
        // then
        #expect(abs(first.totalSeconds + second.totalSeconds - whole.totalSeconds) < 1e-9)
        #expect(abs(first.totalSeconds - 0.2) <= 0.011)
        #expect(first.failed + second.failed == whole.failed)
        #expect(first.requests + second.requests == whole.requests)
    }
}
