import ArgumentParser
import BasculeAPI
import BasculeCore
import Foundation
import OpenAPIRuntime

/// `bascule evidence pack REL-12` downloads a release's evidence pack; `bascule evidence verify
/// FILE` checks one offline, naming any file changed, missing or added (exit 1).
struct EvidenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "evidence", abstract: "Evidence packs of releases, for auditors.",
                                                    subcommands: [Pack.self, Verify.self])

    struct Pack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Download a release's evidence pack (zip); prints its manifest's SHA-256.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The release, such as REL-12.") var release: String
        @Option(name: .shortAndLong, help: "Where to write it (default REL-12-evidence.zip).") var output: String?

        func run() async throws {
            let client = try remote.client()
            switch try await remote.call({ try await client.getEvidencePack(path: .init(key: release)) }) {
            case .ok(let ok):
                guard case .applicationZip(let body) = ok.body else { throw CLIError.unexpectedAnswer(200) }
                let bytes = try await [UInt8](collecting: body, upTo: 512 * 1024 * 1024)
                let path = output ?? "\(release.uppercased())-evidence.zip"
                do { try Data(bytes).write(to: URL(fileURLWithPath: path)) } catch { throw CLIError.invalidOption("cannot write \(path): \(error.localizedDescription)") }
                print("\(path): \(bytes.count) bytes, manifest SHA-256 \(ok.headers.xManifestSHA256 ?? "?") (also in the audit trail)")
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check an evidence pack offline: every file against its manifest, every audit event against its hash.")
        @Argument(help: "The zip file.") var file: String
        @Option(help: "The manifest's SHA-256 as the audit trail quotes it (evidence.pack), to catch a rewritten manifest.") var expect: String?

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError.invalidOption("cannot read \(file)") }
            let verification = EvidencePack.verify(Array(data), expectedManifest: expect)
            if verification.isIntact {
                print("\(file): intact, \(verification.checked.count) files match their manifest (SHA-256 \(verification.manifestDigest ?? "?"))")
                return
            }
            for problem in verification.problems { FileHandle.standardError.write(Data("\(file): \(problem)\n".utf8)) }
            throw ExitCode(1)
        }
    }
}
