import BasculeCore
import Foundation

/// Commits in the demo: Billing 4.3's history since 4.2, as `bascule release commits` would read
/// it, with what real histories hold (a scope, a breaking footer, a merge, a revert pair, and one
/// message that follows no convention, left for a person to sort on the Versions tab).
enum DemoVersions {
    static func seed(_ services: BasculeServices, now: Date, keys: [String: String]) async throws {
        guard let billing = keys["Billing 4.3: e-invoicing"] else { return }
        /// Stable made-up hashes, so that the revert names the commit it reverts.
        func hash(_ index: Int) -> String {
            String(format: "%08x", UInt32(truncatingIfNeeded: (index + 1) &* 0x9E37_79B1)) + String(repeating: "5c2e81f0", count: 4)
        }
        let messages: [(String, String, Int)] = [
            ("Claire Martin", "feat(einvoice): send invoices to the public invoicing platform\n\nFactur-X documents are built from the invoice and sent through the PDP API.", 1),
            ("Karim Haddad", "fix(pdf): keep the totals on one page when the invoice has 40 lines", 1),
            ("Claire Martin", "feat(einvoice)!: the customer's SIREN is required\n\nBREAKING CHANGE: invoices to a company without a SIREN are refused; the import checks it first.", 1),
            ("Léa Girard", "feat: a flag to send invoices twice", 1),
            ("Léa Girard", "Revert \"feat: a flag to send invoices twice\"\n\nThis reverts commit \(hash(3)).", 1),
            ("Thomas Petit", "Update the VAT table for 2027", 1),
            ("Karim Haddad", "docs: how the platform's status codes map to ours", 1),
            ("Claire Martin", "Merge branch 'einvoice' into main\n\nfeat(einvoice): e-invoicing, first wave", 2),
        ]
        let commits = messages.enumerated().map { index, entry in
            (commit: ReleaseCommit(hash: hash(index), author: entry.0,
                                   email: entry.0.lowercased().replacingOccurrences(of: " ", with: ".").folding(options: .diacriticInsensitive, locale: nil) + "@bascule.example",
                                   authoredAt: now.addingTimeInterval(Double(index - 20) * 86_400 / 2), message: entry.1, parents: entry.2),
             replacedBytes: false)
        }
        _ = try await services.versions.importCommits(billing, commits)
    }
}
