import BasculeCore
import Foundation

/// A notice in words, in the reader's language and time zone: the one-line summary every
/// channel shows (the inbox, an e-mail's subject, a chat message, a webhook's `summary`).
enum NoticeWording {
    static func summary(_ notice: Notice, _ words: Words) -> String {
        var values = ["actor": notice.actor]
        if let release = notice.release {
            values["release"] = release.key
            values["title"] = release.title
            values["version"] = release.version
            values["environment"] = release.environment ?? "—"
            if let start = release.windowStart, let end = release.windowEnd { values["window"] = words.window(start, end) } else { values["window"] = words.text("notice_no_window") }
        }
        for (name, value) in notice.facts { values[name] = value }
        if words.language == .fr, let reason = notice.fact("reason_fr") { values["reason"] = reason }
        if let from = status(notice.fact("from")) { values["from"] = words.label(from) }
        if let to = status(notice.fact("to")) { values["to"] = words.label(to) }
        if let decision = notice.fact("decision") { values["decision"] = words.text("notice_decision_\(decision)") }
        if let outcome = notice.fact("outcome") { values["outcome"] = words.text("notice_outcome_\(outcome)") }
        if let start = time(notice.fact("fromStart")), let end = time(notice.fact("fromEnd")) { values["fromWindow"] = words.window(start, end) }
        if let end = time(notice.fact("expectedEnd")) { values["expectedEnd"] = words.date(end) }
        if let downtime = notice.fact("expectedDowntime").flatMap(Double.init) { values["downtime"] = words.duration(downtime) }
        if notice.kind == .announcement, let message = notice.fact("message") {
            values["message"] = Announcement.placeholders.reduce(message) { text, name in
                values[name].map { text.replacingOccurrences(of: "{\(name)}", with: $0) } ?? text
            }
        }
        var key = "notice_" + notice.kind.rawValue.replacingOccurrences(of: ".", with: "_")
        if notice.kind == .releaseMoved, values["fromWindow"] == nil { key += "_first" }
        if notice.kind == .conflictAppeared, notice.fact("other") == nil || notice.fact("other") == "—" { key += "_alone" }
        return words.text(key, values)
    }

    /// The page a notice is about, as a path of the site.
    static func path(_ notice: Notice) -> String? {
        if let run = notice.fact("run") { return "/runs/\(run)" }
        if notice.kind == .webhookDisabled { return "/webhooks" }
        return notice.release.map { "/releases/\($0.key)" }
    }

    private static func status(_ text: String?) -> ReleaseStatus? { text.flatMap(ReleaseStatus.init(rawValue:)) }

    private static func time(_ text: String?) -> Date? {
        text.flatMap { try? Date($0, strategy: Date.ISO8601FormatStyle(timeZone: .gmt)) }
    }
}
