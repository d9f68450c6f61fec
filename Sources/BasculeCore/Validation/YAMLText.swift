import Yams

/// YAML documents (the policy, runbooks, inventories) read under the text rule: the raw text
/// first, then every scalar once composed, since an escape (`"\0"`, `"\x01"`) in a quoted
/// scalar makes a control character that the raw text does not show.
enum YAMLText {
    static func compose(_ text: String, field: String) throws(CoreError) -> Node {
        if let refused = TextRule.checkDocument(text, field: field) { throw .invalid([refused]) }
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else { throw FieldError(field, "is empty") }
            root = composed
        } catch let error as FieldError {
            throw .invalid([error])
        } catch {
            throw .invalid([PolicyDocument.syntaxError(error)])
        }
        if let refused = firstRefusal(in: root, field: field) { throw .invalid([refused]) }
        return root
    }

    private static func firstRefusal(in node: Node, field: String) -> FieldError? {
        switch node {
        case .scalar(let scalar):
            return TextRule.check(scalar.string, field: field, line: node.mark?.line)
        case .mapping(let mapping):
            for (key, value) in mapping {
                if let found = firstRefusal(in: key, field: field) ?? firstRefusal(in: value, field: field) { return found }
            }
        case .sequence(let sequence):
            for item in sequence {
                if let found = firstRefusal(in: item, field: field) { return found }
            }
        case .alias:
            return nil
        }
        return nil
    }
}
