import BasculeCore
import Foundation

/// Dependencies on the release's overview, both ways: what it requires or goes with, and what
/// requires or goes with it; each with the other release as it stands and what the plan does
/// not honour; forms to add and remove them.
struct DependenciesPanel: Sendable {
    struct Line: Sendable {
        let key: String
        let href: String
        let title: String
        let kind: String
        let status: String
        let window: String?
        let problem: String?
        let removeHref: String?
    }

    let requires: [Line]
    let requiredBy: [Line]
    let addHref: String?
    let kinds: [Choice]

    static func model(_ view: DependencyService.View, _ words: Words) -> DependenciesPanel {
        let mayEdit = RequestOrigin.current.may(.releaseEdit)
        let problems = Dictionary(view.problems.map { ("\($0.dependency.release)>\($0.dependency.on)", $0.reason) }, uniquingKeysWith: { first, _ in first })
        func line(_ dependency: ReleaseDependency, other key: ReleaseKey, removable: Bool) -> Line {
            let other = view.others[key]
            return Line(key: key.description, href: "/releases/\(key)", title: other?.fields.title ?? "", kind: words.label(dependency.kind),
                        status: other.map { words.label($0.status) } ?? "", window: other?.window.map(words.window),
                        problem: problems["\(dependency.release)>\(dependency.on)"].map { words.label($0) },
                        removeHref: removable && mayEdit ? "/releases/\(view.release.key)/dependencies/\(key)/remove" : nil)
        }
        return DependenciesPanel(
            requires: view.requires.map { line($0, other: $0.on, removable: true) },
            requiredBy: view.requiredBy.map { line($0, other: $0.release, removable: false) },
            addHref: mayEdit ? "/releases/\(view.release.key)/dependencies" : nil,
            kinds: DependencyKind.allCases.map { Choice(value: $0.rawValue, label: words.label($0), selected: $0 == .requires) })
    }
}
