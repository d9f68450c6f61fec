import BasculeCore
import Foundation
import Testing

@Suite("Incidents from CSV")
struct IncidentCSVTests {
    @Test("good rows become incidents; each bad row is named with its line and why")
    func rows() throws {
        // given
        let csv = """
            reference,title,severity,opened,resolved,items,link
            INC-1,Payslips wrong,2,2026-11-02T08:30:00Z,2026-11-02T10:00:00Z,payroll|pay-db,https://itsm.example/INC-1
            INC-2,"Slow, then down",1,2026-11-03T08:30:00Z,,payroll,
            INC-3,Back in time,2,2026-11-04T08:30:00Z,2026-11-04T07:00:00Z,,
            INC-4,Bad severity,9,2026-11-05T08:30:00Z,,,
            INC-5,No time,3,yesterday,,,
            INC-1,Twice,3,2026-11-06T08:30:00Z,,,
            """
        // when
        let result = try IncidentCSV.parse(csv)
        // then
        #expect(result.incidents.map(\.reference) == ["INC-1", "INC-2"])
        #expect(result.incidents[0].items == ["pay-db", "payroll"])
        #expect(result.incidents[1].title == "Slow, then down")
        #expect(result.errors.map(\.line) == [4, 5, 6, 7])
        #expect(result.errors[0].message.contains("resolvedAt"))
        #expect(result.errors[1].message.contains("severity"))
        #expect(result.errors[2].message.contains("not a time"))
        #expect(result.errors[3].message.contains("twice"))
    }

    @Test("a header without the required columns is refused, naming what it lacks")
    func header() {
        #expect(throws: CoreError.self) { try IncidentCSV.parse("ref;title\nINC-1;x\n") }
        #expect(throws: CoreError.self) { try IncidentCSV.parse("") }
    }
}
