import Foundation

/// The reverse proxies whose `X-Forwarded-For` is believed. Any client can send the header, so
/// it is read only when the peer itself is one of these; then the client is the right-most
/// address in the header that is not a trusted proxy (the left part is the client's own to forge).
public struct TrustedProxies: Sendable, Equatable {
    let ranges: [AddressRange]

    public static let none = TrustedProxies(ranges: [])

    /// `127.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`, comma- or space-separated; a failure
    /// names the first item that is neither an address nor a range.
    public static func parse(_ text: String) -> Result<TrustedProxies, BadItem> {
        var ranges: [AddressRange] = []
        for item in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
            guard let range = AddressRange(String(item)) else { return .failure(BadItem(text: String(item))) }
            ranges.append(range)
        }
        return .success(TrustedProxies(ranges: ranges))
    }

    public struct BadItem: Error, Sendable { public let text: String }

    init(ranges: [AddressRange]) {
        self.ranges = ranges
    }

    public var isEmpty: Bool { ranges.isEmpty }

    func trusts(_ address: String) -> Bool {
        guard let bytes = AddressRange.bytes(of: address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The client's address for a request from `peer` carrying these `X-Forwarded-For` values.
    public func client(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer, trusts(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard AddressRange.bytes(of: hop) != nil else { return peer }
            if !trusts(hop) { return hop }
        }
        return hops.first.flatMap { AddressRange.bytes(of: $0) != nil ? $0 : nil } ?? peer
    }
}

/// An IPv4 or IPv6 address with a prefix length.
struct AddressRange: Sendable, Equatable {
    let network: [UInt8]
    let prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let bytes = Self.bytes(of: parts[0]) else { return nil }
        let length = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
        guard let length, (0...(bytes.count * 8)).contains(length) else { return nil }
        network = bytes
        prefix = length
    }

    func contains(_ address: [UInt8]) -> Bool {
        guard address.count == network.count else { return false }
        var remaining = prefix
        for (a, b) in zip(address, network) where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if a & mask != b & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// 4 bytes for IPv4, 16 for IPv6 (an IPv4-mapped IPv6 address reads as IPv4).
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { return Array(bytes[12...]) }
        return bytes
    }
}
