import Foundation
import Yams

/// One item read from an import file, with the line it starts on; `problems` holds what
/// could not even be read (a criticality that is not a number).
public struct InventoryRow: Sendable, Equatable {
    public let line: Int
    public let input: CIInput
    public let problems: [FieldError]

    public init(line: Int, input: CIInput, problems: [FieldError] = []) {
        self.line = line
        self.input = input
        self.problems = problems
    }
}

public enum InventoryFormat: String, Sendable, CaseIterable {
    case csv, yaml
}

/// Inventory files, CSV or YAML, read whole before anything is stored and written so that
/// an export imported again changes nothing.
///
/// CSV: a header row naming the columns `key, name, type, ownerTeam, criticality,
/// environments, tags, dependsOn` (the first three required, any order, any case), fields
/// separated by commas or, as spreadsheets set to French write them, semicolons. Lists inside
/// a cell are separated by the other one of the two.
public enum InventoryFile {
    public static let maximumSize = 32 * 1024 * 1024
    public static let columns = ["key", "name", "type", "ownerTeam", "criticality", "environments", "tags", "dependsOn"]
    static let requiredColumns: Set<String> = ["key", "name", "type"]

    public static func read(_ data: Data, format: InventoryFormat) throws(CoreError) -> [InventoryRow] {
        guard data.count <= maximumSize else { throw .invalid([FieldError("file", "is larger than 32 MiB")]) }
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw .invalid([FieldError("file", "is not UTF-8 text (save it as \"CSV UTF-8\" or convert it first)", line: firstBadLine(bytes))])
        }
        switch format {
        case .csv: return try readCSV(text)
        case .yaml: return try readYAML(text)
        }
    }

    // MARK: - CSV

    static func readCSV(_ text: String) throws(CoreError) -> [InventoryRow] {
        if let refused = TextRule.checkDocument(text, field: "file") { throw .invalid([refused]) }
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r\n" }
        let delimiter: Character = firstLine.contains(";") && !firstLine.contains(",") ? ";" : ","
        let listSeparator: Character = delimiter == "," ? ";" : ","
        let records: [(line: Int, fields: [String])]
        do { records = try CSVRecords.parse(text, delimiter: delimiter) } catch { throw .invalid([error]) }
        guard let header = records.first else { throw .invalid([FieldError("file", "is empty: it needs a header row")]) }
        var positions: [String: Int] = [:]
        var errors: [FieldError] = []
        for (position, raw) in header.fields.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces)
            guard let column = columns.first(where: { $0.lowercased() == name.lowercased() }) else {
                errors.append(FieldError("header", "unknown column '\(name)' (the columns are \(columns.joined(separator: ", ")))", line: 1))
                continue
            }
            if positions[column] != nil { errors.append(FieldError("header", "the column \(column) appears twice", line: 1)) }
            positions[column] = position
        }
        let missing = columns.filter { requiredColumns.contains($0) && positions[$0] == nil }
        if !missing.isEmpty { errors.append(FieldError("header", "missing the column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", "))", line: 1)) }
        guard errors.isEmpty else { throw .invalid(errors) }

        var rows: [InventoryRow] = []
        for record in records.dropFirst() where !(record.fields.count == 1 && record.fields[0].isEmpty) {
            var problems: [FieldError] = []
            if record.fields.count != header.fields.count {
                problems.append(FieldError("row", "has \(record.fields.count) fields where the header has \(header.fields.count)", line: record.line))
            }
            func cell(_ column: String) -> String {
                guard let position = positions[column], position < record.fields.count else { return "" }
                return record.fields[position].trimmingCharacters(in: .whitespaces)
            }
            func list(_ column: String) -> [String] {
                cell(column).split(separator: listSeparator).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            var criticality: Int?
            let level = cell("criticality")
            if !level.isEmpty {
                criticality = Int(level)
                if criticality == nil { problems.append(FieldError("criticality", "must be 1 (most critical) to 4", line: record.line)) }
            }
            let team = cell("ownerTeam")
            rows.append(InventoryRow(
                line: record.line,
                input: CIInput(key: cell("key"), name: cell("name"), type: cell("type"), ownerTeam: team.isEmpty ? nil : team,
                               criticality: criticality, environments: list("environments"), tags: list("tags"), dependsOn: list("dependsOn")),
                problems: problems))
        }
        return rows
    }

    public static func csv(_ items: [ConfigurationItem]) -> String {
        var lines = [columns.joined(separator: ",")]
        for item in items.sorted(by: { $0.key < $1.key }) {
            let f = item.fields
            let cells = [item.key.text, f.name, f.type.rawValue, f.ownerTeam ?? "", String(f.criticality),
                         f.environments.joined(separator: ";"), f.tags.joined(separator: ";"), f.dependsOn.map(\.text).joined(separator: ";")]
            lines.append(cells.map(CSVRecords.quoted).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    // MARK: - YAML

    static func readYAML(_ text: String) throws(CoreError) -> [InventoryRow] {
        let root = try YAMLText.compose(text, field: "file")
        let list: [PolicyNode]
        do throws(FieldError) {
            let top = try PolicyNode(root, path: "").mapping(allowed: ["items"])
            guard let items = top["items"], items.node.sequence != nil else { throw FieldError("items", "must be a list of items", line: root.mark?.line) }
            list = try items.items()
        } catch {
            throw .invalid([error])
        }
        var rows: [InventoryRow] = []
        for node in list {
            let line = node.line ?? 0
            do throws(FieldError) {
                let entries = try node.mapping(allowed: Set(columns))
                func text(_ key: String) throws(FieldError) -> String { try entries[key]?.string() ?? "" }
                func strings(_ key: String) throws(FieldError) -> [String] { try entries[key]?.strings() ?? [] }
                var criticality: Int?
                if let level = entries["criticality"] { criticality = try level.int(in: 1...4) }
                let team = try text("ownerTeam")
                rows.append(InventoryRow(line: line, input: CIInput(
                    key: try text("key"), name: try text("name"), type: try text("type"), ownerTeam: team.isEmpty ? nil : team,
                    criticality: criticality, environments: try strings("environments"), tags: try strings("tags"),
                    dependsOn: try strings("dependsOn"))))
            } catch {
                rows.append(InventoryRow(line: line, input: CIInput(key: (try? node.mapping(allowed: Set(columns)))?["key"].flatMap { try? $0.string() } ?? "", name: "", type: ""),
                                         problems: [FieldError(error.field, error.message, line: error.line ?? line)]))
            }
        }
        return rows
    }

    public static func yaml(_ items: [ConfigurationItem]) -> String {
        guard !items.isEmpty else { return "items: []\n" }
        var out = "items:\n"
        for item in items.sorted(by: { $0.key < $1.key }) {
            let f = item.fields
            out += "  - key: \(scalar(item.key.text))\n    name: \(scalar(f.name))\n    type: \(f.type.rawValue)\n"
            if let team = f.ownerTeam { out += "    ownerTeam: \(scalar(team))\n" }
            out += "    criticality: \(f.criticality)\n"
            for (key, list) in [("environments", f.environments), ("tags", f.tags), ("dependsOn", f.dependsOn.map(\.text))] where !list.isEmpty {
                out += "    \(key): [\(list.map(scalar).joined(separator: ", "))]\n"
            }
        }
        return out
    }

    /// Quoted always, so that `yes`, `1.0` or `#1` stay text.
    private static func scalar(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private static func firstBadLine(_ bytes: Data) -> Int {
        var line = 1, start = bytes.startIndex
        for (offset, byte) in bytes.enumerated() where byte == 0x0A {
            let end = bytes.index(bytes.startIndex, offsetBy: offset)
            if String(data: bytes[start..<end], encoding: .utf8) == nil { return line }
            line += 1
            start = bytes.index(after: end)
        }
        return line
    }
}

/// RFC 4180 records: quoted fields may hold delimiters, quotes (doubled) and line breaks.
enum CSVRecords {
    static func parse(_ text: String, delimiter: Character) throws(FieldError) -> [(line: Int, fields: [String])] {
        var records: [(Int, [String])] = []
        var fields: [String] = [], field = "", quoted = false, atFieldStart = true
        var line = 1, recordLine = 1
        var characters = text.makeIterator()
        var pending: Character?
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" { field.append("\""); continue }
                    quoted = false
                    pending = next
                    continue
                }
                if character == "\n" || character == "\r\n" { line += 1 }
                field.append(character)
                continue
            }
            switch character {
            case "\"" where atFieldStart:
                quoted = true
                atFieldStart = false
            case "\"":
                throw FieldError("file", "a quote inside an unquoted field (quote the whole field and double the quote)", line: line)
            case delimiter:
                fields.append(field)
                field = ""
                atFieldStart = true
            case "\n", "\r\n", "\r":
                fields.append(field)
                records.append((recordLine, fields))
                fields = []
                field = ""
                atFieldStart = true
                line += 1
                recordLine = line
            default:
                field.append(character)
                atFieldStart = false
            }
        }
        if quoted { throw FieldError("file", "a quoted field is never closed", line: recordLine) }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            records.append((recordLine, fields))
        }
        return records
    }

    static func quoted(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || text.hasPrefix(" ") else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
