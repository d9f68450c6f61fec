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
}
