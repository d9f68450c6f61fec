@testable import BasculeCore
import Foundation
import Testing

/// The release notes draft and the version the commits call for.
@Suite("Release notes and versions")
struct ReleaseNotesTests {
    static let at = Date(timeIntervalSince1970: 1_800_000_000)

    static func commit(_ hash: String, _ message: String, parents: Int = 1, sortedAs: CommitKind? = nil) -> ReleaseCommit {
        ReleaseCommit(hash: hash, author: "Ana", email: "ana@example.com", authoredAt: at, message: message, parents: parents, sortedAs: sortedAs)
    }

    static let english = ReleaseNotesDraft.Headings(
        kinds: [.breaking: "Breaking changes", .feature: "Features", .fix: "Fixes", .other: "Others"], title: "Billing 4.3.0")

    static func change(_ number: Int, _ title: String, _ description: String, status: ChangeStatus = .approved) -> Change {
        Change(key: ChangeKey(number: number), releaseKey: ReleaseKey(number: 1),
               fields: ChangeFields(title: title, description: description, status: status), requestedBy: "ana", createdAt: at)
    }

    @Test("commits are grouped breaking changes first, then features, fixes and others; merges, reverted pairs and unclassified apart")
    func grouping() {
        // given
        let commits = [
            Self.commit("a1a1a1a1", "feat(api): add the export\n\nRefs: CHG-7"),
            Self.commit("b2b2b2b2", "fix: round the totals"),
            Self.commit("c3c3c3c3", "refactor!: drop the v1 endpoints"),
            Self.commit("d4d4d4d4", "Merge branch 'main' into export", parents: 2),
            Self.commit("e5e5e5e5", "Fix typo"),
            Self.commit("f6f6f6f6", "feat: a flag nobody wanted"),
            Self.commit("0707aaaa", "Revert \"feat: a flag nobody wanted\"\n\nThis reverts commit f6f6f6f6."),
            Self.commit("0808bbbb", "chore: bump the linter"),
        ]
        // when
        let kinds = ReleaseNotesDraft.kinds(of: commits)
        let draft = ReleaseNotesDraft(commits: commits, changes: [])
        // then
        #expect(kinds == [.feature, .fix, .breaking, .merge, .unclassified, .reverted, .reverted, .other])
        #expect(draft.unclassified == 1)
        #expect(draft.commits[.feature]?.first?.changes == [ChangeKey(number: 7)])
        let notes = draft.markdown(.technical, headings: Self.english)
        #expect(notes == """
            # Billing 4.3.0

            ## Breaking changes

            - drop the v1 endpoints (c3c3c3c)

            ## Features

            - **api:** add the export (a1a1a1a, CHG-7)

            ## Fixes

            - round the totals (b2b2b2b)

            ## Others

            - bump the linter (0808bbb)

            """)
    }

    @Test("a person's sorting wins over the message; publishing waits for no unclassified commit")
    func sorting() {
        // given the typo fix sorted as a fix, and a conventional commit left out on purpose
        let commits = [Self.commit("e5e5e5e5", "Fix typo in the invoice footer", sortedAs: .fix), Self.commit("0808bbbb", "chore: bump the linter", sortedAs: .omitted)]
        // when
        let draft = ReleaseNotesDraft(commits: commits, changes: [])
        // then
        #expect(draft.unclassified == 0)
        #expect(draft.commits[.fix]?.map(\.text) == ["Fix typo in the invoice footer"])
        #expect(draft.commits[.omitted]?.count == 1)
        #expect(!draft.markdown(.technical, headings: Self.english).contains("linter"))
    }

    @Test("a breaking footer's text is under its line; a link template makes the hash a link")
    func breakingNoteAndLinks() {
        // given
        let commits = [Self.commit("abcdef0123", "feat: new tariffs\n\nBREAKING CHANGE: the old tariff codes\nare refused")]
        // when
        let notes = ReleaseNotesDraft(commits: commits, changes: []).markdown(.technical, headings: Self.english) { "https://git.example.com/billing/commit/\($0)" }
        // then
        #expect(notes.contains("- new tariffs ([abcdef0](https://git.example.com/billing/commit/abcdef0123))\n  the old tariff codes\n  are refused"))
    }

    @Test("the end users' notes say each change from its description, under the most telling kind of its commits")
    func endUserNotes() {
        // given CHG-7 has a fix and a feature, CHG-8 only a fix, CHG-9 no commit, CHG-10 was cancelled
        let commits = [Self.commit("a1", "fix: x\n\nRefs: CHG-7"), Self.commit("a2", "feat: y (CHG-7)"), Self.commit("a3", "fix(ui): z CHG-8")]
        let changes = [Self.change(7, "Export to CSV", "Download any invoice list as CSV."), Self.change(8, "Totals", "Totals are rounded to the cent."),
                       Self.change(9, "Help page", ""), Self.change(10, "Dark mode", "Never mind.", status: .cancelled)]
        // when
        let notes = ReleaseNotesDraft(commits: commits, changes: changes).markdown(.endUser, headings: Self.english)
        // then
        #expect(notes == """
            # Billing 4.3.0

            ## Features

            - **Export to CSV** — Download any invoice list as CSV.

            ## Fixes

            - **Totals** — Totals are rounded to the cent.

            ## Others

            - **Help page**

            """)
    }

    @Test("change keys are found anywhere in a message, each once, not inside another word")
    func changeKeys() {
        // when / then
        #expect(ReleaseCommit.changeKeys(in: "fix: CHG-3 and chg-4\n\nRefs: CHG-3, XCHG-5, CHG-") == [ChangeKey(number: 3), ChangeKey(number: 4)])
    }

    @Test("the version the commits call for: breaking is major, a feature minor, else a patch; the release's version checked against it")
    func versions() throws {
        // given
        let previous = try #require(SemanticVersion("4.2.1"))
        // when
        let major = VersionSuggestion(kinds: [.fix, .breaking], previous: previous, actual: "4.3.0")
        let minor = VersionSuggestion(kinds: [.fix, .feature, .unclassified], previous: previous, actual: "v4.3.0-rc.1")
        let patch = VersionSuggestion(kinds: [.other, .fix], previous: previous, actual: "5.0.0")
        let free = VersionSuggestion(kinds: [.fix], previous: previous, actual: "2026.12")
        let first = VersionSuggestion(kinds: [.feature], previous: nil, actual: "1.0.0")
        // then
        #expect(major.bump == .major && major.suggested?.description == "5.0.0" && major.agreement == .under)
        #expect(minor.suggested?.description == "4.3.0" && minor.agreement == .agrees && minor.unclassified == 1)
        #expect(patch.suggested?.description == "4.2.2" && patch.agreement == .over)
        #expect(free.agreement == .notSemantic)
        #expect(first.suggested == nil && first.agreement == .agrees)
    }

    @Test("the previous release is the deployed one with the highest semantic version below the release's own")
    func previousRelease() {
        // given
        func release(_ number: Int, _ version: String, _ status: ReleaseStatus) -> Release {
            Release(key: ReleaseKey(number: number), fields: ReleaseFields(title: "Billing", version: version, type: .minor), status: status, createdAt: Self.at)
        }
        let mine = release(9, "4.3.0", .planned)
        let candidates = [release(1, "4.1.0", .deployed), release(2, "4.2.1", .closed), release(3, "4.4.0", .deployed),
                          release(4, "2026.11", .deployed), release(5, "4.2.5", .cancelled)]
        // when / then
        #expect(VersionSuggestion.previous(of: mine, among: candidates)?.key == ReleaseKey(number: 2))
        #expect(VersionSuggestion.previous(of: release(10, "free text", .planned), among: candidates)?.key == ReleaseKey(number: 3))
    }

    @Test("a pre-release is released as the version it announced when the bump reaches it")
    func preRelease() throws {
        // when / then
        #expect(try #require(SemanticVersion("2.0.0-rc.1")).raised(by: .major).description == "2.0.0")
        #expect(try #require(SemanticVersion("2.1.0-beta")).raised(by: .major).description == "3.0.0")
        #expect(try #require(SemanticVersion("2.1.0-beta")).raised(by: .minor).description == "2.1.0")
    }
}
