/// DEFLATE decompression (RFC 1951), enough to read back an evidence pack that another tool
/// saved again with compression. Returns nil on damaged data; never traps.
enum Inflate {
    private struct Bits {
        let bytes: [UInt8]
        var position = 0
        var buffer: UInt32 = 0
        var count = 0

        mutating func take(_ n: Int) -> Int? {
            while count < n {
                guard position < bytes.count else { return nil }
                buffer |= UInt32(bytes[position]) << UInt32(count)
                position += 1
                count += 8
            }
            let value = Int(buffer & ((1 << UInt32(n)) - 1))
            buffer >>= UInt32(n)
            count -= n
            return value
        }

        mutating func alignToByte() {
            buffer = 0
            count = 0
        }
    }

    /// A canonical Huffman code: how many codes of each length, and the symbols in order.
    private struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int] = []

        init?(lengths: [Int]) {
            for length in lengths { counts[length] += 1 }
            counts[0] = 0
            var offsets = [Int](repeating: 0, count: 16)
            for length in 1..<16 { offsets[length] = offsets[length - 1] + counts[length - 1] }
            symbols = [Int](repeating: 0, count: lengths.count)
            for (symbol, length) in lengths.enumerated() where length != 0 {
                symbols[offsets[length]] = symbol
                offsets[length] += 1
            }
        }

        func decode(_ bits: inout Bits) -> Int? {
            var code = 0, first = 0, index = 0
            for length in 1..<16 {
                guard let bit = bits.take(1) else { return nil }
                code |= bit
                let count = counts[length]
                if code - count < first { return symbols[index + (code - first)] }
                index += count
                first += count
                first <<= 1
                code <<= 1
            }
            return nil
        }
    }

    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                                       4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    private static let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    static func inflate(_ data: [UInt8]) -> [UInt8]? {
        var bits = Bits(bytes: data)
        var out: [UInt8] = []
        while true {
            guard let last = bits.take(1), let type = bits.take(2) else { return nil }
            switch type {
            case 0:
                bits.alignToByte()
                guard bits.position + 4 <= data.count else { return nil }
                let length = Int(data[bits.position]) | Int(data[bits.position + 1]) << 8
                bits.position += 4
                guard bits.position + length <= data.count else { return nil }
                out += data[bits.position..<(bits.position + length)]
                bits.position += length
            case 1:
                let literal = (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 }
                guard let lengths = Huffman(lengths: literal), let distances = Huffman(lengths: [Int](repeating: 5, count: 30)),
                      block(&bits, &out, lengths, distances) else { return nil }
            case 2:
                guard let (lengths, distances) = dynamicCodes(&bits), block(&bits, &out, lengths, distances) else { return nil }
            default:
                return nil
            }
            if last == 1 { return out }
        }
    }

    private static func dynamicCodes(_ bits: inout Bits) -> (Huffman, Huffman)? {
        guard let literals = bits.take(5).map({ $0 + 257 }), let distances = bits.take(5).map({ $0 + 1 }),
              let codeCount = bits.take(4).map({ $0 + 4 }), literals <= 286, distances <= 30 else { return nil }
        var codeLengths = [Int](repeating: 0, count: 19)
        for index in 0..<codeCount {
            guard let length = bits.take(3) else { return nil }
            codeLengths[order[index]] = length
        }
        guard let code = Huffman(lengths: codeLengths) else { return nil }
        var lengths: [Int] = []
        while lengths.count < literals + distances {
            guard let symbol = code.decode(&bits) else { return nil }
            switch symbol {
            case 0..<16: lengths.append(symbol)
            case 16:
                guard let previous = lengths.last, let repeats = bits.take(2) else { return nil }
                lengths += [Int](repeating: previous, count: 3 + repeats)
            case 17:
                guard let repeats = bits.take(3) else { return nil }
                lengths += [Int](repeating: 0, count: 3 + repeats)
            default:
                guard let repeats = bits.take(7) else { return nil }
                lengths += [Int](repeating: 0, count: 11 + repeats)
            }
        }
        guard lengths.count == literals + distances, let literal = Huffman(lengths: Array(lengths[0..<literals])),
              let distance = Huffman(lengths: Array(lengths[literals...])) else { return nil }
        return (literal, distance)
    }

    private static func block(_ bits: inout Bits, _ out: inout [UInt8], _ lengths: Huffman, _ distances: Huffman) -> Bool {
        while true {
            guard let symbol = lengths.decode(&bits) else { return false }
            if symbol < 256 {
                out.append(UInt8(symbol))
            } else if symbol == 256 {
                return true
            } else {
                let index = symbol - 257
                guard index < lengthBase.count, let extra = bits.take(lengthExtra[index]),
                      let distanceSymbol = distances.decode(&bits), distanceSymbol < distanceBase.count,
                      let distanceExtraBits = bits.take(distanceExtra[distanceSymbol]) else { return false }
                let length = lengthBase[index] + extra, distance = distanceBase[distanceSymbol] + distanceExtraBits
                guard distance <= out.count else { return false }
                let start = out.count - distance
                for offset in 0..<length { out.append(out[start + offset]) }
            }
        }
    }
}
