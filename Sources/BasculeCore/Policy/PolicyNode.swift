import Foundation
import Yams

/// A node of the policy document with the path that leads to it, so that every complaint
/// names its line and its field (`line 14: rules[2].days: …`).
public struct PolicyNode {
    let node: Node
    public let path: String

    init(_ node: Node, path: String) {
        self.node = node
        self.path = path
    }

    public var line: Int? { node.mark?.line }

    public func error(_ message: String) -> FieldError { FieldError(path.isEmpty ? "document" : path, message, line: line) }

    /// The entries of a mapping, refusing keys outside `allowed` so that a misspelt key is
    /// reported instead of silently ignored.
    public func mapping(allowed: Set<String>) throws(FieldError) -> [String: PolicyNode] {
        guard let mapping = node.mapping else { throw error("must be a mapping of keys to values") }
        var entries: [String: PolicyNode] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else { throw error("keys must be plain text") }
            let child = PolicyNode(value, path: path.isEmpty ? name : "\(path).\(name)")
            guard allowed.contains(name) else {
                throw PolicyNode(key, path: child.path).error("is not a known key here (known: \(allowed.sorted().joined(separator: ", ")))")
            }
            entries[name] = child
        }
        return entries
    }

    public func string() throws(FieldError) -> String {
        guard let text = node.scalar?.string else { throw error("must be a single value") }
        return text
    }

    public func int(in range: ClosedRange<Int>) throws(FieldError) -> Int {
        guard let value = Int(try string()), range.contains(value) else {
            throw error("must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    public func double(in range: ClosedRange<Double>) throws(FieldError) -> Double {
        guard let value = Double(try string()), range.contains(value) else {
            throw error("must be a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A list, or a single value taken as a list of one.
    public func items() throws(FieldError) -> [PolicyNode] {
        if let sequence = node.sequence {
            return sequence.enumerated().map { PolicyNode($1, path: "\(path)[\($0)]") }
        }
        guard node.scalar != nil else { throw error("must be a value or a list of values") }
        return [self]
    }

    public func strings() throws(FieldError) -> [String] {
        var result: [String] = []
        for item in try items() { result.append(try item.string()) }
        return result
    }

    /// A value from a closed set, with the choices named when it is none of them.
    public func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type) throws(FieldError) -> T where T.RawValue == String {
        let text = try string()
        guard let value = T(rawValue: text) else {
            throw error("unknown value '\(text)' (use \(T.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return value
    }

    public func choices<T: RawRepresentable & CaseIterable>(_ type: T.Type) throws(FieldError) -> [T] where T.RawValue == String {
        var result: [T] = []
        for item in try items() { result.append(try item.choice(type)) }
        if result.isEmpty { throw error("must list at least one value") }
        return result
    }

    /// `14d`, `48h`, `90m`, `1d12h`, or `0`.
    public func duration() throws(FieldError) -> TimeInterval {
        guard let total = DurationText.seconds(try string()), total <= 366 * 86_400 else {
            throw error("must be a duration such as 14d, 48h, 90m or 1d12h, at most a year")
        }
        return total
    }
}
