import Foundation

/// Compact JSON written field by field, for event payloads sent often to many watchers. Keys
/// are given in the order they are to appear; commas are placed here.
struct JSONText {
    private(set) var text = ""
    private var needsComma = false

    mutating func open() { separate(); text += "{"; needsComma = false }
    mutating func close() { text += "}"; needsComma = true }
    mutating func openList() { text += "["; needsComma = false }
    mutating func closeList() { text += "]"; needsComma = true }

    mutating func key(_ name: String) {
        separate()
        Self.quote(name, into: &text)
        text += ":"
        needsComma = false
    }

    mutating func field(_ name: String, _ value: String) {
        key(name)
        Self.quote(value, into: &text)
        needsComma = true
    }

    mutating func field(_ name: String, _ value: Int) {
        key(name)
        text += String(value)
        needsComma = true
    }

    /// RFC 3339 in UTC with milliseconds, as the API writes instants.
    mutating func field(_ name: String, _ value: Date) {
        field(name, RFC3339.milliseconds(value))
    }

    private mutating func separate() {
        if needsComma { text += "," }
    }

    static func quote(_ value: String, into text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                text += String(format: "\\u%04x", scalar.value)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}

/// Instants as `2027-03-05T21:00:00.000Z`, without a formatter: civil date from days since
/// the epoch (Howard Hinnant's algorithm), since formatters cost microseconds each.
enum RFC3339 {
    static func milliseconds(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let (days, inDay) = millis.quotientAndRemainder(dividingBy: 86_400_000)
        let (day, ms) = inDay < 0 ? (days - 1, inDay + 86_400_000) : (days, inDay)
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let dayOfMonth = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let seconds = ms / 1000
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(dayOfMonth, 2) + "T" + pad(seconds / 3600, 2) + ":"
            + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2) + "." + pad(ms % 1000, 3) + "Z"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
