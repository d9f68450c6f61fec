import Foundation

/// Durations as people type them: `14d`, `48h`, `90m`, `1d12h`, or `0`.
public enum DurationText {
    public static func seconds(_ text: String) -> TimeInterval? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text == "0" { return 0 }
        var total: TimeInterval = 0, digits = "", units: [Character] = []
        for character in text {
            if character.isASCII, character.isNumber { digits.append(character); continue }
            guard let value = Double(digits), let unit = ["d": 86_400.0, "h": 3_600.0, "m": 60.0][character], !units.contains(character)
            else { return nil }
            total += value * unit
            units.append(character)
            digits = ""
        }
        guard digits.isEmpty, !units.isEmpty, total.isFinite else { return nil }
        return total
    }
}
