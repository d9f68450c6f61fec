/// A sentence said in both languages of the product. Gates explain themselves to the person
/// reading them, so the rule writes its explanation in English and French at once.
public struct LocalizedText: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public let en: String
    public let fr: String

    public init(en: String, fr: String) {
        self.en = en
        self.fr = fr
    }

    public func text(for language: String) -> String { language == "fr" ? fr : en }

    public var description: String { en }
}
