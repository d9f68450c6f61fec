import BasculeCore
import Foundation
import Testing

@Suite("Release fields")
struct ReleaseFieldsTests {
    private func input(title: String = "Billing 4.2", version: String = "4.2.0", start: Date? = nil, end: Date? = nil) -> ReleaseInput {
        ReleaseInput(title: title, version: version, type: .minor, plannedStart: start, plannedEnd: end)
    }

    private func fields(of error: () throws(CoreError) -> ReleaseFields) -> [String] {
        do {
            _ = try error()
            return []
        } catch {
            guard case .invalid(let errors) = error else { return ["unexpected \(error)"] }
            return errors.map(\.field)
        }
    }

    @Test("a title of 200 characters is accepted")
    func titleAtLimit() throws {
        #expect(try input(title: String(repeating: "a", count: 200)).validate().title.count == 200)
    }

    @Test("a title over 200 characters is refused")
    func titleOverLimit() {
        #expect(fields { () throws(CoreError) in try input(title: String(repeating: "a", count: 201)).validate() } == ["title"])
    }

    @Test("a blank title or version is refused, both at once")
    func blankTitleAndVersion() {
        #expect(fields { () throws(CoreError) in try input(title: "   ", version: "").validate() } == ["title", "version"])
    }

    @Test("a window that ends before it starts is refused on the end")
    func endBeforeStart() {
        let start = Fixtures.t0
        #expect(fields { () throws(CoreError) in try input(start: start, end: start.addingTimeInterval(-60)).validate() } == ["plannedEnd"])
    }

    @Test("a window that ends when it starts is refused")
    func emptyWindow() {
        #expect(fields { () throws(CoreError) in try input(start: Fixtures.t0, end: Fixtures.t0).validate() } == ["plannedEnd"])
    }

    @Test("half a window is refused on the missing side")
    func halfWindow() {
        #expect(fields { () throws(CoreError) in try input(start: Fixtures.t0).validate() } == ["plannedEnd"])
        #expect(fields { () throws(CoreError) in try input(end: Fixtures.t0).validate() } == ["plannedStart"])
    }

    @Test("text is trimmed, blank optional text is absent, tags are lowercased and kept once")
    func normalisation() throws {
        // given
        let raw = ReleaseInput(title: "  Portal  ", version: " 3.0.0 ", type: .major, environment: "  ", owner: " Ana ", tags: ["Payroll", " ", "", "payroll", " shop "])
        // when
        let fields = try raw.validate()
        // then
        #expect(fields.title == "Portal")
        #expect(fields.version == "3.0.0")
        #expect(fields.environment == nil)
        #expect(fields.owner == "Ana")
        #expect(fields.tags == ["payroll", "shop"])
    }

    @Test("the plan of a release in progress cannot be edited")
    func planFrozenInProgress() {
        // given
        let release = Fixtures.release(status: .inProgress)
        // when / then
        #expect(throws: CoreError.self) { try release.updating(with: release.fields, at: Fixtures.t0) }
    }

    @Test("a planned release cannot lose its window")
    func plannedKeepsWindow() {
        // given
        let release = Fixtures.release(status: .planned)
        var fields = release.fields
        fields.window = nil
        // when / then
        #expect(throws: CoreError.invalid([FieldError("plannedStart", "a planned release needs a planned window")])) {
            try release.updating(with: fields, at: Fixtures.t0)
        }
    }

    @Test("only a draft can be deleted", arguments: ReleaseStatus.allCases)
    func onlyDraftDeletable(status: ReleaseStatus) {
        let release = Fixtures.release(status: status)
        let deletable = (try? release.checkDeletable()) != nil
        #expect(deletable == (status == .draft))
    }
}

@Suite("Release keys")
struct ReleaseKeyTests {
    @Test("REL-n is read in any letter case", arguments: ["REL-42", "rel-42", "Rel-42"])
    func parses(text: String) {
        #expect(ReleaseKey(text)?.number == 42)
    }

    @Test("anything else is not a key", arguments: ["REL-", "REL-0", "REL--1", "REL-4a", "CHG-4", "42", "REL-١٢", "REL-99999999999999999999"])
    func rejects(text: String) {
        #expect(ReleaseKey(text) == nil)
    }
}

@Suite("Environment names")
struct EnvironmentNameTests {
    @Test("plain names are accepted", arguments: ["production", "pre-prod", "recette_2", "eu.west.1"])
    func accepted(name: String) throws {
        #expect(try Environment.validate(name: name, order: nil) == name)
    }

    @Test("names with spaces, slashes or a leading dash are refused", arguments: ["pre prod", "a/b", "-x", "", "é"])
    func refused(name: String) {
        #expect(throws: CoreError.self) { try Environment.validate(name: name, order: nil) }
    }
}
