import AsyncHTTPClient
import BasculeServer
import Foundation
import NIOCore
import NIOHTTP1

/// An HTTP check: tried until the expected answer comes, the retries run out or the deadline
/// passes. Every try is written to the attempt's output (`check` stream): its status, its time
/// and the first bytes of the body.
enum HTTPChecker {
    static let shownBytes = 200

    static func run(_ check: AgentWire.HTTPCheck, http: HTTPClient, shipper: LogShipper, stop: StopSignal) async -> (passed: Bool, summary: String) {
        let deadline = ContinuousClock.now + .milliseconds(Int64(check.deadlineSeconds * 1000))
        let pattern = check.bodyMatches.flatMap { try? Regex($0) }
        var tries = 0, last = "no try made"
        while true {
            tries += 1
            if let reason = stop.stopped { return (false, "stopped: \(reason)") }
            let started = ContinuousClock.now
            var request = HTTPClientRequest(url: check.url)
            request.method = HTTPMethod(rawValue: check.method)
            for (name, value) in check.headers { request.headers.add(name: name, value: value) }
            let left = deadline - started
            var passed = false
            do {
                let response = try await http.execute(request, timeout: .milliseconds(max(1, Int64(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))))
                let body = String(buffer: try await response.body.collect(upTo: 1024 * 1024))
                let elapsed = ContinuousClock.now - started
                let statusOK = check.expectedStatus.contains(Int(response.status.code))
                let containsOK = check.bodyContains.map { body.contains($0) } ?? true
                let matchesOK = pattern.map { body.contains($0) } ?? true
                passed = statusOK && containsOK && matchesOK
                var why: [String] = []
                if !statusOK { why.append("status \(response.status.code) not in \(check.expectedStatus.map(String.init).joined(separator: ", "))") }
                if !containsOK { why.append("body lacks the expected text") }
                if !matchesOK { why.append("body does not match the expression") }
                last = "HTTP \(response.status.code) in \(milliseconds(elapsed)) ms" + (why.isEmpty ? "" : ": " + why.joined(separator: "; "))
                let excerpt = String(body.prefix(shownBytes)).replacingOccurrences(of: "\n", with: " ")
                await shipper.append("check", Data("try \(tries): \(check.method) \(check.url) → \(last); body: \(excerpt)\n".utf8))
            } catch {
                last = "no answer: \(error)"
                await shipper.append("check", Data("try \(tries): \(check.method) \(check.url) → \(last)\n".utf8))
            }
            if passed { return (true, "check passed on try \(tries): \(last)") }
            let next = ContinuousClock.now + .milliseconds(Int64(check.intervalSeconds * 1000))
            guard tries <= check.retries, next < deadline else {
                return (false, "check failed after \(tries) tr\(tries == 1 ? "y" : "ies"): \(last)")
            }
            try? await Task.sleep(until: next)
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
