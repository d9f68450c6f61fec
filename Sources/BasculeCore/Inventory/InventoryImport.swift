import Foundation

/// What an import would do: the items it creates, updates or leaves as they are, and the
/// rows it refuses with their lines. Computed before anything is written, so that a refused
/// file imports nothing and `--dry-run` shows the same report as the real thing.
public struct InventoryImportPlan: Sendable, Equatable {
    public struct Rejection: Sendable, Equatable {
        public let line: Int
        public let key: String
        public let errors: [FieldError]
    }

    public var created: [(CIKey, CIFields)] = []
    public var updated: [(CIKey, CIFields)] = []
    public var unchanged: [CIKey] = []
    public var rejected: [Rejection] = []

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.created.map(\.0) == rhs.created.map(\.0) && lhs.updated.map(\.0) == rhs.updated.map(\.0)
            && lhs.unchanged == rhs.unchanged && lhs.rejected == rhs.rejected
    }

    /// The rejections as field errors (`line 7: dependsOn: …`), for a refused import.
    public var errors: [FieldError] {
        rejected.flatMap { rejection in
            rejection.errors.map { FieldError($0.field, "\(rejection.key.isEmpty ? "" : "\(rejection.key): ")\($0.message)", line: rejection.line) }
        }
    }
}

public enum InventoryImport {
    /// Upserts by key. A row is refused for its own errors, for repeating a key of the file
    /// (every copy is refused: which one is right cannot be guessed), or for depending on an
    /// item that is neither stored nor accepted in the file — which may follow from another
    /// row's refusal, so the check runs until nothing more falls.
    public static func plan(_ rows: [InventoryRow], existing: [CIKey: CIFields]) -> InventoryImportPlan {
        var plan = InventoryImportPlan()
        var accepted: [(line: Int, key: CIKey, fields: CIFields)] = []
        var linesByKey: [CIKey: [Int]] = [:]
        for row in rows {
            do throws(CoreError) {
                let (key, fields) = try row.input.validate()
                if row.problems.isEmpty {
                    accepted.append((row.line, key, fields))
                    linesByKey[key, default: []].append(row.line)
                } else {
                    plan.rejected.append(.init(line: row.line, key: key.text, errors: row.problems))
                }
            } catch {
                guard case .invalid(let errors) = error else { continue }
                let mine = Set(row.problems.map(\.field))
                plan.rejected.append(.init(line: row.line, key: row.input.key, errors: row.problems + errors.filter { !mine.contains($0.field) }))
            }
        }
        accepted.removeAll { entry in
            guard let lines = linesByKey[entry.key], lines.count > 1 else { return false }
            let others = lines.filter { $0 != entry.line }.map(String.init).joined(separator: ", ")
            plan.rejected.append(.init(line: entry.line, key: entry.key.text,
                                       errors: [FieldError("key", "appears more than once in the file (also on line \(others))")]))
            return true
        }
        // A refusal cascades to the rows that depend on the refused item, breadth first over
        // the file's own dependents: linear in rows and relations, however long the chain.
        var known = Set(existing.keys).union(accepted.map(\.key))
        var dependents: [CIKey: [Int]] = [:]
        for (position, entry) in accepted.enumerated() {
            for key in entry.fields.dependsOn { dependents[key, default: []].append(position) }
        }
        var refused = [Bool](repeating: false, count: accepted.count)
        var queue = Array(accepted.indices)
        var head = 0
        while head < queue.count {
            let position = queue[head]
            head += 1
            let entry = accepted[position]
            guard !refused[position] else { continue }
            let unknown = entry.fields.dependsOn.filter { !known.contains($0) }
            guard !unknown.isEmpty else { continue }
            refused[position] = true
            plan.rejected.append(.init(line: entry.line, key: entry.key.text, errors: [FieldError(
                "dependsOn", "names \(unknown.map(\.text).joined(separator: ", ")), in neither the inventory nor the accepted rows of the file")]))
            if existing[entry.key] == nil, known.remove(entry.key) != nil { queue += dependents[entry.key] ?? [] }
        }
        accepted = accepted.indices.filter { !refused[$0] }.map { accepted[$0] }
        for entry in accepted {
            switch existing[entry.key] {
            case nil: plan.created.append((entry.key, entry.fields))
            case entry.fields?: plan.unchanged.append(entry.key)
            default: plan.updated.append((entry.key, entry.fields))
            }
        }
        plan.rejected.sort { ($0.line, $0.key) < ($1.line, $1.key) }
        return plan
    }
}
