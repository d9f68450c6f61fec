import Foundation

/// A zip archive (PKWARE APPNOTE 6.3), as the evidence pack needs it: written with its entries
/// stored (text, small: compression would only make the auditor's check depend on a library),
/// read whether its entries are stored or deflated, since an archive opened and saved again
/// by another tool comes back deflated.
public enum ZipArchive {
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let data: [UInt8]

        public init(name: String, data: [UInt8]) {
            self.name = name
            self.data = data
        }
    }

    public enum ReadError: Error, Equatable, CustomStringConvertible {
        case notAZip
        case truncated(String)
        case unsupported(String, method: Int)
        case damaged(String)

        public var description: String {
            switch self {
            case .notAZip: "not a zip archive (no end of central directory)"
            case .truncated(let name): "\(name) is cut short"
            case .unsupported(let name, let method): "\(name) is compressed with method \(method), which Bascule does not read (stored and deflated are read)"
            case .damaged(let name): "\(name) cannot be decompressed (damaged data)"
            }
        }
    }

    /// The archive holding `entries`, in their order, each dated `at` (DOS time, UTC).
    public static func write(_ entries: [Entry], at date: Date) -> [UInt8] {
        let (time, day) = dosTime(date)
        var out: [UInt8] = [], central: [UInt8] = []
        for entry in entries {
            let name = Array(entry.name.utf8), crc = CRC32.checksum(entry.data), offset = UInt32(out.count)
            out.le32(0x0403_4b50); out.le16(20); out.le16(0x0800); out.le16(0); out.le16(time); out.le16(day)
            out.le32(crc); out.le32(UInt32(entry.data.count)); out.le32(UInt32(entry.data.count)); out.le16(UInt16(name.count)); out.le16(0)
            out += name
            out += entry.data
            central.le32(0x0201_4b50); central.le16(0x0314); central.le16(20); central.le16(0x0800); central.le16(0)
            central.le16(time); central.le16(day); central.le32(crc); central.le32(UInt32(entry.data.count)); central.le32(UInt32(entry.data.count))
            central.le16(UInt16(name.count)); central.le16(0); central.le16(0); central.le16(0); central.le16(0)
            central.le32(0o100644 << 16); central.le32(offset)
            central += name
        }
        let centralOffset = UInt32(out.count)
        out += central
        out.le32(0x0605_4b50); out.le16(0); out.le16(0); out.le16(UInt16(entries.count)); out.le16(UInt16(entries.count))
        out.le32(UInt32(central.count)); out.le32(centralOffset); out.le16(0)
        return out
    }

    /// The entries of an archive, in the order of its central directory; directories left out.
    public static func read(_ bytes: [UInt8]) throws(ReadError) -> [Entry] {
        guard bytes.count >= 22 else { throw .notAZip }
        var end = -1
        for position in stride(from: bytes.count - 22, through: max(0, bytes.count - 22 - 65_535), by: -1) where bytes.u32(position) == 0x0605_4b50 {
            end = position
            break
        }
        guard end >= 0 else { throw .notAZip }
        let count = Int(bytes.u16(end + 10))
        var position = Int(bytes.u32(end + 16))
        var entries: [Entry] = []
        for _ in 0..<count {
            guard position + 46 <= bytes.count, bytes.u32(position) == 0x0201_4b50 else { throw .truncated("the central directory") }
            let method = Int(bytes.u16(position + 10)), size = Int(bytes.u32(position + 20))
            let nameLength = Int(bytes.u16(position + 28)), extra = Int(bytes.u16(position + 30)), comment = Int(bytes.u16(position + 32))
            let local = Int(bytes.u32(position + 42))
            guard position + 46 + nameLength <= bytes.count else { throw .truncated("the central directory") }
            let name = String(decoding: bytes[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self)
            position += 46 + nameLength + extra + comment
            if name.hasSuffix("/") { continue }
            guard local + 30 <= bytes.count, bytes.u32(local) == 0x0403_4b50 else { throw .truncated(name) }
            let start = local + 30 + Int(bytes.u16(local + 26)) + Int(bytes.u16(local + 28))
            guard start + size <= bytes.count else { throw .truncated(name) }
            let stored = Array(bytes[start..<(start + size)])
            switch method {
            case 0: entries.append(Entry(name: name, data: stored))
            case 8:
                guard let data = Inflate.inflate(stored) else { throw .damaged(name) }
                entries.append(Entry(name: name, data: data))
            default: throw .unsupported(name, method: method)
            }
        }
        return entries
    }

    private static func dosTime(_ date: Date) -> (UInt16, UInt16) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let time = UInt16((parts.hour ?? 0) << 11 | (parts.minute ?? 0) << 5 | (parts.second ?? 0) / 2)
        let day = UInt16(max(0, (parts.year ?? 1980) - 1980) << 9 | (parts.month ?? 1) << 5 | (parts.day ?? 1))
        return (time, day)
    }
}

/// CRC-32 (IEEE 802.3), the zip format's checksum.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

extension [UInt8] {
    fileprivate mutating func le16(_ value: UInt16) { append(UInt8(value & 0xFF)); append(UInt8(value >> 8)) }
    fileprivate mutating func le32(_ value: UInt32) { le16(UInt16(value & 0xFFFF)); le16(UInt16(value >> 16)) }
    fileprivate func u16(_ at: Int) -> UInt16 { UInt16(self[at]) | UInt16(self[at + 1]) << 8 }
    fileprivate func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }
}
