import BasculeCore
import BasculeStore
import Foundation

/// The test campaigns of a release: recorded by hand or read from JUnit XML reports.
public struct TestEvidenceService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
    }

    public func list(of key: String) async throws -> [TestCampaign] {
        try await gate.require(.releaseRead, on: key)
        return try await refusing {
            try await store.withConnection { db in
                try await TestCampaignRepository(db).all(of: try await ReleaseService.load(key, from: ReleaseRepository(db)))
            }
        }
    }

    public struct Record: Sendable {
        public var kind: TestKind
        public var environment: String?
        public var evidence: String?

        public init(kind: TestKind, environment: String? = nil, evidence: String? = nil) {
            self.kind = kind
            self.environment = environment
            self.evidence = evidence
        }
    }

    public func record(in key: String, _ record: Record, result: TestResult) async throws -> TestCampaign {
        try await gate.require(.testRecord, on: key)
        return try await refusing { try await save(key, record, result: try result.validated(), source: "manual") }
    }

    /// Reads the report whole before storing anything: a file that is not XML or is cut off
    /// imports nothing.
    public func importJUnit(in key: String, _ record: Record, report: Data, fileName: String?) async throws -> TestCampaign {
        try await gate.require(.testRecord, on: key)
        return try await refusing {
            let result = try JUnitReport.parse(report)
            let source = fileName.map { "junit:" + String($0.prefix(200)) } ?? "junit"
            return try await save(key, record, result: result, source: source)
        }
    }

    private func save(_ key: String, _ record: Record, result: TestResult, source: String) async throws -> TestCampaign {
        var errors: [FieldError] = []
        let environment = record.environment?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        let evidence = Reference.validated(record.evidence, field: "evidence", errors: &errors)
        let shapeErrors = errors
        return try await store.transaction { db in
            var errors = shapeErrors
            if let environment, try await EnvironmentRepository(db).named(environment) == nil {
                errors.append(FieldError("environment", "no environment is named \(environment)"))
            }
            guard errors.isEmpty else { throw ServiceError.invalid(errors) }
            let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
            let campaign = TestCampaign(kind: record.kind, environment: environment, result: result, evidence: evidence, source: source,
                                        recordedBy: RequestOrigin.current.actor, recordedAt: now())
            try await TestCampaignRepository(db).insert(campaign, in: release)
            let rate = result.passRate.map { String(format: "%.1f %%", $0) } ?? "nothing executed"
            try await AuditLog.record(.testRecord, target: release.key.description,
                                      summary: "\(record.kind.rawValue) campaign from \(source): \(result.passed) passed, \(result.failed) failed, \(result.skipped) skipped (\(rate))",
                                      at: campaign.recordedAt, in: db)
            return campaign
        }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
