import BasculeCore
import Foundation

/// Writes the e-mail that carries one or more notices to one person, in their language:
/// plain text and HTML (multipart/alternative), each notice a line with its link. Several
/// notices that came in a burst go as one message whose subject says how many.
enum MailComposer {
    static func message(to address: String, from: String, id: String, notices: [Notice], siteURL: String?, _ words: Words, at date: Date) -> MailMessage {
        let summaries = notices.map { NoticeWording.summary($0, words) }
        let links = notices.map { notice in NoticeWording.path(notice).flatMap { path in siteURL.map { $0 + path } } }
        let subject = notices.count == 1 ? summaries[0] : words.text("mail_subject_many", [
            "count": words.number(notices.count),
            "releases": Array(Set(notices.compactMap { $0.release.map { "\($0.key) \($0.title)" } })).sorted().joined(separator: ", "),
        ])
        let footer = words.text("mail_footer", ["settings": siteURL.map { "\($0)/notifications" } ?? "Bascule"])
        var text = ""
        for (summary, link) in zip(summaries, links) {
            text += "• " + summary + "\n" + (link.map { "  \($0)\n" } ?? "") + "\n"
        }
        text += "-- \n" + footer + "\n"
        var html = "<!DOCTYPE html><html lang=\"\(words.language.rawValue)\"><body style=\"font-family:sans-serif\"><ul>"
        for (summary, link) in zip(summaries, links) {
            let escaped = ImpactDiagram.escape(summary)
            html += "<li>" + (link.map { "<a href=\"\(ImpactDiagram.escape($0))\">\(escaped)</a>" } ?? escaped) + "</li>"
        }
        html += "</ul><p style=\"color:#666\">\(ImpactDiagram.escape(footer))</p></body></html>"
        let boundary = "=_bascule_" + id.replacingOccurrences(of: "msg_", with: "")
        let domain = from.split(separator: "@").last.map(String.init) ?? "bascule"
        let headers = [
            "From: Bascule <\(from)>",
            "To: <\(address)>",
            "Subject: \(encodedWord(String(subject.prefix(200))))",
            "Date: \(rfc5322(date))",
            "Message-ID: <\(id)@\(domain)>",
            "Auto-Submitted: auto-generated",
            "Content-Language: \(words.language.rawValue)",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
        ]
        let body = [
            "--\(boundary)", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "", base64Lines(text),
            "--\(boundary)", "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: base64", "", base64Lines(html),
            "--\(boundary)--", "",
        ]
        return MailMessage(to: address, data: (headers + [""] + body).joined(separator: "\r\n"))
    }

    /// RFC 2047: a header that is not plain ASCII goes as UTF-8 in base64 words.
    static func encodedWord(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !$0.isASCII || $0.value < 32 }) else { return text }
        // Words of at most 45 bytes of text stay under the 75 characters a word may hold.
        var words: [String] = [], chunk = ""
        for character in text {
            if (chunk + String(character)).utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    static func base64Lines(_ text: String) -> String {
        let encoded = Data(text.utf8).base64EncodedString()
        return stride(from: 0, to: encoded.count, by: 76).map { start in
            let from = encoded.index(encoded.startIndex, offsetBy: start)
            return String(encoded[from..<(encoded.index(from, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex)])
        }.joined(separator: "\r\n")
    }

    static func rfc5322(_ date: Date) -> String {
        date.formatted(Date.VerbatimFormatStyle(
            format: "\(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .defaultDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) +0000",
            locale: Locale(identifier: "en_US_POSIX"), timeZone: .gmt, calendar: Calendar(identifier: .gregorian)))
    }
}
