import BasculeAPI
import Foundation

/// Compact JSON written field by field, for event payloads sent often to many watchers. Keys
/// are given in the order they are to appear; commas are placed here.
struct JSONText {
    private(set) var text = ""
    private var needsComma = false

    /// `capacity`: the bytes the text is expected to reach, reserved up front.
    init(capacity: Int = 0) {
        text.reserveCapacity(capacity)
    }

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

    /// One string in a list.
    mutating func item(_ value: String) {
        separate()
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
        field(name, RFC3339.string(value, milliseconds: .always))
    }

    private mutating func separate() {
        if needsComma { text += "," }
    }

    static func quote(_ value: String, into text: inout String) {
        text += "\""
        // Most values (keys, states, instants) need no escape: appended whole, they cost a
        // copy instead of a scalar-by-scalar walk (a 40-step run's event, measured).
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 < 0x80 }) {
            text += value
            text += "\""
            return
        }
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
