@testable import BasculeCore
import Testing

/// Commit messages read by the Conventional Commits 1.0.0 specification: its own examples
/// first, then messages as people really write them. None is ever dropped.
@Suite("Conventional Commits")
struct ConventionalCommitTests {
    static func conventional(_ message: String) throws -> ConventionalCommit {
        guard case .conventional(let commit) = CommitMessage.parse(message) else {
            Issue.record("not conventional: \(CommitMessage.parse(message))")
            throw CancellationError()
        }
        return commit
    }

    @Test("the specification's example with a BREAKING CHANGE footer")
    func breakingFooter() throws {
        // when
        let commit = try Self.conventional("feat: allow provided config object to extend other configs\n\nBREAKING CHANGE: `extends` key in config file is now used for extending other config files")
        // then
        #expect(commit.type == "feat" && commit.scope == nil && !commit.exclamation)
        #expect(commit.description == "allow provided config object to extend other configs")
        #expect(commit.body == nil)
        #expect(commit.isBreaking && commit.breakingNote == "`extends` key in config file is now used for extending other config files")
    }

    @Test("the specification's examples with ! to draw attention to a breaking change, with and without a scope")
    func exclamation() throws {
        // when
        let plain = try Self.conventional("feat!: send an email to the customer when a product is shipped")
        let scoped = try Self.conventional("feat(api)!: send an email to the customer when a product is shipped")
        let both = try Self.conventional("chore!: drop support for Node 6\n\nBREAKING CHANGE: use JavaScript features not available in Node 6.")
        // then
        #expect(plain.isBreaking && plain.breakingNote == "send an email to the customer when a product is shipped")
        #expect(scoped.scope == "api" && scoped.isBreaking)
        #expect(both.type == "chore" && both.breakingNote == "use JavaScript features not available in Node 6.")
    }

    @Test("the specification's examples without a body, with a scope, and with a body of several paragraphs and footers")
    func bodiesAndFooters() throws {
        // when
        let docs = try Self.conventional("docs: correct spelling of CHANGELOG")
        let lang = try Self.conventional("feat(lang): add Polish language")
        let fix = try Self.conventional("""
            fix: prevent racing of requests

            Introduce a request id and a reference to latest request. Dismiss
            incoming responses other than from latest request.

            Remove timeouts which were used to mitigate the racing issue but are
            obsolete now.

            Reviewed-by: Z
            Refs: #123
            """)
        // then
        #expect(docs.type == "docs" && docs.footers.isEmpty && !docs.isBreaking)
        #expect(lang.type == "feat" && lang.scope == "lang" && lang.description == "add Polish language")
        #expect(fix.body == "Introduce a request id and a reference to latest request. Dismiss\nincoming responses other than from latest request.\n\nRemove timeouts which were used to mitigate the racing issue but are\nobsolete now.")
        #expect(fix.footers == [.init(token: "Reviewed-by", value: "Z"), .init(token: "Refs", value: "#123")])
    }

    @Test("the specification's revert example names the commits it reverts; git's own revert names its hash")
    func reverts() {
        // when
        let spec = CommitMessage.parse("revert: let us never again speak of the noodle incident\n\nRefs: 676104e, a215868")
        let git = CommitMessage.parse("Revert \"feat: add the export\"\n\nThis reverts commit 1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d.")
        // then
        #expect(spec == .revert(subject: "let us never again speak of the noodle incident", reverts: "676104e"))
        #expect(git == .revert(subject: "feat: add the export", reverts: "1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d"))
    }

    @Test("BREAKING-CHANGE is a synonym; types are read in any case, BREAKING CHANGE only in capitals")
    func caseRules() throws {
        // when
        let synonym = try Self.conventional("fix: x\n\nBREAKING-CHANGE: the old flag is gone")
        let capitals = try Self.conventional("Feat(API): Add the thing")
        let lower = try Self.conventional("fix: y\n\nbreaking change: not a footer")
        // then
        #expect(synonym.isBreaking && synonym.breakingNote == "the old flag is gone")
        #expect(capitals.type == "feat" && capitals.scope == "API" && capitals.description == "Add the thing")
        #expect(!lower.isBreaking && lower.body == "breaking change: not a footer")
    }

    @Test("a footer's value runs on over several lines until the next footer; ' #' is a separator too")
    func multiLineFooter() throws {
        // when
        let commit = try Self.conventional("feat: z\n\nBREAKING CHANGE: the first line\ncarries on here\n\nand in a paragraph\nCloses #12\nSigned-off-by: Ana <ana@example.com>")
        // then
        #expect(commit.footers.map(\.token) == ["BREAKING CHANGE", "Closes", "Signed-off-by"])
        #expect(commit.breakingNote == "the first line\ncarries on here\n\nand in a paragraph")
        #expect(commit.footers[1].value == "#12")
    }

    @Test("a body paragraph opening like a footer stays in the body when a plain paragraph follows it")
    func footerLikeBody() throws {
        // when
        let commit = try Self.conventional("fix: a\n\nNote: the cache is cleared at start.\n\nThis was the cause of the slow start.\n\nRefs: CHG-7")
        // then
        #expect(commit.body == "Note: the cache is cleared at start.\n\nThis was the cause of the slow start.")
        #expect(commit.footers == [.init(token: "Refs", value: "CHG-7")])
    }

    @Test("messages that do not follow the specification are unclassified, each with its reason, never dropped")
    func unclassified() {
        // when / then
        #expect(CommitMessage.parse("Fix login bug") == .unclassified(.noType))
        #expect(CommitMessage.parse("WIP") == .unclassified(.noType))
        #expect(CommitMessage.parse("feat:add the export") == .unclassified(.noSpaceAfterColon))
        #expect(CommitMessage.parse("fix: ") == .unclassified(.emptyDescription))
        #expect(CommitMessage.parse("feat(api: add x") == .unclassified(.unclosedScope))
        #expect(CommitMessage.parse("feat add x: y") == .unclassified(.noType))
        #expect(CommitMessage.parse("") == .unclassified(.emptyMessage))
        #expect(CommitMessage.parse("\n\nbody only") == .unclassified(.emptyMessage))
    }

    @Test("merge commits: a pull request's conventional title is read from the body, a plain merge has none")
    func merges() throws {
        // when
        let pull = CommitMessage.parse("Merge pull request #42 from org/feature-x\n\nfeat: add the export", parents: 2)
        let branch = CommitMessage.parse("Merge branch 'main' into feature-x")
        let named = CommitMessage.parse("fix(db): close the pool\n\nMerged from the hotfix branch.", parents: 2)
        // then
        guard case .merge(let title?) = pull, case .merge(nil) = branch, case .merge(let own?) = named else {
            Issue.record("\(pull) \(branch) \(named)")
            return
        }
        #expect(title.type == "feat" && title.description == "add the export")
        #expect(own.type == "fix" && own.scope == "db" && own.body == "Merged from the hotfix branch.")
    }

    @Test("Windows line endings and trailing blank lines read the same")
    func lineEndings() throws {
        // when
        let commit = try Self.conventional("fix(ui): align the buttons\r\n\r\nThe grid was off by one.\r\n\r\nRefs: CHG-3\r\n\r\n")
        // then
        #expect(commit.body == "The grid was off by one.")
        #expect(commit.footers == [.init(token: "Refs", value: "CHG-3")])
    }
}
