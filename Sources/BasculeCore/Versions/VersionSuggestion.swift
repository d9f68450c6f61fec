import Foundation

/// The version a release's commits call for, against the previous release of the same
/// application: a breaking change makes it major, a feature minor, anything else a patch
/// (Semantic Versioning 2.0.0 with Conventional Commits). Unclassified commits are not guessed
/// at: they are counted, so that the suggestion says it may rise once they are sorted.
public struct VersionSuggestion: Sendable, Equatable {
    public enum Bump: String, Sendable, Equatable, CaseIterable, Comparable {
        case patch, minor, major

        public static func < (lhs: Bump, rhs: Bump) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// How the release's version compares with what the commits call for.
    public enum Agreement: String, Sendable, Equatable {
        /// It is the suggested version, or there is nothing to compare.
        case agrees
        /// It promises less than the commits do (a breaking change shipped as a minor): the dangerous way.
        case under
        /// It promises more (a major version for fixes only): allowed, but worth a look.
        case over
        /// The release's version is not a semantic version.
        case notSemantic
    }

    /// Nil without any classified commit.
    public let bump: Bump?
    public let previous: SemanticVersion?
    /// The previous version raised by `bump`; nil without a previous semantic version or a bump.
    public let suggested: SemanticVersion?
    public let actual: String
    public let agreement: Agreement
    /// Commits still to sort: the bump may rise once they are.
    public let unclassified: Int

    public init(kinds: [CommitKind], previous: SemanticVersion?, actual: String) {
        let bump: Bump? = kinds.contains(.breaking) ? .major : kinds.contains(.feature) ? .minor
            : kinds.contains(where: { [.fix, .other].contains($0) }) ? .patch : nil
        self.bump = bump
        self.previous = previous
        self.actual = actual
        unclassified = kinds.filter { $0 == .unclassified }.count
        let suggested = previous.flatMap { previous in bump.map { previous.raised(by: $0) } }
        self.suggested = suggested
        guard let mine = SemanticVersion(actual) else {
            agreement = actual.trimmingCharacters(in: .whitespaces).isEmpty || suggested == nil ? .agrees : .notSemantic
            return
        }
        guard let suggested, let previous else { agreement = .agrees; return }
        // A pre-release of the suggested version (4.3.0-rc.1) agrees with it.
        let core = SemanticVersion(major: mine.major, minor: mine.minor, patch: mine.patch)
        if core == suggested { agreement = .agrees }
        else if core < suggested || core <= previous { agreement = .under }
        else { agreement = .over }
    }
}

extension VersionSuggestion {
    /// The release the version is compared with: among `candidates` (deployed releases of the
    /// same application), the one with the highest semantic version below `release`'s own when
    /// it has one; releases whose version is not semantic are passed over.
    public static func previous(of release: Release, among candidates: [Release]) -> Release? {
        let mine = SemanticVersion(release.fields.version)
        var best: (release: Release, version: SemanticVersion)?
        for other in candidates where other.key != release.key && [.deployed, .closed].contains(other.status) {
            guard let version = SemanticVersion(other.fields.version), mine.map({ version < $0 }) ?? true else { continue }
            if best.map({ $0.version < version }) ?? true { best = (other, version) }
        }
        return best?.release
    }
}

extension SemanticVersion {
    public init(major: Int, minor: Int, patch: Int) {
        self.init("\(major).\(minor).\(patch)")!
    }

    /// The next version for `bump`, pre-release and build dropped: 4.2.1 → 5.0.0, 4.3.0 or 4.2.2;
    /// a pre-release of the bumped version is released as it (2.0.0-rc.1 and a major → 2.0.0).
    public func raised(by bump: VersionSuggestion.Bump) -> SemanticVersion {
        if !prerelease.isEmpty {
            let released = SemanticVersion(major: major, minor: minor, patch: patch)
            let reaches = switch bump {
            case .major: minor == 0 && patch == 0
            case .minor: patch == 0
            case .patch: true
            }
            if reaches { return released }
        }
        return switch bump {
        case .major: SemanticVersion(major: major + 1, minor: 0, patch: 0)
        case .minor: SemanticVersion(major: major, minor: minor + 1, patch: 0)
        case .patch: SemanticVersion(major: major, minor: minor, patch: patch + 1)
        }
    }
}
