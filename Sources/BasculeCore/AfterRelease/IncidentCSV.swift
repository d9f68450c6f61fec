import Foundation

/// Incidents from a CSV file (RFC 4180, comma or semicolon): a header naming the columns
/// `reference, title, severity, opened, resolved, items, link` (items separated by spaces or
/// `|`), one incident a row. Every bad row is named with its line; the caller imports nothing
/// unless a partial import is asked.
public enum IncidentCSV {
    public static let required = ["reference", "title", "severity", "opened"]

    public struct Result: Sendable {
        public let incidents: [Incident]
        /// The line of each incident in `incidents`, in the same order.
        public let lines: [Int]
        /// Each refused row, with its line and what is wrong.
        public let errors: [FieldError]
    }

    public static func parse(_ text: String) throws -> Result {
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r\n" }
        let delimiter: Character = firstLine.filter { $0 == ";" }.count > firstLine.filter { $0 == "," }.count ? ";" : ","
        let records: [(line: Int, fields: [String])]
        do { records = try CSVRecords.parse(text, delimiter: delimiter) } catch { throw CoreError.invalid([error]) }
        guard let header = records.first else { throw CoreError.invalid([FieldError("file", "is empty: it needs a header and a row per incident")]) }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let missing = required.filter { !columns.contains($0) }
        guard missing.isEmpty else {
            throw CoreError.invalid([FieldError("file", "the header lacks \(missing.joined(separator: ", ")) (it reads: \(columns.joined(separator: ", ")))", line: header.line)])
        }
        var incidents: [Incident] = [], lines: [Int] = [], errors: [FieldError] = [], seen = Set<String>()
        for record in records.dropFirst() where !record.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            func value(_ name: String) -> String {
                guard let index = columns.firstIndex(of: name), index < record.fields.count else { return "" }
                return record.fields[index].trimmingCharacters(in: .whitespaces)
            }
            var problems: [String] = []
            let opened = time(value("opened"))
            if opened == nil { problems.append("opened \"\(value("opened"))\" is not a time (2026-11-02T08:30:00Z)") }
            let resolvedText = value("resolved")
            let resolved = resolvedText.isEmpty ? nil : time(resolvedText)
            if !resolvedText.isEmpty, resolved == nil { problems.append("resolved \"\(resolvedText)\" is not a time") }
            guard let severity = Int(value("severity")) else {
                errors.append(FieldError("row", (problems + ["severity \"\(value("severity"))\" is not 1 to 4"]).joined(separator: "; "), line: record.line))
                continue
            }
            guard problems.isEmpty, let opened else {
                errors.append(FieldError("row", problems.joined(separator: "; "), line: record.line))
                continue
            }
            do {
                let items = value("items").split(whereSeparator: { $0 == " " || $0 == "|" }).map(String.init)
                let link = value("link")
                let incident = try Incident(reference: value("reference"), title: value("title"), severity: severity, openedAt: opened,
                                            resolvedAt: resolved, items: items, link: link.isEmpty ? nil : link)
                guard seen.insert(incident.reference).inserted else {
                    errors.append(FieldError("row", "\(incident.reference) appears twice in the file", line: record.line))
                    continue
                }
                incidents.append(incident)
                lines.append(record.line)
            } catch CoreError.invalid(let fields) {
                errors.append(FieldError("row", fields.map(\.description).joined(separator: "; "), line: record.line))
            }
        }
        return Result(incidents: incidents, lines: lines, errors: errors)
    }

    private static func time(_ text: String) -> Date? {
        try? Date(text, strategy: Date.ISO8601FormatStyle())
    }
}
