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
        return HTMLSanitizer.clean(parser.html(from: escapingTags(markdown)))
    }

    /// `<tenant>` written in prose is a word, not a tag: left to the parser, an unknown tag opens
    /// an HTML block that swallows the text after it. Outside code, a `<` that starts something
    /// tag-like is written as the entity, so the words show and the rest of the text renders.
    static func escapingTags(_ markdown: String) -> String {
        var output = ""
        var fenced = false
        for (index, line) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { output += "\n" }
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { fenced.toggle() }
            // Fenced and indented code is shown as written by the parser already.
            if fenced || trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") || line.hasPrefix("    ") || line.hasPrefix("\t") {
                output += line
                continue
            }
            var inCode = 0
            let characters = Array(line)
            var position = 0
            while position < characters.count {
                let character = characters[position]
                if character == "`" {
                    var run = 0
                    while position + run < characters.count, characters[position + run] == "`" { run += 1 }
                    inCode = inCode == 0 ? run : (inCode == run ? 0 : inCode)
                    output += String(repeating: "`", count: run)
                    position += run
                    continue
                }
                if character == "<", inCode == 0, position + 1 < characters.count,
                   characters[position + 1].isLetter || "/!?".contains(characters[position + 1]) {
                    output += "&lt;"
                } else {
                    output.append(character)
                }
                position += 1
            }
        }
        return output
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
