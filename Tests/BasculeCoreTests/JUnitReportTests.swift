import BasculeCore
import Foundation
import Testing

@Suite("JUnit reports")
struct JUnitReportTests {
    static func report(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("JUnitReports/\(name)"))
    }

    @Test("a report made by pytest --junitxml counts passed, failed and skipped tests and names the failures")
    func pytest() throws {
        // when
        let result = try JUnitReport.parse(try Self.report("pytest-junitxml.xml"))
        // then
        #expect(result == TestResult(passed: 2, failed: 2, skipped: 1, failingTests: ["test_sample.test_vat_rounding", "test_sample.TestExport.test_xml"]))
    }

    @Test("a report made by swift test --xunit-output for Swift Testing is read")
    func swiftTesting() throws {
        // when
        let result = try JUnitReport.parse(try Self.report("swift-testing-xunit.xml"))
        // then
        #expect(result == TestResult(passed: 1, failed: 1, skipped: 1, failingTests: ["SampleTests.additionFails()"]))
    }

    @Test("a report made by swift test --xunit-output for XCTest is read")
    func xctest() throws {
        // when
        let result = try JUnitReport.parse(try Self.report("xctest-xunit.xml"))
        // then
        #expect(result == TestResult(passed: 2, failed: 1, skipped: 0, failingTests: ["SampleTests.LegacyTests.testFails"]))
        #expect(result.passRate.map { ($0 * 10).rounded() / 10 } == 66.7)
    }

    @Test("a truncated report is refused with its line, nothing counted")
    func truncated() throws {
        // given
        let whole = try Self.report("pytest-junitxml.xml")
        // when / then
        #expect(throws: CoreError.self) { try JUnitReport.parse(whole.prefix(whole.count / 2)) }
    }

    @Test("a file that is not XML is refused with a clear message")
    func notXML() {
        // when
        let error = #expect(throws: CoreError.self) { try JUnitReport.parse(Data("passed: 12, failed: 0".utf8)) }
        // then
        #expect(error?.description.hasPrefix("report: is not a JUnit XML report") == true)
    }

    @Test("XML that is not a test report is refused")
    func otherXML() {
        #expect(throws: CoreError.invalid([FieldError("report", "is not a JUnit XML report (line 1): the root element is <html>, not <testsuites> or <testsuite>")])) {
            try JUnitReport.parse(Data("<html><body/></html>".utf8))
        }
    }

    @Test("an empty file is refused")
    func empty() {
        #expect(throws: CoreError.invalid([FieldError("report", "is empty")])) { try JUnitReport.parse(Data()) }
    }
}
