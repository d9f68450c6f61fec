import BasculeCore
import Foundation
import Testing

@Suite("Inventory import")
struct InventoryImportTests {
    static func plan(_ csv: String, existing: [String: CIFields] = [:]) throws -> InventoryImportPlan {
        InventoryImport.plan(try InventoryFile.read(Data(csv.utf8), format: .csv),
                             existing: Dictionary(uniqueKeysWithValues: existing.map { (Inventory.key($0.key), $0.value) }))
    }

    @Test("new keys are created, changed ones updated, identical ones left, by key")
    func upsert() throws {
        // given
        let stored = ["db": CIFields(name: "Database", type: .database, criticality: 3), "app": CIFields(name: "App", type: .application, criticality: 3)]
        // when
        let plan = try Self.plan("key,name,type\ndb,Database,database\napp,App v2,application\nnew,New,server\n", existing: stored)
        // then
        #expect(plan.created.map(\.0.text) == ["new"])
        #expect(plan.updated.map(\.0.text) == ["app"])
        #expect(plan.unchanged.map(\.text) == ["db"])
        #expect(plan.rejected.isEmpty)
    }

    @Test("every copy of a key repeated in the file is refused, naming the other lines")
    func duplicateKeys() throws {
        let plan = try Self.plan("key,name,type\na,A,server\nb,B,server\nA,A again,server\n")
        #expect(plan.rejected.map(\.line) == [2, 4])
        #expect(plan.rejected.first?.errors.first?.message == "appears more than once in the file (also on line 4)")
        #expect(plan.created.map(\.0.text) == ["b"])
    }

    @Test("a relation to an unknown item is refused, and so are the rows that depended on the refused one")
    func unknownRelationCascades() throws {
        // given c depends on b, which depends on a ghost
        let plan = try Self.plan("key,name,type,dependsOn\nc,C,server,b\nb,B,server,ghost\nd,D,server,\n")
        // then
        #expect(plan.rejected.map(\.key) == ["c", "b"])
        #expect(plan.rejected.contains { $0.errors.contains { $0.message.contains("ghost") } })
        #expect(plan.created.map(\.0.text) == ["d"])
    }

    @Test("a relation to itself, a bad type and a criticality out of range are refused on their line")
    func rowErrors() throws {
        let plan = try Self.plan("key,name,type,criticality,dependsOn\na,A,server,1,a\nb,B,mainframe,2,\nc,C,server,9,\nd,D,server,x,\n")
        #expect(plan.rejected.map(\.line) == [2, 3, 4, 5])
        #expect(plan.errors.map(\.description) == [
            "line 2: dependsOn: a: an item cannot depend on itself",
            "line 3: type: b: must be one of application, service, server, database, network, microservice, other",
            "line 4: criticality: c: must be 1 (most critical) to 4",
            "line 5: criticality: d: must be 1 (most critical) to 4",
        ])
    }
}
