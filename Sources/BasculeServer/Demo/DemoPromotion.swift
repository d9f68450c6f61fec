import BasculeCore
import Foundation

/// Promotion through environments in the demo: recette mirrors preproduction, which mirrors
/// production; the data warehouse load went through recette and preproduction with passing
/// tests; payroll passed recette and waits for its tests on preproduction.
enum DemoPromotion {
    static func seed(_ services: BasculeServices, now: Date, keys: [String: String]) async throws {
        let day: TimeInterval = 86_400
        _ = try await services.environments.setMirror(of: "preproduction", to: "production")
        _ = try await services.environments.refresh("preproduction", at: now.addingTimeInterval(-9 * day))
        _ = try await services.environments.setMirror(of: "recette", to: "preproduction")
        _ = try await services.environments.refresh("recette", at: now.addingTimeInterval(-41 * day))
        if let warehouse = keys["Data warehouse nightly load rewrite"] {
            _ = try await services.promotion.record(in: warehouse, .init(environment: "recette", outcome: .failed, at: now.addingTimeInterval(-12 * day),
                                                                         note: "The staging schema was missing: fixed in the runbook (step P03)."))
            _ = try await services.promotion.record(in: warehouse, .init(environment: "recette", outcome: .deployed, at: now.addingTimeInterval(-11 * day)))
            _ = try await services.tests.record(in: warehouse, .init(kind: .regression, environment: "recette", evidence: "https://ci.example.com/dwh/2024.11"),
                                                result: TestResult(passed: 188, failed: 0, skipped: 2))
            _ = try await services.promotion.record(in: warehouse, .init(environment: "preproduction", outcome: .deployed,
                                                                         at: now.addingTimeInterval(-4 * day), note: "Loaded a full night of production data."))
            _ = try await services.tests.record(in: warehouse, .init(kind: .performance, environment: "preproduction"),
                                                result: TestResult(passed: 12, failed: 0, skipped: 0))
        }
        if let payroll = keys["HR payroll 11.1"] {
            _ = try await services.promotion.record(in: payroll, .init(environment: "recette", outcome: .deployed, at: now.addingTimeInterval(-6 * day)))
            _ = try await services.tests.record(in: payroll, .init(kind: .acceptance, environment: "recette"),
                                                result: TestResult(passed: 64, failed: 0, skipped: 0))
            _ = try await services.promotion.record(in: payroll, .init(environment: "preproduction", outcome: .deployed, at: now.addingTimeInterval(-day)))
        }
    }
}
