import Foundation

/// Hides secrets' values in a stream of output, even when a value arrives split across two
/// reads: the last bytes of each read that could begin a value are held back until the next
/// read (or the end) shows whether they do.
struct Redactor {
    private let values: [(needle: Data, replacement: Data)]
    private let hold: Int
    private var held: [String: Data] = [:]

    init(_ secrets: [String: String]) {
        values = secrets.filter { !$0.value.isEmpty }
            .sorted { $0.value.utf8.count > $1.value.utf8.count }
            .map { (Data($0.value.utf8), Data("[secret \($0.key)]".utf8)) }
        hold = max(0, (values.map(\.needle.count).max() ?? 0) - 1)
    }

    var isEmpty: Bool { values.isEmpty }

    /// What can be sent now of `data` on `stream`.
    mutating func feed(_ stream: String, _ data: Data) -> Data {
        guard !values.isEmpty else { return data }
        var buffer = (held[stream] ?? Data()) + data
        for (needle, replacement) in values { buffer = Self.replace(needle, with: replacement, in: buffer) }
        let keep = min(hold, buffer.count)
        held[stream] = Data(buffer.suffix(keep))
        return Data(buffer.prefix(buffer.count - keep))
    }

    /// What was held back, at the end of the output.
    mutating func finish() -> [(stream: String, data: Data)] {
        defer { held = [:] }
        return held.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    private static func replace(_ needle: Data, with replacement: Data, in data: Data) -> Data {
        guard !needle.isEmpty, data.count >= needle.count else { return data }
        var result = Data()
        var rest = data[...]
        while let range = rest.range(of: needle) {
            result.append(rest[rest.startIndex..<range.lowerBound])
            result.append(replacement)
            rest = rest[range.upperBound...]
        }
        result.append(rest)
        return result
    }
}
