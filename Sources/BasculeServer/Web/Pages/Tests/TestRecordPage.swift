import BasculeCore
import Foundation

/// Recording a test campaign: figures typed by hand, or a JUnit XML report uploaded; each
/// form keeps what was typed when refused.
enum TestRecordPage {
    typealias Option = Choice

    struct Model: Sendable {
        let releaseKey: String
        let releaseTitle: String
        let releaseHref: String
        let kinds: [Option]
        let environments: [Option]
        let values: [String: String]
        let errors: [String]
        let maxMegabytes: String
    }

    static func model(release: Release, environments: [String], values: [String: String], errors: [FieldError], _ words: Words) -> Model {
        let key = release.key.description
        let kind = values["kind"].flatMap { $0.isEmpty ? nil : $0 } ?? TestKind.regression.rawValue
        let environment = values["environment"] ?? ""
        return Model(
            releaseKey: key, releaseTitle: release.title, releaseHref: "/releases/\(key)?tab=tests",
            kinds: TestKind.allCases.map { Option(value: $0.rawValue, label: words.label($0), selected: $0.rawValue == kind) },
            environments: [Option(value: "", label: "—", selected: environment.isEmpty)]
                + environments.map { Option(value: $0, label: $0, selected: $0 == environment) },
            values: values, errors: errors.map(words.error), maxMegabytes: words.number(JUnitReport.maximumSize / 1_048_576))
    }

    /// The figures typed by hand.
    static func manual(_ values: [String: String]) -> (TestEvidenceService.Record?, TestResult?, [FieldError]) {
        var errors: [FieldError] = []
        let record = record(values, errors: &errors)
        func count(_ name: String) -> Int {
            let raw = values[name]?.trimmingCharacters(in: .whitespaces) ?? ""
            if raw.isEmpty { return 0 }
            guard let n = Int(raw), n >= 0 else { errors.append(FieldError(name, "must not be negative")); return 0 }
            return n
        }
        let failing = (values["failing"] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let result = TestResult(passed: count("passed"), failed: count("failed"), skipped: count("skipped"), failingTests: failing)
        return errors.isEmpty ? (record, result, []) : (nil, nil, errors)
    }

    static func record(_ values: [String: String], errors: inout [FieldError]) -> TestEvidenceService.Record? {
        guard let kind = TestKind(rawValue: values["kind"] ?? "") else {
            errors.append(FieldError("kind", "is not one of the choices"))
            return nil
        }
        let environment = values["environment"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let evidence = values["evidence"]?.trimmingCharacters(in: .whitespaces) ?? ""
        return TestEvidenceService.Record(kind: kind, environment: environment.isEmpty ? nil : environment, evidence: evidence.isEmpty ? nil : evidence)
    }
}
