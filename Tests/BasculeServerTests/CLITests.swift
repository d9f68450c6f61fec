@testable import BasculeCLI
import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HummingbirdTesting
import Logging
import Testing

@Suite("Command line")
struct CLITests {
    @Test("dates without an offset are read in the given time zone")
    func localDates() throws {
        // given
        let paris = try #require(TimeZone(identifier: "Europe/Paris"))
        // when
        let winter = try DateArgument.parse("2027-03-05T22:00", timeZone: paris, option: "--start")
        let spaced = try DateArgument.parse("2027-07-05 22:00", timeZone: paris, option: "--start")
        let utc = try DateArgument.parse("2027-03-05T21:00:00Z", timeZone: paris, option: "--start")
        // then
        #expect(winter == utc)
        #expect(spaced == Date(timeIntervalSince1970: 1_814_817_600))
    }

    @Test("a date that cannot be read names the option")
    func badDate() {
        #expect(throws: CLIError.self) { try DateArgument.parse("next friday", timeZone: .gmt, option: "--end") }
        #expect((try? DateArgument.parse("2027-03-05T12:99:00Z", timeZone: .gmt, option: "--end")) == nil)
    }

    @Test("a refusal says each thing once")
    func refusalOnce() {
        // given
        let error = CLIError.refused(status: 422, detail: "title: is required", fields: ["title: is required", "version: is required"])
        // then
        #expect(error.description == "422 title: is required; version: is required")
    }

    @Test("the CLI creates and moves a release on a live server")
    func liveRoundTrip() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = BasculeServices(store: store, passwordCost: 4)
            _ = try await services.environments.create(name: "production", kind: .production)
            _ = try await services.identity.createUser(username: "claire", roles: [.releaseManager], password: TestApp.password)
            let (_, token) = try await services.identity.createToken(name: "cli test", for: "claire")
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            let app = try await buildApplication(ServerConfiguration(port: 0), services: services, logger: logger)
            try await app.test(.live) { client in
                let server = "http://127.0.0.1:\(try #require(client.port))"
                // when
                let create = try ReleaseCommand.Create.parse([
                    "--server", server, "--token", token, "--title", "Billing 4.3", "--release-version", "4.3.0", "--type", "minor",
                    "--start", "2027-03-09T22:00", "--end", "2027-03-10T01:00", "--environment", "production",
                    "--tag", "E-invoicing", "--time-zone", "Europe/Paris",
                ])
                try await create.run()
                let transition = try ReleaseCommand.Transition.parse(["--server", server, "--token", token, "REL-1", "planned"])
                try await transition.run()
                let forbidden = try ReleaseCommand.Transition.parse(["--server", server, "--token", token, "REL-1", "closed"])
                // then
                let refusal = await #expect(throws: CLIError.self) { try await forbidden.run() }
                #expect(refusal?.description.hasPrefix("409 ") == true)
                let release = try await services.releases.get("REL-1")
                #expect(release.status == .planned)
                #expect(release.title == "Billing 4.3")
                #expect(release.window?.start == Date(timeIntervalSince1970: 1_804_626_000))
                #expect(release.tags == ["e-invoicing"])
            }
        } }
    }

    @Test("an unreachable server is one readable line")
    func unreachable() async throws {
        let list = try ReleaseCommand.List.parse(["--server", "http://127.0.0.1:1"])
        let error = await #expect(throws: CLIError.self) { try await list.run() }
        #expect(error?.description.contains("cannot reach the Bascule server at http://127.0.0.1:1") == true)
    }
}
