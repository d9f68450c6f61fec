import BasculeCore
import Foundation
import Testing

@Suite("Webhook endpoints, secrets and retries")
struct WebhookRulesTests {
    @Test("an endpoint's URL must be http or https, with a host and no credentials")
    func urls() {
        #expect(WebhookEndpoint.urlProblem("https://chat.example.com/hooks/1") == nil)
        #expect(WebhookEndpoint.urlProblem("http://127.0.0.1:9000/") == nil)
        #expect(WebhookEndpoint.urlProblem("ftp://example.com/x")?.contains("http or https") == true)
        #expect(WebhookEndpoint.urlProblem("https://user:pw@example.com/x")?.contains("password") == true)
        #expect(WebhookEndpoint.urlProblem("not a url") != nil)
        #expect(WebhookEndpoint.urlProblem("https:///nohost") != nil)
    }

    @Test("a secret is whsec_ and the base64 of 24 to 64 bytes; a made one is valid")
    func secrets() throws {
        #expect(throws: CoreError.self) { try WebhookSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") }
        #expect(throws: CoreError.self) { try WebhookSecret("whsec_not*base64") }
        #expect(throws: CoreError.self) { try WebhookSecret("whsec_" + Data(count: 8).base64EncodedString()) }
        #expect(try WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").key.count == 24)
        let made = WebhookSecret.generate()
        #expect(try WebhookSecret(made.text).key.count == 32)
    }

    @Test("after a rotation both secrets sign for a day, then only the new one")
    func rotation() throws {
        // given
        let first = WebhookSecret.generate(), second = WebhookSecret.generate()
        var keyring = WebhookKeyring(current: first)
        // when
        keyring.rotate(to: second, at: Fixtures.t0)
        // then
        #expect(keyring.signing(at: Fixtures.t0.addingTimeInterval(3600)) == [second, first])
        #expect(keyring.signing(at: Fixtures.t0.addingTimeInterval(25 * 3600)) == [second])
    }

    @Test("retries cover more than a day even at their shortest, then stop")
    func retries() {
        // given
        var at = Fixtures.t0
        var tries = 1
        // when
        while let next = DeliveryPlan.retry(after: tries, at: at, spread: 0) {
            at = next
            tries += 1
        }
        // then
        #expect(at.timeIntervalSince(Fixtures.t0) >= 24 * 3600)
        #expect(tries == DeliveryPlan.waits.count + 1)
        #expect(DeliveryPlan.retry(after: 1, at: Fixtures.t0, spread: 1)!.timeIntervalSince(Fixtures.t0) == 6)
    }

    @Test("an endpoint is switched off after five days of failures, not before")
    func disabling() {
        #expect(!DeliveryPlan.shouldDisable(failingSince: nil, now: Fixtures.t0))
        #expect(!DeliveryPlan.shouldDisable(failingSince: Fixtures.t0, now: Fixtures.t0.addingTimeInterval(4 * 86_400)))
        #expect(DeliveryPlan.shouldDisable(failingSince: Fixtures.t0, now: Fixtures.t0.addingTimeInterval(5 * 86_400)))
    }

    @Test("the Standard Webhooks body carries the type, the time and the release; the chat body one line with a link")
    func bodies() throws {
        // given
        let notice = Notice(kind: .releaseMoved, at: Fixtures.t0, actor: "alice", release: RecipientsTests.payroll, facts: ["fromStart": "x"])
        // when
        let standard = try JSONSerialization.jsonObject(with: Data(WebhookBody.standard(notice, summary: "moved", link: "https://b/releases/REL-4").utf8)) as? [String: Any]
        let chat = WebhookBody.chat(summary: "moved", link: "https://b/releases/REL-4")
        // then
        #expect(standard?["type"] as? String == "release.moved")
        #expect(standard?["timestamp"] as? String == "2027-01-15T08:00:00.000Z")
        let data = standard?["data"] as? [String: Any]
        #expect((data?["release"] as? [String: Any])?["key"] as? String == "REL-4")
        #expect(data?["summary"] as? String == "moved")
        #expect(chat == #"{"text":"moved <https://b/releases/REL-4|open>"}"#)
    }
}
