import ArgumentParser
import BasculeAPI
import BasculeCore
import Foundation

extension ReleaseCommand {
    struct Commits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a release's commits from a git repository (--repo, --from, --to), or list them.")

        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The release key, for example REL-42.") var key: String
        @Option(help: "A git repository on this machine to read the commits from.") var repo: String?
        @Option(help: "The ref the previous release was made from (a tag such as v4.2.0): its commits are left out. All the history when absent.")
        var from: String?
        @Option(help: "The ref the release is made from.") var to = "HEAD"
        @Flag(name: .customLong("create-changes"), help: "Make a change of each breaking change, feature or fix that names none (CHG-n).")
        var createChanges = false
        @Option(help: "Commits listed (without --repo).") var limit = 50

        /// Commits sent per request.
        static let batch = 1_000

        func run() async throws {
            guard let repo else { return try await list() }
            let git = try GitRepository(path: repo)
            let end = try git.resolve(to)
            let start = try from.map { try git.resolve($0) }
            let entries = try git.commits(from: start, to: end)
            guard !entries.isEmpty else {
                return print("no commit in \(repo) between \(from ?? "the start") and \(to)")
            }
            let client = try remote.client()
            var added = 0, known = 0, total = 0
            var linked: [String] = [], elsewhere: [String] = [], created: [String] = []
            var sent = 0
            while sent < entries.count {
                let slice = entries[sent..<min(entries.count, sent + Self.batch)]
                let body = Components.Schemas.CommitImport(commits: slice.map { entry in
                    let commit = entry.commit
                    return .init(hash: commit.hash, author: commit.author, email: commit.email, date: commit.authoredAt, message: commit.message,
                                 parents: commit.parents, replacedBytes: entry.replacedBytes)
                }, createChanges: createChanges)
                switch try await remote.call({ try await client.importCommits(path: .init(key: key), body: .json(body)) }) {
                case .ok(let ok):
                    let result = try ok.body.json
                    added += result.added
                    known += result.alreadyKnown
                    total = result.total
                    linked += result.linked
                    elsewhere += result.elsewhere
                    created += result.created
                case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem), .conflict(let problem),
                     .unprocessableContent(let problem): throw CLIError.refusal(problem)
                case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
                }
                sent += slice.count
                if entries.count > Self.batch {
                    FileHandle.standardError.write(Data("sent \(sent.formatted()) of \(entries.count.formatted()) commits\n".utf8))
                }
            }
            let replaced = entries.filter(\.replacedBytes).count
            var lines = ["\(key): \(added) commits added (\(known) already known), \(total) in all"]
            if !linked.isEmpty { lines.append("linked to " + Set(linked).sorted().joined(separator: ", ")) }
            if !created.isEmpty { lines.append("changes made: " + created.joined(separator: ", ")) }
            if !elsewhere.isEmpty { lines.append("named but not in \(key): " + Set(elsewhere).sorted().joined(separator: ", ")) }
            if replaced > 0 { lines.append("\(replaced) messages were not UTF-8: their bad bytes were replaced") }
            print(lines.joined(separator: "; "))
        }

        func list() async throws {
            let client = try remote.client()
            switch try await remote.call({ try await client.listCommits(path: .init(key: key), query: .init(limit: max(1, min(limit, 1000)))) }) {
            case .ok(let ok):
                let page = try ok.body.json
                if remote.json { return try remote.printJSON(page) }
                print(TextTable.render(["COMMIT", "KIND", "SUBJECT", "CHANGES"], page.commits.map { commit in
                    [String(commit.hash.prefix(7)), commit.kind.rawValue, String(commit.subject.prefix(72)), commit.changes.joined(separator: ", ")]
                }))
                if page.total > page.commits.count { print("\(page.commits.count) of \(page.total) commits") }
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Sort: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sort a commit for the release notes (HASH KIND), or every unclassified one (--unclassified KIND).",
            discussion: "KIND is breaking, feature, fix, other, omitted, or byMessage (back to what its message says).")

        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The release key.") var key: String
        @Argument(help: "The commit's hash (7 characters or more), then its kind; or only the kind with --unclassified.") var words: [String] = []
        @Flag(help: "Sort every commit still unclassified as KIND.") var unclassified = false

        func run() async throws {
            guard words.count == (unclassified ? 1 : 2), let kind = words.last else {
                throw CLIError.invalidOption(unclassified ? "give the kind: bascule release sort \(key) --unclassified other"
                                                          : "give the commit and its kind: bascule release sort \(key) 1a2b3c4 fix")
            }
            guard let sorted = Components.Schemas.CommitSort.KindPayload(rawValue: kind) else {
                throw CLIError.invalidOption("unknown kind \(kind); one of: " + Components.Schemas.CommitSort.KindPayload.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let client = try remote.client()
            var hashes = unclassified ? [] : [words[0]]
            if unclassified {
                var offset = 0
                while true {
                    switch try await remote.call({ try await client.listCommits(path: .init(key: key), query: .init(limit: 1000, offset: offset)) }) {
                    case .ok(let ok):
                        let page = try ok.body.json
                        hashes += page.commits.filter { $0.kind == .unclassified }.map(\.hash)
                        offset += page.commits.count
                        if page.commits.isEmpty || offset >= page.total { break }
                        continue
                    case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem): throw CLIError.refusal(problem)
                    case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
                    }
                    break
                }
            }
            for hash in hashes {
                switch try await remote.call({ try await client.sortCommit(path: .init(key: key, hash: hash), body: .json(.init(kind: sorted))) }) {
                case .ok(let ok):
                    let commit = try ok.body.json
                    if remote.json { try remote.printJSON(commit) } else if !unclassified { print("\(commit.hash.prefix(7)) is now \(commit.kind.rawValue)") }
                case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem),
                     .unprocessableContent(let problem): throw CLIError.refusal(problem)
                case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
                }
            }
            if unclassified, !remote.json { print("\(hashes.count) unclassified commits of \(key) sorted as \(kind)") }
        }
    }

    struct Notes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the release notes drafted from the commits and the version they call for; --publish makes them the release notes document.")

        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The release key.") var key: String
        @Option(help: "technical (a line per commit) or endUser (a line per change).") var audience = "technical"
        @Option(help: "The headings' language: en or fr.") var lang = "en"
        @Flag(help: "Publish the draft as the release's notes document (refused while commits wait to be sorted).") var publish = false
        @Option(name: .customLong("commit-link"), help: "A link to a commit with {hash} in it, for the published notes.") var commitLink: String?

        func run() async throws {
            guard let audience = Operations.GetNotesDraft.Input.Query.AudiencePayload(rawValue: audience),
                  let language = Operations.GetNotesDraft.Input.Query.LangPayload(rawValue: lang) else {
                throw CLIError.invalidOption("--audience is technical or endUser, --lang en or fr")
            }
            let client = try remote.client()
            if publish {
                let body = Components.Schemas.NotesPublish(audience: .init(rawValue: audience.rawValue), lang: .init(rawValue: language.rawValue), commitLink: commitLink)
                switch try await remote.call({ try await client.publishNotes(path: .init(key: key), body: .json(body)) }) {
                case .ok(let ok):
                    let document = try ok.body.json
                    if remote.json { return try remote.printJSON(document) }
                    print("\(key): release notes version \(document.version) published")
                case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem), .conflict(let problem),
                     .unprocessableContent(let problem): throw CLIError.refusal(problem)
                case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
                }
                return
            }
            switch try await remote.call({ try await client.getNotesDraft(path: .init(key: key), query: .init(audience: audience, lang: language)) }) {
            case .ok(let ok):
                let draft = try ok.body.json
                if remote.json { return try remote.printJSON(draft) }
                print(draft.markdown)
                let version = draft.version
                var verdict = "version \(version.actual)"
                if let suggested = version.suggested {
                    verdict += ": the commits call for \(suggested) (\(version.bump?.rawValue ?? "-") after \(version.previousVersion ?? "-") in \(version.previousRelease ?? "-"))"
                    switch version.agreement {
                    case .under: verdict += " — WARNING: the version promises less than the commits do"
                    case .over: verdict += " — more than the commits call for"
                    case .notSemantic: verdict += " — not a semantic version"
                    case .agrees: break
                    }
                }
                print(verdict)
                if draft.unclassified > 0 {
                    print("\(draft.unclassified) commits are not sorted yet: `bascule release commits \(key)`, then `bascule release sort \(key) HASH KIND`")
                }
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Depend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a release's dependencies, make it require another (--on) or go with it (--on --with), or remove one (--remove).")

        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The release key.") var key: String
        @Option(help: "The release it depends on.") var on: String?
        @Flag(help: "In the same window, rather than deployed first.") var with = false
        @Option(help: "Remove its dependency on this release.") var remove: String?

        func run() async throws {
            let client = try remote.client()
            let view: Components.Schemas.Dependencies
            if let on {
                switch try await remote.call({ try await client.addDependency(path: .init(key: key), body: .json(.init(release: on, kind: with ? .with : .requires))) }) {
                case .created(let created): view = try created.body.json
                case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem), .conflict(let problem),
                     .unprocessableContent(let problem): throw CLIError.refusal(problem)
                case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
                }
            } else if let remove {
                switch try await remote.call({ try await client.removeDependency(path: .init(key: key, other: remove)) }) {
                case .ok(let ok): view = try ok.body.json
                case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem): throw CLIError.refusal(problem)
                case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
                }
            } else {
                switch try await remote.call({ try await client.getDependencies(path: .init(key: key)) }) {
                case .ok(let ok): view = try ok.body.json
                case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem): throw CLIError.refusal(problem)
                case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
                }
            }
            if remote.json { return try remote.printJSON(view) }
            let rows = view.requires.map { [$0.kind.rawValue, $0.on, $0.title, $0.status, $0.problem?.rawValue ?? ""] }
                + view.requiredBy.map { ["needed by", $0.release, $0.title, $0.status, $0.problem?.rawValue ?? ""] }
            guard !rows.isEmpty else { return print("\(key) has no dependency") }
            print(TextTable.render(["", "RELEASE", "TITLE", "STATUS", "PROBLEM"], rows))
        }
    }
}
