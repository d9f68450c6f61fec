import BasculeCore
import Foundation

/// Where Core's `TextRule` meets the ways text arrives over HTTP. Each reader names the field
/// (JSON path, form field, query parameter, header) or the line (documents) that holds the
/// first refused character, so the refusal says where to look.
enum InputText {
    // MARK: - JSON

    /// The first string (or key) of a JSON document that breaks the rule, by its path. A
    /// document that is not JSON is left to the decoder, which says so in its own words.
    static func jsonRefusal(_ data: Data) -> FieldError? {
        guard mayHoldRefusedJSON(data),
              let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        else { return nil }
        return refusal(in: object, path: "")
    }

    /// A quick pass over the bytes, so that ordinary bodies are not parsed twice: a refused
    /// character is either raw (C0, DEL, C1 or U+FFFE/F in UTF-8) or a `\u` escape.
    static func mayHoldRefusedJSON(_ data: Data) -> Bool {
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Bool in
            var index = 0
            let count = bytes.count
            while index < count {
                let byte = bytes[index]
                switch byte {
                case 0x09, 0x0A, 0x0D: break
                case 0x00...0x1F, 0x7F: return true
                case 0xC2 where index + 1 < count && (0x80...0x9F).contains(bytes[index + 1]): return true
                case 0xEF where index + 2 < count && bytes[index + 1] == 0xBF && (bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF): return true
                case UInt8(ascii: "\\") where index + 5 < count && bytes[index + 1] == UInt8(ascii: "u"):
                    let hex = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(index + 2)...(index + 5)]), as: UTF8.self)
                    if let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value), !TextRule.isAllowed(scalar) { return true }
                    index += 1
                case UInt8(ascii: "\\"):
                    index += 1  // an escaped character (`\\`, `\"`) cannot start an escape itself
                default: break
                }
                index += 1
            }
            return false
        }
    }

    private static func refusal(in value: Any, path: String) -> FieldError? {
        switch value {
        case let text as String:
            return TextRule.check(text, field: path.isEmpty ? "body" : path)
        case let list as [Any]:
            for (index, item) in list.enumerated() {
                if let found = refusal(in: item, path: path + "[\(index)]") { return found }
            }
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                // A refused key is named by its place, not echoed back with its character.
                if let found = TextRule.check(key, field: path.isEmpty ? "body" : path) { return found }
                let field = path.isEmpty ? key : path + "." + key
                if let found = refusal(in: object[key] as Any, path: field) { return found }
            }
        default: break
        }
        return nil
    }

    // MARK: - Documents, forms, queries

    /// A YAML, CSV, XML or plain-text body: the line of its first refused character. Bodies
    /// that are not UTF-8 are left to their reader, which names the line of the first bad byte.
    static func documentRefusal(_ data: Data, field: String) -> FieldError? {
        guard let text = String(data: data, encoding: .utf8) else { return nil }
        return TextRule.checkDocument(text, field: field)
    }

    /// `a=1&b=2` as forms and query strings write it: the first field whose name or value
    /// breaks the rule once decoded. Undecodable escapes are refused too, since the reader
    /// would otherwise see something other than what was sent.
    static func formRefusal(_ encoded: Substring) -> FieldError? {
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]) else { return FieldError(String(parts[0].prefix(64)), "is not valid percent-encoded UTF-8") }
            let field = name.isEmpty ? "form" : String(name.prefix(64))
            if let found = TextRule.check(name, field: field) { return FieldError(field, found.message) }
            guard parts.count == 2 else { continue }
            guard let value = decode(parts[1]) else { return FieldError(field, "is not valid percent-encoded UTF-8") }
            if let found = TextRule.check(value, field: field) { return found }
        }
        return nil
    }

    /// A path as the router will read it, decoded.
    static func pathRefusal(_ path: String) -> FieldError? {
        guard let decoded = path.removingPercentEncoding else { return FieldError("path", "is not valid percent-encoded UTF-8") }
        return TextRule.check(decoded, field: "path")
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
