import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// What the forecast learns, as the API and the pages show it: the run's pace and its prior,
/// and the calibration report of the installation's finished cutovers.
@Suite("Forecast learning, API and pages")
struct ForecastLearningAPITests {
    @Test("the demo's live run says how fast it goes against its rehearsals and that its prior comes from the ERP's earlier cutovers")
    func demoPace() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let (_, run) = try await RunPagesTests.liveRun(services)
            // when
            let view = try await client.send(.get, "/api/v1/runs/\(run)").json()
            let page = try await client.send(.get, "/runs/\(run)").text
            // then
            let pace = try #require((view["forecast"] as? [String: Any])?["pace"] as? [String: Any])
            let prior = try #require(pace["prior"] as? [String: Any])
            #expect(pace["basis"] as? String == "rehearsals")
            #expect((pace["steps"] as? Int ?? 0) >= 10)
            #expect(prior["source"] as? String == "application" && prior["cutovers"] as? Int == 3)
            #expect((prior["factor"] as? Double ?? 0) > 1.05)
            #expect(page.contains("<p class=\"pace\">Running ") && page.contains("than rehearsals"))
            #expect(page.contains("learned from 3 earlier cutovers of this application"))
        }
    }

    @Test("the calibration report remakes each of the demo's six past cutovers at go-live and each quarter, as JSON, SVG and a page in both languages")
    func demoCalibration() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            _ = try await GatePagesTests.demo(services)
            // when
            let report = try await client.send(.get, "/api/v1/forecast-calibration").json()
            let diagram = try await client.send(.get, "/api/v1/forecast-calibration/diagram")
            let french = try await client.send(.get, "/api/v1/forecast-calibration/diagram?lang=fr").text
            let page = try await client.send(.get, "/calibration").text
            let pageFR = try await client.send(.get, "/calibration", headers: [.acceptLanguage: "fr"]).text
            // then
            let checkpoints = try #require(report["checkpoints"] as? [[String: Any]])
            let cutovers = try #require(report["cutovers"] as? [[String: Any]])
            #expect(checkpoints.map { $0["checkpoint"] as? String } == ["goLive", "quarter", "half", "threeQuarters"])
            #expect(checkpoints.allSatisfy { $0["cutovers"] as? Int == 6 && ($0["reliability"] as? [Double])?.count == 9 })
            #expect(cutovers.count == 6 && cutovers.allSatisfy { ($0["points"] as? [Any])?.count == 4 })
            #expect(cutovers.last?["prior"] as? String == "rehearsals" && cutovers.first?["prior"] as? String == "installation")
            #expect(diagram.status == .ok && diagram.headers[.contentType]?.hasPrefix("image/svg+xml") == true)
            #expect(diagram.text.contains("<polyline class=\"series\"") && diagram.text.contains("At go-live"))
            #expect(french.contains("Au lancement") && french.contains("À mi-parcours"))
            #expect(page.contains("class=\"reliability\"") && page.contains("How well the forecasts held") && page.contains("REL-20"))
            #expect(pageFR.contains("Fiabilité des prévisions") && pageFR.contains("Bascules"))
        }
    }

    @Test("without a finished cutover the report is empty and says it fills in as cutovers finish")
    func emptyCalibration() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // when
            let report = try await client.send(.get, "/api/v1/forecast-calibration").json()
            let page = try await client.send(.get, "/calibration").text
            // then
            #expect((report["cutovers"] as? [Any])?.isEmpty == true)
            #expect(page.contains("No live cutover has finished yet"))
        }
    }

    @Test("a live run that finishes is in the calibration report at once", arguments: TestEngine.available)
    func finishedRunIsLearned(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given a release rehearsed once, then run live to the end 30 % slower
            try await RunbookAPITests.ready(client, services)
            let clock = TestClock()
            let timed = RunService(store: services.store, now: { clock.now })
            let before = try await client.send(.get, "/api/v1/forecast-calibration").json()
            for (kind, factor) in [(RunKind.rehearsal, 1.0), (.live, 1.3)] {
                let run = try await timed.create(in: "REL-1", kind: kind)
                for (key, minutes) in [("backup", 10.0), ("notify", 5), ("stop", 5), ("deploy", 20), ("go", 5)] {
                    _ = try await timed.act(run.id.uuidString, .start(key))
                    clock.advance(by: minutes * 60 * factor)
                    if key == "go" {
                        _ = try await timed.act(run.id.uuidString, .decide(key, .go, reason: "All green"))
                    } else {
                        _ = try await timed.act(run.id.uuidString, .complete(key))
                    }
                }
            }
            // when
            let after = try await client.send(.get, "/api/v1/forecast-calibration").json()
            let history = try await RequestOrigin.asSystem { try await services.runs.calibration() }
            // then
            #expect((before["cutovers"] as? [Any])?.count == 0)
            #expect((after["cutovers"] as? [[String: Any]])?.first?["release"] as? String == "REL-1")
            #expect(history.cutovers.count == 1)
        }
    }

    @Test("once ten cutovers have finished, a live run's P50 and P90 are read by how their forecasts held, and its page says so")
    func liveForecastRecalibrated() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given ten releases each rehearsed once, then run live to the end 30 % slower, and an eleventh going live
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            let clock = TestClock()
            let timed = RunService(store: services.store, now: { clock.now })
            var live = ""
            for number in 1...11 {
                try await client.send(.post, "/api/v1/releases", json: Samples.plannedRelease)
                try await client.send(.put, "/api/v1/releases/REL-\(number)/runbook/yaml", json: RunbookAPITests.yaml, headers: [.contentType: "application/yaml"])
                for status in ["planned", "approved", "ready"] {
                    try await client.send(.post, "/api/v1/releases/REL-\(number)/transitions", json: #"{"to":"\#(status)"}"#)
                }
                for (kind, factor) in [(RunKind.rehearsal, 1.0), (.live, 1.3)] {
                    let run = try await timed.create(in: "REL-\(number)", kind: kind)
                    live = run.id.uuidString
                    for (key, minutes) in [("backup", 10.0), ("notify", 5), ("stop", 5), ("deploy", 20), ("go", 5)] {
                        _ = try await timed.act(run.id.uuidString, .start(key))
                        if number == 11, kind == .live { break }
                        clock.advance(by: minutes * 60 * factor)
                        if key == "go" {
                            _ = try await timed.act(run.id.uuidString, .decide(key, .go, reason: "All green"))
                        } else {
                            _ = try await timed.act(run.id.uuidString, .complete(key))
                        }
                    }
                    clock.advance(by: 86_400)
                }
            }
            // when
            let view = try await client.send(.get, "/api/v1/runs/\(live)").json()
            let page = try await client.send(.get, "/runs/\(live)").text
            let pageFR = try await client.send(.get, "/runs/\(live)", headers: [.acceptLanguage: "fr"]).text
            // then
            let forecast = try #require(view["forecast"] as? [String: Any])
            #expect(forecast["calibratedBy"] as? Int == 10)
            #expect(page.contains("P50 and P90 corrected by how the forecasts of 10 earlier cutovers held."))
            #expect(pageFR.contains("P50 et P90 corrigés d’après la justesse des prévisions de 10 bascules précédentes."))
        }
    }

    @Test("the calibration report needs someone signed in")
    func calibrationNeedsCredentials() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // when
            let answer = try await client.raw.send(.get, "/api/v1/forecast-calibration")
            // then
            #expect(answer.status == .unauthorized)
            #expect(answer.headers[.contentType]?.hasPrefix("application/problem+json") == true)
        }
    }
}
