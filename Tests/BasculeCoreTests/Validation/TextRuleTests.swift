import BasculeCore
import Foundation
import Testing

@Suite("The text rule")
struct TextRuleTests {
    @Test("control characters are refused, tab and line breaks are not", arguments: [
        ("\u{0}", false), ("a\u{1}b", false), ("\u{1B}[31m", false), ("\u{7F}", false), ("\u{85}", false), ("\u{9F}", false),
        ("\u{FFFE}", false), ("tab\there", true), ("two\nlines\r\n", true), ("é ñ 中 🙂", true), ("", true),
    ])
    func refusedCharacters(text: String, allowed: Bool) {
        // when
        let refusal = TextRule.check(text, field: "title")
        // then
        #expect((refusal == nil) == allowed)
    }

    @Test("the refusal names the character and where it is")
    func namesTheCharacter() {
        // when
        let refusal = TextRule.check("ab\u{0}", field: "title")
        // then
        #expect(refusal?.field == "title")
        #expect(refusal?.message.contains("U+0000 at position 3") == true)
    }

    @Test("a document's refusal names the line")
    func documentLine() {
        #expect(TextRule.checkDocument("a: 1\nb: 2\nc: \u{7}\n", field: "document")?.line == 3)
    }

    @Test("single-line fields refuse line breaks and tabs too")
    func singleLine() {
        #expect(TextRule.checkSingleLine("one\ntwo", field: "name") != nil)
        #expect(TextRule.checkSingleLine("one two", field: "name") == nil)
    }

    @Test("lengths count Unicode scalars, so combining accents count each")
    func lengthsInScalars() {
        // given one letter with 300 combining accents
        let zalgo = "e" + String(repeating: "\u{301}", count: 300)
        // then
        #expect(zalgo.count == 1)
        #expect(zalgo.textLength == 301)
        #expect(throws: CoreError.self) {
            _ = try ReleaseInput(title: zalgo, version: "1", type: .minor).validate()
        }
    }

    @Test("YAML escapes that make a control character are refused with their line")
    func yamlEscapes() {
        // given a double-quoted scalar whose escape is a NUL
        let yaml = "steps:\n  - {key: a, title: \"A\\0B\", duration: 5m}\n"
        // when
        let error = #expect(throws: CoreError.self) { try RunbookDocument.parse(yaml) }
        // then
        guard case .invalid(let errors)? = error else { return }
        #expect(errors.first?.line == 2)
        #expect(errors.first?.message.contains("U+0000") == true)
    }

    @Test("a CSV inventory with a control character is refused at its line")
    func csvControl() {
        let csv = "key,name,type\nerp,ERP,application\ncrm,CR\u{1}M,application\n"
        let error = #expect(throws: CoreError.self) { try InventoryFile.read(Data(csv.utf8), format: .csv) }
        guard case .invalid(let errors)? = error else { return }
        #expect(errors.first?.line == 3)
    }

    @Test("a JUnit report naming a failing test with a character reference to a control character is refused")
    func junitReference() {
        let xml = #"<testsuite><testcase classname="a" name="b&#1;c"><failure/></testcase></testsuite>"#
        #expect(throws: CoreError.self) { try JUnitReport.parse(Data(xml.utf8)) }
    }
}
