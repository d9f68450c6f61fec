import Foundation

public enum TestKind: String, Sendable, CaseIterable, Codable, Hashable {
    case functional, regression, performance, security, acceptance, installationProcedure
}

/// The evidence that a release was tested: one campaign of one kind, its counts and the names
/// of what failed.
public struct TestCampaign: Sendable, Equatable {
    public let id: UUID
    public let kind: TestKind
    public let environment: String?
    public let result: TestResult
    public let evidence: String?
    /// Where the figures came from: `manual`, or the name of an imported JUnit file.
    public let source: String
    public let recordedBy: String
    public let recordedAt: Date

    public init(id: UUID = UUID(), kind: TestKind, environment: String?, result: TestResult, evidence: String?, source: String,
                recordedBy: String, recordedAt: Date) {
        self.id = id
        self.kind = kind
        self.environment = environment
        self.result = result
        self.evidence = evidence
        self.source = source
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
    }
}

public struct TestResult: Sendable, Equatable {
    public static let maximumFailingNames = 500
    public let passed: Int
    public let failed: Int
    public let skipped: Int
    public let failingTests: [String]

    public init(passed: Int, failed: Int, skipped: Int, failingTests: [String] = []) {
        self.passed = passed
        self.failed = failed
        self.skipped = skipped
        self.failingTests = failingTests
    }

    /// Passed over executed, in percent; skipped tests are not executed. Nil when nothing ran.
    public var passRate: Double? {
        let executed = passed + failed
        return executed == 0 ? nil : Double(passed) * 100 / Double(executed)
    }

    public func validated() throws(CoreError) -> TestResult {
        var errors: [FieldError] = []
        for (name, value) in [("passed", passed), ("failed", failed), ("skipped", skipped)] where value < 0 || value > 10_000_000 {
            errors.append(FieldError(name, "must be from 0 to 10000000"))
        }
        if failingTests.count > Self.maximumFailingNames {
            errors.append(FieldError("failingTests", "must list at most \(Self.maximumFailingNames) names"))
        }
        if failingTests.contains(where: { $0.textLength > 1_000 }) {
            errors.append(FieldError("failingTests", "each name must be at most 1000 characters"))
        }
        // A JUnit report can carry a control character as a character reference (`&#1;`).
        if let refused = failingTests.lazy.compactMap({ TextRule.checkSingleLine($0, field: "failingTests") }).first { errors.append(refused) }
        guard errors.isEmpty else { throw .invalid(errors) }
        return self
    }
}

extension Array where Element == TestCampaign {
    /// The most recent campaign of each kind: a later run supersedes an earlier one.
    public func latestByKind() -> [TestKind: TestCampaign] {
        var latest: [TestKind: TestCampaign] = [:]
        for campaign in self where latest[campaign.kind].map({ $0.recordedAt <= campaign.recordedAt }) ?? true {
            latest[campaign.kind] = campaign
        }
        return latest
    }
}
