import BasculeCore

extension ReleaseNotesDraft.Headings {
    /// The notes' title and section headings in `words`' language, from the localisation table:
    /// the API and the versions tab publish the same notes.
    init(_ notes: VersionService.Notes, _ words: Words) {
        var kinds: [CommitKind: String] = [:]
        for kind in ReleaseNotesDraft.announced { kinds[kind] = words.text("notes_heading_\(kind.rawValue)") }
        let release = "\(notes.release.fields.title) \(notes.release.fields.version)".trimmingCharacters(in: .whitespaces)
        self.init(kinds: kinds, title: words.text("notes_title", ["release": release]))
    }
}
