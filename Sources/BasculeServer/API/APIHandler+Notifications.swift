import BasculeAPI
import BasculeCore
import BasculeStore
import Foundation

extension APIHandler {
    func listNotifications(_ input: Operations.ListNotifications.Input) async throws -> Operations.ListNotifications.Output {
        let inbox = try await notifications.inbox(unreadOnly: input.query.unread ?? false, limit: input.query.limit, cursor: input.query.cursor)
        let language = Language(rawValue: try await notifications.language()) ?? .en
        let words = Words(localizer: try localizer ?? Localizer(), language: language, formatting: WebFormatting(timeZone: timeZone))
        let items = inbox.lines.map { line in
            Components.Schemas.NotificationView(
                id: line.id, kind: .init(rawValue: line.notice.kind.rawValue) ?? .test, at: line.notice.at, actor: line.notice.actor,
                summary: NoticeWording.summary(line.notice, words), release: line.notice.release?.key, link: NoticeWording.path(line.notice),
                facts: .init(additionalProperties: line.notice.facts), read: line.readAt != nil)
        }
        return .ok(.init(body: .json(.init(items: items, unread: inbox.unread, nextCursor: inbox.nextCursor))))
    }

    func markNotificationsRead(_ input: Operations.MarkNotificationsRead.Input) async throws -> Operations.MarkNotificationsRead.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        return .ok(.init(body: .json(.init(changed: try await notifications.markRead(body.ids)))))
    }

    func sendTestNotification(_ input: Operations.SendTestNotification.Input) async throws -> Operations.SendTestNotification.Output {
        let result = try await notifications.test()
        let view: Components.Schemas.NotifyTestResult
        switch result.email {
        case .ready(let server): view = .init(address: result.address, email: .ready, detail: "the SMTP server \(server) took the login")
        case .off: view = .init(address: result.address, email: .off, detail: "no SMTP server is configured (BASCULE_SMTP_HOST)")
        case .failing(let why): view = .init(address: result.address, email: .failing, detail: why + "; the message waits and is tried again")
        }
        return .accepted(.init(body: .json(view)))
    }

    func getNotificationSettings(_ input: Operations.GetNotificationSettings.Input) async throws -> Operations.GetNotificationSettings.Output {
        .ok(.init(body: .json(.init(language: .init(rawValue: try await notifications.language()) ?? .en))))
    }

    func setNotificationSettings(_ input: Operations.SetNotificationSettings.Input) async throws -> Operations.SetNotificationSettings.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        try await notifications.setLanguage(body.language.rawValue)
        return .ok(.init(body: .json(body)))
    }

    func listSubscriptions(_ input: Operations.ListSubscriptions.Input) async throws -> Operations.ListSubscriptions.Output {
        .ok(.init(body: .json(.init(items: try await notifications.subscriptions().map(Components.Schemas.SubscriptionView.init)))))
    }

    func createSubscription(_ input: Operations.CreateSubscription.Input) async throws -> Operations.CreateSubscription.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let made = try await notifications.subscribe(scope: body.scope, value: body.value ?? "", kinds: body.kinds ?? [], channels: body.channels)
        return .created(.init(body: .json(.init(made))))
    }

    func deleteSubscription(_ input: Operations.DeleteSubscription.Input) async throws -> Operations.DeleteSubscription.Output {
        try await notifications.unsubscribe(input.path.id)
        return .noContent(.init())
    }

    func listStakeholders(_ input: Operations.ListStakeholders.Input) async throws -> Operations.ListStakeholders.Output {
        .ok(.init(body: .json(.init(items: try await notifications.stakeholders(of: input.path.key).map(Components.Schemas.StakeholderView.init)))))
    }

    func addStakeholder(_ input: Operations.AddStakeholder.Input) async throws -> Operations.AddStakeholder.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let added = try await notifications.addStakeholder(to: input.path.key, kind: body.kind.rawValue, name: body.name, language: body.language?.rawValue)
        return .created(.init(body: .json(.init(added))))
    }

    func removeStakeholder(_ input: Operations.RemoveStakeholder.Input) async throws -> Operations.RemoveStakeholder.Output {
        try await notifications.removeStakeholder(from: input.path.key, kind: input.path.kind.rawValue, name: input.path.name)
        return .noContent(.init())
    }

    func listWebhooks(_ input: Operations.ListWebhooks.Input) async throws -> Operations.ListWebhooks.Output {
        .ok(.init(body: .json(.init(items: try await webhooks.list().map(Components.Schemas.WebhookView.init)))))
    }

    func createWebhook(_ input: Operations.CreateWebhook.Input) async throws -> Operations.CreateWebhook.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let (endpoint, secret) = try await webhooks.create(name: body.name, url: body.url, kinds: body.kinds ?? [], format: body.format?.rawValue, secret: body.secret)
        return .created(.init(body: .json(.init(webhook: .init(endpoint), secret: secret))))
    }

    func getWebhook(_ input: Operations.GetWebhook.Input) async throws -> Operations.GetWebhook.Output {
        .ok(.init(body: .json(.init(try await webhooks.get(input.path.id)))))
    }

    func updateWebhook(_ input: Operations.UpdateWebhook.Input) async throws -> Operations.UpdateWebhook.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let changes = WebhookService.Changes(name: body.name, url: body.url, kinds: body.kinds, format: body.format?.rawValue, enabled: body.enabled)
        return .ok(.init(body: .json(.init(try await webhooks.update(input.path.id, changes)))))
    }

    func deleteWebhook(_ input: Operations.DeleteWebhook.Input) async throws -> Operations.DeleteWebhook.Output {
        try await webhooks.delete(input.path.id)
        return .noContent(.init())
    }

    func rotateWebhookSecret(_ input: Operations.RotateWebhookSecret.Input) async throws -> Operations.RotateWebhookSecret.Output {
        var given: String?
        if case .json(let body) = input.body { given = body.secret }
        return .ok(.init(body: .json(.init(secret: try await webhooks.rotate(input.path.id, secret: given)))))
    }

    func listWebhookDeliveries(_ input: Operations.ListWebhookDeliveries.Input) async throws -> Operations.ListWebhookDeliveries.Output {
        let page = try await webhooks.deliveries(of: input.path.id, state: input.query.state?.rawValue, limit: input.query.limit, cursor: input.query.cursor)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.DeliveryView.init), nextCursor: page.nextCursor))))
    }

    func getWebhookDelivery(_ input: Operations.GetWebhookDelivery.Input) async throws -> Operations.GetWebhookDelivery.Output {
        let (delivery, attempts) = try await webhooks.delivery(input.path.delivery, of: input.path.id)
        return .ok(.init(body: .json(.init(delivery: .init(delivery), attempts: attempts.map {
            .init(number: $0.number, at: $0.at, status: $0.status, answer: $0.answer, millis: $0.millis)
        }))))
    }

    func replayWebhookDelivery(_ input: Operations.ReplayWebhookDelivery.Input) async throws -> Operations.ReplayWebhookDelivery.Output {
        try await webhooks.replay(input.path.delivery, of: input.path.id)
        return .accepted(.init())
    }
}

extension APIHandler {
    func getStatusPublication(_ input: Operations.GetStatusPublication.Input) async throws -> Operations.GetStatusPublication.Output {
        .ok(.init(body: .json(.init(try await statusPage.publication()))))
    }

    func setStatusPublication(_ input: Operations.SetStatusPublication.Input) async throws -> Operations.SetStatusPublication.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        return .ok(.init(body: .json(.init(try await statusPage.publish(environments: body.environments, services: body.services)))))
    }
}

extension Components.Schemas.StatusPublicationView {
    init(_ publication: StatusPublication) {
        self.init(environments: publication.environments, services: publication.services.map { .init(key: $0.key, name: $0.name) })
    }
}

extension Components.Schemas.SubscriptionView {
    init(_ subscription: Subscription) {
        self.init(id: subscription.id.uuidString.lowercased(), scope: subscription.scope.kind, value: subscription.scope.value,
                  kinds: subscription.kinds.map(\.rawValue).sorted(), channels: subscription.channels.sorted().map(\.rawValue), createdAt: subscription.createdAt)
    }
}

extension Components.Schemas.StakeholderView {
    init(_ stakeholder: Stakeholder) {
        var language: String?
        if case .address(_, let chosen) = stakeholder.party { language = chosen }
        self.init(kind: .init(rawValue: stakeholder.party.kind) ?? .user, name: stakeholder.party.name, language: language,
                  addedBy: stakeholder.addedBy, addedAt: stakeholder.addedAt)
    }
}

extension Components.Schemas.WebhookView {
    init(_ endpoint: WebhookEndpoint) {
        self.init(id: endpoint.id.uuidString.lowercased(), name: endpoint.name, url: endpoint.url, kinds: endpoint.kinds.map(\.rawValue).sorted(),
                  format: .init(rawValue: endpoint.format.rawValue) ?? .standard, owner: endpoint.owner, enabled: endpoint.enabled,
                  disabledReason: endpoint.disabledReason, failingSince: endpoint.failingSince, lastSuccessAt: endpoint.lastSuccessAt,
                  createdAt: endpoint.createdAt)
    }
}

extension Components.Schemas.DeliveryView {
    init(_ delivery: Delivery) {
        self.init(id: delivery.id, kind: delivery.notice.kind.rawValue, state: .init(rawValue: delivery.state.rawValue) ?? .pending,
                  attempts: delivery.attempts, nextAt: delivery.nextAt, lastStatus: delivery.lastStatus, lastAnswer: delivery.lastAnswer,
                  lastAt: delivery.lastAt, createdAt: delivery.createdAt, deliveredAt: delivery.deliveredAt)
    }
}
