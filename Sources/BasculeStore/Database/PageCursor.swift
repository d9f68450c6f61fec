import Foundation

/// Where the next page starts, handed to clients as an opaque string. Keyset pagination:
/// a page never repeats or skips a row when others are inserted meanwhile.
public enum PageCursor: Sendable, Equatable {
    /// After the release planned at `start` (nil: among the unplanned) with this number.
    case planned(start: Int64?, number: Int)
    /// After the row at this position with this name.
    case position(Int, String)
    /// Before this sequence number (lists newest first).
    case sequence(Int)

    public var token: String {
        let text: String
        switch self {
        case .planned(let start, let number): text = "p:\(start.map(String.init) ?? "-"):\(number)"
        case .position(let position, let name): text = "o:\(position):\(name)"
        case .sequence(let sequence): text = "s::\(sequence)"
        }
        return Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public init(token: String) throws {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard token.count <= 400, let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else {
            throw StoreError.invalidCursor
        }
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { throw StoreError.invalidCursor }
        switch parts[0] {
        case "p":
            guard let number = Int(parts[2]) else { throw StoreError.invalidCursor }
            if parts[1] == "-" {
                self = .planned(start: nil, number: number)
            } else if let start = Int64(parts[1]) {
                self = .planned(start: start, number: number)
            } else {
                throw StoreError.invalidCursor
            }
        case "s":
            guard let sequence = Int(parts[2]), parts[1].isEmpty else { throw StoreError.invalidCursor }
            self = .sequence(sequence)
        case "o":
            guard let position = Int(parts[1]) else { throw StoreError.invalidCursor }
            self = .position(position, parts[2])
        default:
            throw StoreError.invalidCursor
        }
    }
}
