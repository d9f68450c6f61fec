@testable import BasculeCore
import Foundation
import Testing

/// The records of `git log -z --format=GitLog.format`, read as bytes.
@Suite("git log records")
struct GitLogTests {
    static func record(_ hash: String, parents: String = "1111111111111111111111111111111111111111", author: [UInt8] = Array("Ana Lima".utf8),
                       message: [UInt8]) -> [UInt8] {
        Array(hash.utf8) + [0x1F] + Array(parents.utf8) + [0x1F] + author + [0x1F] + Array("ana@example.com".utf8) + [0x1F]
            + Array("2026-11-30T10:15:00+01:00".utf8) + [0x1F] + message + [0x0A]
    }

    @Test("records are read with their parents, author, date and whole message; an incomplete tail waits for the next chunk")
    func records() throws {
        // given two records and the start of a third
        let first = Self.record("a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0", message: Array("feat(api): add the export\n\nRefs: CHG-7\n".utf8))
        let merge = Self.record("b1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0", parents: "1111111 2222222", message: Array("Merge branch 'main'\n".utf8))
        let bytes = first + [0] + [0x0A] + merge + [0] + Array("c1b2c3".utf8)
        // when
        let (entries, consumed) = try GitLog.entries(bytes)
        // then
        #expect(entries.count == 2 && consumed == bytes.count - 6)
        let commit = entries[0].commit
        #expect(commit.hash == "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0" && commit.parents == 1 && commit.author == "Ana Lima")
        #expect(commit.message == "feat(api): add the export\n\nRefs: CHG-7" && commit.changes == [ChangeKey(number: 7)])
        #expect(commit.authoredAt == ISO8601DateFormatter().date(from: "2026-11-30T09:15:00Z"))
        #expect(entries[1].commit.parents == 2 && entries[1].commit.kindByMessage == .merge)
        #expect(!entries[0].replacedBytes)
    }

    @Test("a message that is not UTF-8 is kept with its bad bytes replaced, and said so")
    func latin1() throws {
        // given "fix: café" in Latin-1 (é is 0xE9) and an author in Latin-1
        let record = Self.record("d1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0", author: [0x4A, 0xE9, 0x72, 0xF4, 0x6D, 0x65],
                                 message: Array("fix: caf".utf8) + [0xE9])
        // when
        let (entries, _) = try GitLog.entries(record + [0])
        // then
        let entry = try #require(entries.first)
        #expect(entry.replacedBytes)
        #expect(entry.commit.message == "fix: caf\u{FFFD}" && entry.commit.author == "J\u{FFFD}r\u{FFFD}me")
        #expect(entry.commit.kindByMessage == .fix)
    }

    @Test("a control character no text may hold (an escape pasted from a terminal) is replaced, and said so")
    func controlCharacters() throws {
        // given
        let record = Self.record("e1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0", message: Array("fix: \u{1B}[31mred\u{1B}[0m\r\nok\tdone".utf8))
        // when
        let entry = try #require(try GitLog.entries(record + [0]).entries.first)
        // then
        #expect(entry.replacedBytes && entry.commit.message == "fix: \u{FFFD}[31mred\u{FFFD}[0m\r\nok\tdone")
    }

    @Test("a record that is not git's is refused with its beginning")
    func malformed() {
        // when / then
        #expect(throws: GitLog.Problem.malformed("fatal: bad revision")) { try GitLog.entries(Array("fatal: bad revision".utf8) + [0]) }
    }
}
