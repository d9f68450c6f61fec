import BasculeCore

/// How large a request body may be, per operation: the documents have the limits their
/// readers state (docs/SECURITY.md lists them), everything else the standard one. A body over
/// its limit is answered 413 before it is read whole.
enum BodyLimits {
    /// JSON bodies and forms.
    static let standard = 4 * 1_048_576
    /// Room for the other fields of a form that carries a document.
    static let formMargin = 65_536

    static func forOperation(_ operationID: String) -> Int {
        switch operationID {
        case "importInventory": InventoryFile.maximumSize
        case "importJUnitReport": JUnitReport.maximumSize
        case "importRunbook", "saveRunbookTemplate", "replaceRunbook": RunbookDocument.maximumSize
        default: standard
        }
    }

    /// Pages post forms; the runbook editor's form carries a whole YAML runbook, and signing in
    /// or out, which anyone may post to, carries two short fields.
    static func forPage(_ path: String) -> Int {
        if path == "/login" || path == "/logout" { return formMargin }
        if path.hasSuffix("/tests/junit") { return JUnitReport.maximumSize + formMargin }
        if path == "/inventory/import" { return InventoryFile.maximumSize + formMargin }
        if path.hasSuffix("/runbook/steps") { return RunbookDocument.maximumSize * 2 + formMargin }
        return path.hasSuffix("/runbook") ? RunbookDocument.maximumSize + formMargin : standard
    }

    static func describe(_ bytes: Int) -> String {
        bytes >= 1_048_576 ? "\(bytes / 1_048_576) MiB" : "\(bytes / 1024) KiB"
    }
}
