import BasculeCore
@testable import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Changes and test campaigns added from their pages, and the multipart reader behind uploads.
@Suite("Evidence pages")
struct EvidencePagesTests {
    private static func release(_ services: BasculeServices) async throws -> String {
        try await services.releases.create(ReleaseInput(title: "Billing", version: "4.3", type: .minor)).key.description
    }

    @Test("a change is added from its form, edited, and removed after confirmation; each answers with a redirect and a message")
    func changeLifecycle() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let key = try await Self.release(services)
            // when
            let created = try await client.form("/releases/\(key)/changes", ["title": "Invoice sender", "category": "normal", "kind": "software",
                                                                             "risk": "high", "status": "proposed", "items": "", "rollback": "Redeploy"])
            let change = try #require(try await services.changes.list(of: key).first)
            let edited = try await client.form("/releases/\(key)/changes/\(change.key)", ["title": "Invoice sender v2", "category": "standard", "kind": "configuration",
                                                                                          "risk": "low", "status": "approved", "revision": String(change.revision)])
            let tab = try await client.send(.get, "/releases/\(key)?tab=changes&done=change_saved").text
            let removed = try await client.form("/releases/\(key)/changes/\(change.key)/delete", ["revision": String(change.revision + 1)])
            // then
            #expect(created.status == .seeOther)
            #expect(edited.status == .seeOther)
            #expect(tab.contains("Invoice sender v2") && tab.contains("Change saved.") && tab.contains(">Standard<") == false)
            #expect(tab.contains("standard") || tab.contains("Standard"))
            #expect(removed.status == .seeOther)
            #expect(try await services.changes.list(of: key).isEmpty)
        }
    }

    @Test("a change without a title, or naming a choice that does not exist, comes back with the errors beside the fields")
    func changeRefusedInPlace() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let key = try await Self.release(services)
            // when
            let refused = try await client.form("/releases/\(key)/changes", ["title": "", "risk": "apocalyptic", "rollback": "Keep me"],
                                                headers: [.cookie: "bascule_lang=fr"])
            // then
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("ne fait pas partie des choix"))
            #expect(refused.text.contains(">Keep me</textarea>"))
            #expect(try await services.changes.list(of: key).isEmpty)
        }
    }

    @Test("a campaign typed by hand is recorded; a negative count is refused on the page")
    func manualCampaign() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let key = try await Self.release(services)
            // when
            let refused = try await client.form("/releases/\(key)/tests", ["kind": "regression", "passed": "-3"])
            let recorded = try await client.form("/releases/\(key)/tests", ["kind": "regression", "passed": "98", "failed": "2", "failing": "Ledger.testClose\nLedger.testOpen"])
            // then
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("Passed: must not be negative"))
            #expect(recorded.headers[.location] == "/releases/\(key.uppercased())?tab=tests&done=tests_recorded")
            let campaign = try #require(try await services.tests.list(of: key).first)
            #expect(campaign.result.passed == 98 && campaign.result.failingTests == ["Ledger.testClose", "Ledger.testOpen"])
        }
    }

    @Test("a JUnit report uploaded from the page is imported as a campaign, and a broken file imports nothing")
    func junitUpload() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let key = try await Self.release(services)
            let report = #"<testsuite name="ledger" tests="3"><testcase name="a"/><testcase name="b"><failure message="x"/></testcase><testcase name="c"/></testsuite>"#
            // when
            let imported = try await Self.upload(client, key, file: report)
            let broken = try await Self.upload(client, key, file: "<testsuite name=\"cut")
            // then
            #expect(imported.status == .seeOther, "\(imported.text)")
            let campaigns = try await services.tests.list(of: key)
            #expect(campaigns.count == 1)
            #expect(campaigns.first?.result.passed == 2 && campaigns.first?.result.failed == 1)
            #expect(campaigns.first?.source == "junit:ledger.xml")
            #expect(broken.status == .unprocessableContent || broken.status == .badRequest)
        }
    }

    private static func upload(_ client: SignedInClient, _ key: String, file: String) async throws -> TestResponse {
        let boundary = "----bascule\(UUID().uuidString.prefix(8))"
        let body = """
            --\(boundary)\r
            Content-Disposition: form-data; name="kind"\r
            \r
            regression\r
            --\(boundary)\r
            Content-Disposition: form-data; name="report"; filename="ledger.xml"\r
            Content-Type: text/xml\r
            \r
            \(file)\r
            --\(boundary)--\r

            """
        return try await client.raw.execute(uri: "/releases/\(key)/tests/junit", method: .post,
                                            headers: [.authorization: "Bearer \(client.token)", .contentType: "multipart/form-data; boundary=\(boundary)"],
                                            body: ByteBuffer(string: body)) { $0 }
    }

    @Test("the multipart reader returns fields and files, and refuses a body without its closing boundary")
    func multipartReader() {
        // given
        let body = "--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nTOKEN\r\n--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.xml\"\r\n\r\n<a>\r\n--\r\n</a>\r\n--b--\r\n"
        // when
        let form = MultipartForm(ByteBuffer(string: body), boundary: "b")
        let cut = MultipartForm(ByteBuffer(string: "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nvalue"), boundary: "b")
        // then
        #expect(form?.fields["csrf"] == "TOKEN")
        #expect(form?.files["f"].map { String(decoding: $0.data, as: UTF8.self) } == "<a>\r\n--\r\n</a>")
        #expect(form?.files["f"]?.fileName == "a.xml")
        #expect(cut == nil)
        #expect(MultipartForm.boundary(of: "multipart/form-data; boundary=\"xyz\"") == "xyz")
        #expect(MultipartForm.boundary(of: "application/x-www-form-urlencoded") == nil)
    }
}
