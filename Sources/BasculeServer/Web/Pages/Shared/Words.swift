import BasculeCore
import Foundation

/// Everything a page model needs to turn domain values into what a reader sees: the
/// localisation table in the reader's language, times in the configured zone on a 24-hour
/// clock, counts with their plural.
struct Words: Sendable {
    let localizer: Localizer
    let language: Language
    let formatting: WebFormatting

    func text(_ key: String) -> String { localizer.text(key, language) }

    /// `{name}` placeholders filled in, after the table lookup.
    func text(_ key: String, _ values: [String: String]) -> String {
        values.reduce(text(key)) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }

    func label(_ value: some PageLabel) -> String { text(value.labelKey) }

    /// "1 step" / "2 steps"; in French 0 and 1 take the singular: "0 étape", "1 étape".
    func count(_ key: String, _ n: Int) -> String {
        let singular = language == .fr ? n <= 1 : n == 1
        return text(key + (singular ? "_one" : "_other"), ["n": number(n)])
    }

    /// Digits grouped as the language groups them: "12,500" / "12 500" (a narrow no-break space).
    func number(_ n: Int) -> String { n.formatted(.number.locale(language.locale)) }

    func date(_ date: Date) -> String { formatting.display(date, language) }
    func day(_ date: Date) -> String { formatting.displayDay(date, language) }
    func window(_ start: Date, _ end: Date) -> String { formatting.displayWindow(start, end, language) }
    func window(_ window: PlannedWindow) -> String { formatting.displayWindow(window.start, window.end, language) }

    /// "22:05": the clock alone, for times within a run.
    func time(_ date: Date) -> String { formatting.clock(date, language) }

    /// "75 min" / "2 h 05": durations as a cutover plan reads them.
    func duration(_ seconds: TimeInterval) -> String {
        let minutes = Int((seconds / 60).rounded())
        guard minutes >= 60 else { return "\(minutes)\u{00A0}min" }
        return String(format: "%d\u{00A0}h\u{00A0}%02d", minutes / 60, minutes % 60)
    }
}
