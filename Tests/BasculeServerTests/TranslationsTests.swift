@testable import BasculeServer
import Foundation
import Testing

@Suite("Translations")
struct TranslationsTests {
    private static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/BasculeServer/Resources/locales")

    private func table(_ language: String) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(contentsOf: Self.folder.appendingPathComponent("\(language).json")))
    }

    @Test("English and French have the same keys, none of them empty")
    func sameKeys() throws {
        // given
        let english = try table("en")
        let french = try table("fr")
        // then
        #expect(Set(english.keys).subtracting(french.keys).isEmpty, "missing in French: \(Set(english.keys).subtracting(french.keys))")
        #expect(Set(french.keys).subtracting(english.keys).isEmpty, "missing in English: \(Set(french.keys).subtracting(english.keys))")
        #expect(english.values.allSatisfy { !$0.isEmpty })
        #expect(french.values.allSatisfy { !$0.isEmpty })
    }

    @Test("every key a template uses exists")
    func templatesUseKnownKeys() throws {
        // given
        let known = Set(try table("en").keys)
        let templates = Self.folder.deletingLastPathComponent().appendingPathComponent("templates")
        let files = try FileManager.default.contentsOfDirectory(at: templates, includingPropertiesForKeys: nil)
        // when
        var used = Set<String>()
        for file in files where file.pathExtension == "mustache" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: /\{\{t\.([a-zA-Z_]+)\}\}/) { used.insert(String(match.1)) }
        }
        // then
        #expect(!used.isEmpty)
        #expect(used.subtracting(known).isEmpty, "unknown keys: \(used.subtracting(known))")
    }

    @Test("every value of every labelled enum (status, role, kind…) has a label in both languages")
    func everyEnumValueHasALabel() throws {
        // given
        let english = try table("en"), french = try table("fr")
        // then
        let missing = PageLabels.allKeys.filter { english[$0] == nil || french[$0] == nil }
        #expect(missing.isEmpty, "no label for: \(missing)")
    }

    @Test("French puts a no-break space before : ; ? ! and inside « », never a plain one")
    func frenchTypography() throws {
        // given
        let french = try table("fr")
        // then
        let wrong = french.filter { _, value in
            value.contains(" :") || value.contains(" ;") || value.contains(" ?") || value.contains(" !") || value.contains("« ") || value.contains(" »")
                || value.range(of: #"[^\s\u{00A0}\u{202F}/][;?!]"#, options: .regularExpression) != nil
        }.keys.sorted()
        #expect(wrong.isEmpty, "plain spaces or none before high punctuation in: \(wrong)")
    }

    @Test("a placeholder of the English text is in the French one too")
    func placeholdersKept() throws {
        // given
        let english = try table("en"), french = try table("fr")
        // then
        for (key, value) in english {
            let names = Set(value.matches(of: /\{([a-z]+)\}/).map { String($0.1) })
            let theirs = Set((french[key] ?? "").matches(of: /\{([a-z]+)\}/).map { String($0.1) })
            #expect(names == theirs, "\(key): \(names) in English, \(theirs) in French")
        }
    }

    @Test("a count has its singular and its plural")
    func countsHaveBothForms() throws {
        // given
        let english = try table("en")
        // then
        for key in english.keys where key.hasSuffix("_one") {
            #expect(english[String(key.dropLast(4)) + "_other"] != nil, "\(key) has no _other")
        }
    }
}
