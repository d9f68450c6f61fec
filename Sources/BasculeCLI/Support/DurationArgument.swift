import Foundation

/// A period typed as a number and a unit: `90s`, `30m`, `6h`, `1d`.
enum DurationArgument {
    static func parse(_ text: String, option: String) throws -> TimeInterval {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        guard let unit = text.last.flatMap({ units[$0] }), let count = Double(text.dropLast()), count > 0, count.isFinite else {
            throw CLIError.invalidOption("\(option) takes a period such as 90s, 30m, 6h or 1d, not \(text)")
        }
        return count * unit
    }
}
