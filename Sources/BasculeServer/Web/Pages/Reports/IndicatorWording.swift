import BasculeCore
import BasculeStore
import Foundation

/// How an indicator reads: its name, its value in its unit ("92 %", "0.4 a day", "2 d 3 h"),
/// "no data" when there was nothing to count, and the fraction it came from ("11 of 12").
enum IndicatorWording {
    static func name(_ key: IndicatorSet.Key, _ words: Words) -> String { words.label(key) }

    static func value(_ indicator: IndicatorSet.Indicator, _ words: Words) -> String {
        value(indicator.value, unit: indicator.unit, words)
    }

    static func value(_ value: Double?, unit: IndicatorSet.Unit, _ words: Words) -> String {
        guard let value else { return words.text("indicator_no_data") }
        switch unit {
        case .share: return "\(decimal(value * 100, digits: value < 0.1 && value > 0 ? 1 : 0, words))\u{00A0}%"
        case .perDay: return words.text("indicator_per_day", ["n": decimal(value, digits: value < 10 ? 2 : 0, words)])
        case .seconds: return long(value, words)
        case .count: return words.number(Int(value.rounded()))
        }
    }

    /// "11 / 12" for a share, "9 deployments over 7 days" for a frequency, "n records" else.
    static func fraction(_ indicator: IndicatorSet.Indicator, _ words: Words) -> String {
        switch indicator.unit {
        case .share:
            return words.text("indicator_fraction", ["n": words.number(indicator.numerator ?? 0), "d": words.number(indicator.denominator ?? 0)])
        case .perDay:
            return words.text("indicator_frequency", ["n": words.number(indicator.numerator ?? 0), "d": words.number(indicator.denominator ?? 0)])
        case .seconds, .count:
            return words.count("indicator_records", indicator.numerator ?? 0)
        }
    }

    /// "3 d 4 h", "5 h 10", "12 min": lead times and restorations run from minutes to weeks.
    static func long(_ seconds: TimeInterval, _ words: Words) -> String {
        let minutes = Int((seconds / 60).rounded())
        if minutes < 60 { return "\(minutes)\u{00A0}min" }
        let hours = minutes / 60
        if hours < 48 { return String(format: "%d\u{00A0}h\u{00A0}%02d", hours, minutes % 60) }
        return words.text("duration_days_hours", ["d": words.number(hours / 24), "h": words.number(hours % 24)])
    }

    static func decimal(_ value: Double, digits: Int, _ words: Words) -> String {
        value.formatted(.number.precision(.fractionLength(digits)).locale(words.language.locale))
    }

    static func band(_ band: DORA.Band?, _ words: Words) -> String? { band.map { words.label($0) } }
}

extension IndicatorSet.Key: PageLabel { static var labelPrefix: String { "indicator" } }
extension DORA.Band: PageLabel { static var labelPrefix: String { "band" } }
extension CutoverOutcome.Result: PageLabel { static var labelPrefix: String { "cutover" } }
extension AttributionState: PageLabel { static var labelPrefix: String { "attribution" } }
extension ReportPeriod: PageLabel { static var labelPrefix: String { "period" } }
