import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads a JUnit XML report, the format that `swift test --xunit-output`, pytest
/// `--junitxml`, Maven Surefire and most CI tools write. Every `<testcase>` counts once:
/// failed when it holds `<failure>` or `<error>`, skipped when it holds `<skipped>`, passed
/// otherwise. Suite-level totals are ignored, since tools disagree on what they count.
public enum JUnitReport {
    public static let maximumSize = 20 * 1024 * 1024

    public static func parse(_ data: Data) throws(CoreError) -> TestResult {
        guard !data.isEmpty else { throw .invalid([FieldError("report", "is empty")]) }
        guard data.count <= maximumSize else { throw .invalid([FieldError("report", "is larger than 20 MiB")]) }
        let reader = Reader()
        let parser = XMLParser(data: data)
        // No external entities, no DTD: a report is data, never a fetch.
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        let finished = parser.parse()
        if !finished || reader.failure != nil {
            let line = parser.lineNumber
            let reason = reader.failure ?? parser.parserError.map { Self.describe($0) } ?? "it is not well-formed XML"
            throw .invalid([FieldError("report", "is not a JUnit XML report (line \(line)): \(reason)")])
        }
        guard reader.sawRoot else {
            throw .invalid([FieldError("report", "is not a JUnit XML report: the root element must be <testsuites> or <testsuite>")])
        }
        // Foundation's parser on Linux reports success on a document cut off in the middle:
        // the root must have been closed for the report to be whole.
        guard reader.closedRoot else {
            throw .invalid([FieldError("report", "is cut off (line \(parser.lineNumber)): the root element is never closed")])
        }
        // XML can carry a control character as a character reference (`&#1;`): the names kept
        // follow the text rule like any other input.
        if let refused = reader.failingNames.lazy.compactMap({ TextRule.check($0, field: "report") }).first {
            throw .invalid([FieldError("report", "a failing test's name \(refused.message)")])
        }
        return TestResult(passed: reader.passed, failed: reader.failingNames.count, skipped: reader.skipped,
                          failingTests: Array(reader.failingNames.prefix(TestResult.maximumFailingNames)))
    }

    private static func describe(_ error: any Error) -> String {
        let text = (error as NSError).localizedDescription
        return text.isEmpty ? "it is not well-formed XML" : "it is not well-formed XML (\(text))"
    }

    private final class Reader: NSObject, XMLParserDelegate {
        var sawRoot = false
        var closedRoot = false
        var failure: String?
        var passed = 0
        var skipped = 0
        var failingNames: [String] = []
        private var depth = 0
        private var current: (name: String, failed: Bool, skipped: Bool)?

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            depth += 1
            if depth == 1 {
                if name == "testsuites" || name == "testsuite" { sawRoot = true } else {
                    failure = "the root element is <\(name)>, not <testsuites> or <testsuite>"
                    parser.abortParsing()
                }
                return
            }
            switch name {
            case "testcase":
                let className = attributes["classname"].map { $0.isEmpty ? "" : $0 + "." } ?? ""
                current = (className + (attributes["name"] ?? "unnamed"), false, false)
            case "failure", "error": current?.failed = true
            case "skipped": current?.skipped = true
            default: break
            }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            depth -= 1
            if depth == 0 { closedRoot = true }
            guard name == "testcase", let test = current else { return }
            if test.failed { failingNames.append(test.name) } else if test.skipped { skipped += 1 } else { passed += 1 }
            current = nil
        }
    }
}
