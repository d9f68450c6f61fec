import BasculeCore
import Foundation
import Testing

@Suite struct EvidencePackTests {
    let files = [
        ZipArchive.Entry(name: "release.json", data: Array(#"{"key":"REL-1"}"#.utf8)),
        ZipArchive.Entry(name: "runbook.md", data: Array("# Runbook\n\nÉtape 1".utf8)),
    ]
    let at = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func aZipWrittenReadsBackWithTheSameFiles() throws {
        // given
        let archive = ZipArchive.write(files, at: at)
        // when
        let read = try ZipArchive.read(archive)
        // then
        #expect(read == files)
    }

    @Test func aSealedPackVerifies() {
        // given
        let pack = EvidencePack.seal(files, at: at)
        // when
        let verification = EvidencePack.verify(pack, expectedManifest: EvidencePack.manifestDigest(pack))
        // then
        #expect(verification.isIntact)
        #expect(verification.checked == ["release.json", "runbook.md"])
    }

    @Test func aChangedFileIsNamed() throws {
        // given
        var entries = try ZipArchive.read(EvidencePack.seal(files, at: at))
        entries[1] = ZipArchive.Entry(name: "runbook.md", data: Array("# Runbook\n\nÉtape 2".utf8))
        // when
        let verification = EvidencePack.verify(ZipArchive.write(entries, at: at))
        // then
        #expect(verification.problems == ["runbook.md was changed (its SHA-256 no longer matches the manifest)"])
    }

    @Test func aMissingAndAnAddedFileAreNamed() throws {
        // given
        var entries = try ZipArchive.read(EvidencePack.seal(files, at: at))
        entries.remove(at: 0)
        entries.append(ZipArchive.Entry(name: "extra.txt", data: [1]))
        // when
        let verification = EvidencePack.verify(ZipArchive.write(entries, at: at))
        // then
        #expect(verification.problems == ["release.json is missing", "extra.txt is not in the manifest (added after the pack was made)"])
    }

    @Test func aRewrittenManifestIsCaughtByItsQuotedDigest() throws {
        // given
        let pack = EvidencePack.seal(files, at: at)
        let quoted = try #require(EvidencePack.manifestDigest(pack))
        var changed = files
        changed[0] = ZipArchive.Entry(name: "release.json", data: Array(#"{"key":"REL-2"}"#.utf8))
        // when
        let verification = EvidencePack.verify(EvidencePack.seal(changed, at: at), expectedManifest: quoted)
        // then
        #expect(verification.problems.first?.hasPrefix("MANIFEST.sha256 is not the one made with the pack") == true)
    }

    @Test func anEditedAuditEventNoLongerMatchesItsChainHash() throws {
        // given
        let entry = AuditEntry(actor: "claire", action: .releaseTransition, target: "REL-1", summary: "status: ready → inProgress")
        let content = AuditEvent.canonicalContent(sequence: 7, at: at, entry: entry, requestID: nil, clientAddress: nil, previousHash: AuditEvent.genesisHash)
        let event = AuditEvent(sequence: 7, at: at, entry: entry, requestID: nil, clientAddress: nil, previousHash: AuditEvent.genesisHash, hash: Digest.sha256(content))
        let honest = try EvidencePack.encoder().encode([EvidencePack.AuditLine(event)])
        let forged = String(decoding: honest, as: UTF8.self).replacingOccurrences(of: "claire", with: "mallory")
        // when
        let good = EvidencePack.verify(EvidencePack.seal([ZipArchive.Entry(name: EvidencePack.auditName, data: Array(honest))], at: at))
        let bad = EvidencePack.verify(EvidencePack.seal([ZipArchive.Entry(name: EvidencePack.auditName, data: Array(forged.utf8))], at: at))
        // then
        #expect(good.isIntact)
        #expect(bad.problems == ["audit-events.json: event 7 no longer matches its chain hash"])
    }

    @Test func aDeflatedArchiveIsReadToo() throws {
        // given: "hello hello hello\n" deflated by zlib (raw, fixed Huffman), in a one-file zip
        let deflated: [UInt8] = [0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57, 0xc8, 0x40, 0x90, 0x5c, 0x00]
        let stored = ZipArchive.write([ZipArchive.Entry(name: "a.txt", data: deflated)], at: at)
        var bytes = stored
        bytes[8] = 8  // local header: method deflate
        let central = try #require(Self.find([0x50, 0x4b, 0x01, 0x02], in: bytes))
        bytes[central + 10] = 8
        bytes[14] = 0; bytes[15] = 0; bytes[16] = 0; bytes[17] = 0  // CRC is not checked by the reader
        // when
        let read = try ZipArchive.read(bytes)
        // then
        #expect(String(decoding: read[0].data, as: UTF8.self) == "hello hello hello\n")
    }

    @Test func aFileThatIsNotAZipSaysSo() {
        // given
        let notZip = Array("just text, not an archive at all".utf8)
        // when
        let verification = EvidencePack.verify(notZip)
        // then
        #expect(verification.problems == ["the archive: not a zip archive (no end of central directory)"])
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
        (0...(bytes.count - needle.count)).first { Array(bytes[$0..<($0 + needle.count)]) == needle }
    }
}
