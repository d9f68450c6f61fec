import Foundation
import Hummingbird

/// The two languages of the pages. The choice is kept in a cookie; without one the browser's
/// Accept-Language decides.
enum Language: String, Sendable, CaseIterable {
    case en, fr

    static let cookieName = "bascule_lang"

    static func of(_ request: Request) -> Language {
        if let cookie = request.cookies[cookieName], let language = Language(rawValue: cookie.value) {
            return language
        }
        let accepted = request.headers[.acceptLanguage]?.lowercased() ?? ""
        return accepted.hasPrefix("fr") ? .fr : .en
    }

    var locale: Locale { Locale(identifier: self == .fr ? "fr_FR" : "en_GB") }
    var other: Language { self == .en ? .fr : .en }
}

/// The words of the pages, read once from `Resources/locales/<lang>.json`.
struct Localizer: Sendable {
    private let tables: [Language: [String: String]]

    init() throws {
        var tables: [Language: [String: String]] = [:]
        for language in Language.allCases {
            guard let url = Bundle.module.url(forResource: language.rawValue, withExtension: "json", subdirectory: "Resources/locales") else {
                throw ServiceError.unavailable("the \(language.rawValue) translations are missing from the bundle")
            }
            tables[language] = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
        }
        self.tables = tables
    }

    func table(_ language: Language) -> [String: String] { tables[language] ?? [:] }

    func has(_ key: String) -> Bool { tables[.en]?[key] != nil }

    func text(_ key: String, _ language: Language) -> String {
        tables[language]?[key] ?? tables[.en]?[key] ?? key
    }
}
