@testable import BasculeAgent
import Foundation
import Testing

@Suite("Secrets hidden in output")
struct RedactorTests {
    @Test("a secret's value split across two reads is hidden whole")
    func splitValue() {
        // given
        var redactor = Redactor(["db": "hunter2-long"])
        // when
        let first = redactor.feed("stdout", Data("password=hunter".utf8))
        let second = redactor.feed("stdout", Data("2-long done\n".utf8))
        let rest = redactor.finish().map(\.data).reduce(Data(), +)
        // then
        #expect(String(decoding: first + second + rest, as: UTF8.self) == "password=[secret db] done\n")
    }

    @Test("output without secrets goes through as it came, held back at most a value's length")
    func plainOutput() {
        var redactor = Redactor(["db": "abc"])
        let sent = redactor.feed("stdout", Data("hello world".utf8))
        let rest = redactor.finish().map(\.data).reduce(Data(), +)
        #expect(String(decoding: sent, as: UTF8.self) == "hello wor")
        #expect(String(decoding: sent + rest, as: UTF8.self) == "hello world")
    }
}
