import Foundation
import Ink

/// Renders release descriptions. Markdown may carry raw HTML and any URL, and a description is
/// written by one person and read by everyone: so raw HTML is shown as text, and the HTML Ink
/// produces is passed through an allowlist of tags, with links kept only to http(s), mailto
/// and the site itself.
enum MarkdownRenderer {
    static func html(_ markdown: String) -> String {
        let parser = MarkdownParser(modifiers: [
            Modifier(target: .html) { input in HTMLSanitizer.escape(String(input.markdown)) },
        ])
        return HTMLSanitizer.clean(parser.html(from: markdown))
    }
}

enum HTMLSanitizer {
    /// Tags kept, without their attributes (but `href` on links, checked).
    static let allowed: Set<String> = [
        "p", "em", "strong", "code", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "a", "del", "s",
    ]

    static func clean(_ html: String) -> String {
        var output = ""
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            output += rest[..<open]
            guard let close = rest[open...].firstIndex(of: ">") else {
                output += escape(String(rest[open...]))
                return output
            }
            output += tag(String(rest[open...close]))
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }

    private static func tag(_ text: String) -> String {
        let pattern = /^<(\/?)([a-zA-Z][a-zA-Z0-9]*)(\s[^>]*)?(\/?)>$/
        guard let match = text.wholeMatch(of: pattern) else { return escape(text) }
        let name = match.2.lowercased()
        guard allowed.contains(name) else { return escape(text) }
        let closing = !match.1.isEmpty
        if name == "a", !closing {
            let attributes = String(match.3 ?? "")
            if let href = attributes.firstMatch(of: /href="([^"]*)"/)?.1, isSafe(String(href)) {
                return "<a href=\"\(href)\" rel=\"noopener noreferrer\">"
            }
            return "<a>"
        }
        return closing ? "</\(name)>" : "<\(name)>"
    }

    private static func isSafe(_ href: String) -> Bool {
        let lower = href.lowercased()
        let schemeOK = lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:")
            || (lower.hasPrefix("/") && !lower.hasPrefix("//")) || lower.hasPrefix("#")
        return schemeOK && !href.contains(where: { $0 == "<" || $0 == ">" || $0 == "'" || $0.isWhitespace })
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
