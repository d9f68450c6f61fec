import Foundation

/// Where the pages may send a browser back to: only paths of this site, never an open redirect.
enum SitePath {
    /// A path of this site as a browser will read it, or `fallback`. Browsers drop tabs and
    /// line breaks anywhere in a URL and read `\` as `/`, so `/\t/evil.example` and `/\evil`
    /// both mean `//evil.example`, another host: what is left after removing what browsers
    /// ignore must start with one `/` and no second `/` or `\`, and hold no other control
    /// character, backslash or whitespace at its start.
    static func local(_ target: String?, fallback: String = "/releases") -> String {
        guard let target else { return fallback }
        let cleaned = String(target.unicodeScalars.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }.map(Character.init))
        let scalars = Array(cleaned.unicodeScalars)
        guard let first = scalars.first, first == "/" else { return fallback }
        if scalars.count > 1, scalars[1] == "/" || scalars[1] == "\\" { return fallback }
        guard !cleaned.unicodeScalars.contains(where: { $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F || $0.properties.isWhitespace })
        else { return fallback }
        return cleaned
    }

    /// One path segment made of free text (an incident's reference from an ITSM): every byte
    /// outside the unreserved set percent-encoded.
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? text
    }
}
