import BasculeCore
import Foundation
import Testing

@Suite("Inventory files")
struct InventoryFileTests {
    static func rows(_ csv: String) throws -> [InventoryRow] { try InventoryFile.read(Data(csv.utf8), format: .csv) }

    static func fieldErrors(_ body: () throws -> Void) -> [FieldError] {
        do { try body() } catch let CoreError.invalid(errors) { return errors } catch { return [FieldError("other", "\(error)")] }
        return []
    }

    @Test("a CSV with quoted cells, lists and a line break inside quotes is read with each row's line")
    func quotedCells() throws {
        // given
        let csv = "key,name,type,dependsOn,tags\r\npayroll-api,\"Payroll API, v2\",microservice,payroll-db;ldap,hr\r\nnotes,\"Two\nlines\",other,,\r\nlast,Last,server,,\r\n"
        // when
        let rows = try Self.rows(csv)
        // then
        #expect(rows.map(\.line) == [2, 3, 5])
        #expect(rows[0].input.name == "Payroll API, v2")
        #expect(rows[0].input.dependsOn == ["payroll-db", "ldap"])
        #expect(rows[1].input.name == "Two\nlines")
    }

    @Test("a spreadsheet's semicolon CSV with a byte-order mark is read, lists then separated by commas")
    func semicolonCSV() throws {
        // given
        let data = Data([0xEF, 0xBB, 0xBF]) + Data("Key;Name;Type;Environments\nfw-core;Pare-feu cœur;network;production,recette\n".utf8)
        // when
        let rows = try InventoryFile.read(data, format: .csv)
        // then
        #expect(rows.first?.input.name == "Pare-feu cœur")
        #expect(rows.first?.input.environments == ["production", "recette"])
    }

    @Test("wrong columns are refused before any row is read, naming each")
    func wrongColumns() {
        // when
        let errors = Self.fieldErrors { _ = try Self.rows("key,title,type,colour\na,b,server,red\n") }
        // then
        #expect(errors.map(\.message).contains { $0.contains("unknown column 'title'") })
        #expect(errors.map(\.message).contains { $0.contains("unknown column 'colour'") })
        #expect(errors.map(\.message).contains { $0.contains("missing the column name") })
        #expect(errors.allSatisfy { $0.line == 1 })
    }

    @Test("a file that is not UTF-8 is refused with the line of the first bad byte")
    func badEncoding() {
        // given Latin-1 "é" on line 3
        let data = Data("key,name,type\na,A,server\nb,Caf".utf8) + Data([0xE9]) + Data(",server\n".utf8)
        // when
        let errors = Self.fieldErrors { _ = try InventoryFile.read(data, format: .csv) }
        // then
        #expect(errors.first?.message.contains("not UTF-8") == true)
        #expect(errors.first?.line == 3)
    }

    @Test("a quote never closed is refused with its line")
    func unclosedQuote() {
        let errors = Self.fieldErrors { _ = try Self.rows("key,name,type\na,\"open,server\n") }
        #expect(errors.first?.message.contains("never closed") == true)
        #expect(errors.first?.line == 2)
    }

    @Test("a YAML item with a misspelt key is refused on its line, the others read")
    func yamlMisspelt() throws {
        // given
        let yaml = "items:\n  - {key: a, name: A, type: server}\n  - key: b\n    name: B\n    typ: server\n"
        // when
        let rows = try InventoryFile.read(Data(yaml.utf8), format: .yaml)
        // then
        #expect(rows.count == 2)
        #expect(rows[0].problems.isEmpty)
        #expect(rows[1].problems.first?.message.contains("not a known key") == true)
        #expect(rows[1].problems.first?.line == 5)
    }

    @Test("an export read back, as CSV or YAML, changes nothing")
    func roundTrip() throws {
        // given
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let items = [
            ConfigurationItem(key: Inventory.key("a"), fields: CIFields(name: "Comma, \"quoted\"", type: .server, ownerTeam: "infra", criticality: 1,
                                                                        environments: ["production"], tags: ["yes", "1.0"]), createdAt: at),
            ConfigurationItem(key: Inventory.key("b"), fields: CIFields(name: "B", type: .service, dependsOn: [Inventory.key("a")]), createdAt: at),
        ]
        let existing = Dictionary(uniqueKeysWithValues: items.map { ($0.key, $0.fields) })
        for format in InventoryFormat.allCases {
            // when
            let text = format == .csv ? InventoryFile.csv(items) : InventoryFile.yaml(items)
            let plan = InventoryImport.plan(try InventoryFile.read(Data(text.utf8), format: format), existing: existing)
            // then
            #expect(plan.unchanged.map(\.text) == ["a", "b"], "\(format)")
            #expect(plan.created.isEmpty && plan.updated.isEmpty && plan.rejected.isEmpty, "\(format)")
        }
    }
}
