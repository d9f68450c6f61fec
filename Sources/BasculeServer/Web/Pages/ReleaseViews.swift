import BasculeCore
import Foundation

/// What the release pages show of a release, in the reader's language and the configured zone.
struct ReleaseViews: Sendable {
    let localizer: Localizer
    let formatting: WebFormatting

    func row(_ release: Release, _ language: Language) -> [String: Any] {
        [
            "key": release.key.description,
            "href": "/releases/\(release.key)",
            "title": release.title,
            "version": release.version,
            "type": localizer.text("type_\(release.type.rawValue)", language),
            "typeValue": release.type.rawValue,
            "status": localizer.text("status_\(release.status.rawValue)", language),
            "statusValue": release.status.rawValue,
            "window": present(release.window.map { window(of: $0, language) }),
            "environment": release.environment ?? "",
            "owner": release.owner ?? "",
        ]
    }

    func detail(_ release: Release, _ language: Language) -> [String: Any] {
        var view = row(release, language)
        view["semantic"] = release.semanticVersion != nil
        view["environment"] = present(release.environment)
        view["owner"] = present(release.owner)
        view["tags"] = release.tags
        view["hasTags"] = !release.tags.isEmpty
        view["descriptionHTML"] = present(release.description.isEmpty ? nil : MarkdownRenderer.html(release.description))
        view["createdAt"] = formatting.display(release.createdAt, language)
        view["updatedAt"] = formatting.display(release.updatedAt, language)
        view["revision"] = release.revision
        let origin = RequestOrigin.current
        view["editable"] = release.status.isPlanEditable && origin.may(.releaseEdit)
        view["deletable"] = release.status == .draft && origin.may(.releaseDelete)
        let transitions = origin.may(.releaseTransition) ? release.allowedTransitions : []
        view["hasTransitions"] = !transitions.isEmpty
        view["ended"] = release.allowedTransitions.isEmpty
        view["frozen"] = !release.status.isPlanEditable
        view["transitions"] = transitions.map { target -> [String: Any] in
            // The way forward is the primary button; stepping back is plain; giving up is red.
            let order = ReleaseStatus.allCases
            let backwards = (order.firstIndex(of: target) ?? 0) < (order.firstIndex(of: release.status) ?? 0)
                && [ReleaseStatus.draft, .planned, .approved].contains(target)
            let style = [.cancelled, .failed, .rolledBack].contains(target) ? "danger" : backwards ? "" : "primary"
            return ["value": target.rawValue, "label": localizer.text("to_\(target.rawValue)", language),
                    "href": "/releases/\(release.key)", "revision": release.revision, "style": style]
        }
        view["lifecycle"] = lifecycle(release, language)
        return view
    }

    /// The main path with the release's place on it; a side exit is shown after the point it left.
    private func lifecycle(_ release: Release, _ language: Language) -> [[String: Any]] {
        let path: [ReleaseStatus] = [.draft, .planned, .approved, .ready, .inProgress, .deployed, .closed]
        let position = path.firstIndex(of: release.status)
        var steps = path.enumerated().map { index, status -> [String: Any] in
            let state: String
            if let position {
                state = index < position ? "done" : index == position ? "current" : "todo"
            } else {
                state = "todo"
            }
            return ["label": localizer.text("status_\(status.rawValue)", language), "state": state]
        }
        if position == nil {
            steps.append(["label": localizer.text("status_\(release.status.rawValue)", language), "state": "current exit"])
        }
        return steps
    }

    /// One event of the release's history, as the page lists it.
    func historyLine(_ event: AuditEvent, _ language: Language) -> [String: Any] {
        ["at": formatting.display(event.at, language), "actor": event.entry.actor, "summary": event.entry.summary,
         "action": event.entry.action.rawValue, "sequence": event.sequence]
    }

    func window(of window: PlannedWindow, _ language: Language) -> String {
        formatting.displayWindow(window.start, window.end, language)
    }
}
