import AsyncHTTPClient
import BasculeCore
import Foundation
import NIOCore

/// Sends requests to a service's public address at a steady rate, each on its own schedule
/// (a slow answer never delays the next request), and records every one: what a rolling
/// update's interruption is measured from.
public enum Prober {
    public struct Outcome: Sendable {
        public let samples: [ProbeSample]
        public let interval: Double
        /// Seconds from the start to the last request sent.
        public let end: Double
        /// How late the latest request left against its schedule, in seconds.
        public let maxLateness: Double
    }

    /// Answers waiting at once: beyond the client's default of 8 connections, requests would
    /// queue inside the client and leave late while the service holds the first ones.
    public static let connections = 256

    public static func run(url: String, rate: Double, duration: TimeInterval, timeout: TimeInterval, http: HTTPClient,
                           stop: StopSignal? = nil, record: (@Sendable (ProbeSample) -> Void)? = nil) async -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        let interval = 1 / rate
        let count = max(1, Int((duration * rate).rounded()))
        func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        return await withTaskGroup(of: (sample: ProbeSample, lateness: Double).self) { group in
            for index in 0..<count {
                let due = start + .nanoseconds(Int64(Double(index) * interval * 1e9))
                try? await Task.sleep(until: due, clock: clock)
                if stop?.stopped != nil { break }
                group.addTask {
                    let sent = clock.now
                    let sentAt = seconds(sent - start), lateness = seconds(sent - due)
                    var request = HTTPClientRequest(url: url)
                    request.method = .GET
                    let sample: ProbeSample
                    do {
                        let response = try await http.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
                        _ = try await response.body.collect(upTo: 1024 * 1024)
                        sample = ProbeSample(sentAt: sentAt, status: Int(response.status.code), latency: seconds(clock.now - sent))
                    } catch {
                        sample = ProbeSample(sentAt: sentAt, status: nil, latency: nil)
                    }
                    record?(sample)
                    return (sample, lateness)
                }
            }
            var samples: [ProbeSample] = [], lateness = 0.0
            for await done in group {
                samples.append(done.sample)
                lateness = max(lateness, done.lateness)
            }
            samples.sort { $0.sentAt < $1.sentAt }
            return Outcome(samples: samples, interval: interval, end: samples.last?.sentAt ?? 0, maxLateness: lateness)
        }
    }
}
