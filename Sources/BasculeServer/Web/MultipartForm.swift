import Foundation
import NIOCore

/// A form posted as `multipart/form-data` (RFC 7578), the only way a browser sends a file
/// without JavaScript: its text fields, and its files with their names and bytes.
struct MultipartForm: Sendable {
    struct File: Sendable {
        let name: String
        let fileName: String
        let data: Data
    }

    private(set) var fields: [String: String] = [:]
    private(set) var files: [String: File] = [:]

    /// The boundary of a `multipart/form-data` content type, or nil for any other type.
    static func boundary(of contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.isEmpty || value.count > 70 ? nil : value
            }
        }
        return nil
    }

    /// Reads the parts; nil when the body is not well formed (no closing boundary, a part
    /// without its headers or its name).
    init?(_ body: ByteBuffer, boundary: String) {
        let bytes = Array(body.readableBytesView)
        let delimiter = Array("--\(boundary)".utf8)
        let separator = Array("\r\n\r\n".utf8)
        var position = 0
        guard let first = Self.find(delimiter, in: bytes, from: 0) else { return nil }
        position = first + delimiter.count
        var closed = false
        while position < bytes.count {
            // After a delimiter: "--" closes the body, CRLF opens a part.
            if bytes[position...].starts(with: Array("--".utf8)) { closed = true; break }
            guard bytes[position...].starts(with: Array("\r\n".utf8)) else { return nil }
            position += 2
            guard let headerEnd = Self.find(separator, in: bytes, from: position),
                  let next = Self.find(Array("\r\n".utf8) + delimiter, in: bytes, from: headerEnd + separator.count) else { return nil }
            let headers = String(decoding: bytes[position..<headerEnd], as: UTF8.self)
            let content = Data(bytes[(headerEnd + separator.count)..<next])
            guard let disposition = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") }),
                  let name = Self.parameter("name", of: String(disposition)) else { return nil }
            if let fileName = Self.parameter("filename", of: String(disposition)) {
                files[name] = File(name: name, fileName: fileName, data: content)
            } else {
                fields[name] = String(decoding: content, as: UTF8.self)
            }
            position = next + 2 + delimiter.count
        }
        guard closed else { return nil }
    }

    private static func parameter(_ name: String, of header: String) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == name {
                var value = pair[1]
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                return value
            }
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
