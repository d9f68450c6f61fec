@testable import BasculeAPI
import Foundation
import Testing

@Suite("Dates in answers")
struct DateEncodingTests {
    @Test("dates are written as Foundation's RFC 3339 would from 1900 to 2200, with the stored milliseconds only when there are some")
    func sameAsFoundation() {
        // given
        var generator = SystemRandomNumberGenerator()
        let whole = Date.ISO8601FormatStyle(timeZone: .gmt)
        for _ in 0..<2000 {
            let seconds = Double(Int64.random(in: -2_208_988_800...7_258_118_400, using: &generator))
            let millis = Int.random(in: 1...999, using: &generator)
            // when / then: Foundation truncates 0.119 (stored as 0.11899…) to .118; the stored milliseconds are 119
            #expect(FlexibleDateTranscoder.format(Date(timeIntervalSince1970: seconds)) == Date(timeIntervalSince1970: seconds).formatted(whole))
            let withMillis = Date(timeIntervalSince1970: seconds + Double(millis) / 1000)
            let expected = Date(timeIntervalSince1970: seconds).formatted(whole).dropLast() + "." + String(format: "%03d", millis) + "Z"
            #expect(FlexibleDateTranscoder.format(withMillis) == expected)
        }
    }
}
