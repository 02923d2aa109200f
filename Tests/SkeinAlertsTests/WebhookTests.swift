import Foundation
import Hummingbird
import SkeinAlerts
import SkeinCore
import SkeinTesting
import Testing

private func notification(resolvedAt: UInt64? = nil) -> AlertNotification {
    let rule = AlertRule(name: "CheckoutErrors", metric: .errorRate, service: "checkout", comparison: .above, threshold: 0.05,
                         severity: "critical", labels: ["team": "payments"])
    let snapshot = AlertSnapshot(rule: rule, state: resolvedAt == nil ? .firing : .resolved, value: 0.125,
                                 activeSinceNanos: 1_767_225_600_000_000_000, firingSinceNanos: 1_767_225_660_000_000_000)
    return AlertNotification(alert: snapshot, resolvedAtNanos: resolvedAt)
}

/// Waits until `condition` holds (bounded: 10 s).
private func eventually(_ condition: () -> Bool) async throws {
    for _ in 0..<1_000 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
}

struct AlertmanagerPayloadTests {
    @Test func aFiringAlertInAlertmanagersWebhookShape() throws {
        let body = AlertmanagerPayload.body(notification(), receiver: "skein", externalURL: "http://skein:16686/")
        let fields = try JSONValue(parsing: body)
        #expect(fields["version"] == .string("4"))
        #expect(fields["status"] == .string("firing"))
        #expect(fields["receiver"] == .string("skein"))
        #expect(fields["externalURL"] == .string("http://skein:16686/"))
        let alerts = try JSONValue(parsing: body).render()
        #expect(alerts.contains(#""startsAt":"2026-01-01T00:01:00Z","endsAt":"0001-01-01T00:00:00Z""#))
        #expect(alerts.contains(#""labels":{"alertname":"CheckoutErrors","service":"checkout","severity":"critical","team":"payments"}"#))
        #expect(alerts.contains(#""generatorURL":"http://skein:16686/#/services/checkout""#))
        #expect(alerts.contains(#""description":"error rate of checkout is 12.5% over the last 5m0s (threshold > 5%)""#))
        #expect(alerts.contains(#""groupLabels":{"alertname":"CheckoutErrors"}"#))
    }

    @Test func aResolvedAlertEnds() throws {
        let body = String(decoding: AlertmanagerPayload.body(notification(resolvedAt: 1_767_225_900_000_000_000), receiver: "r", externalURL: "http://x"), as: UTF8.self)
        #expect(body.contains(#""status":"resolved""#))
        #expect(body.contains(#""endsAt":"2026-01-01T00:05:00Z""#))
    }

    @Test func theFingerprintNamesTheLabelSet() {
        let one = AlertmanagerPayload.fingerprint(["alertname": "A", "service": "cart"])
        #expect(one.count == 16 && one.allSatisfy(\.isHexDigit))
        #expect(one == AlertmanagerPayload.fingerprint(["service": "cart", "alertname": "A"]))
        #expect(one != AlertmanagerPayload.fingerprint(["alertname": "A", "service": "carts"]))
        #expect(AlertmanagerPayload.fingerprint(["a": "bc"]) != AlertmanagerPayload.fingerprint(["ab": "c"]))
    }
}

@Suite(.serialized) struct WebhookNotifierTests {
    static func settings(_ port: Int, attempts: Int = 5) -> WebhookSettings {
        var settings = WebhookSettings(url: "http://127.0.0.1:\(port)/hook")
        settings.maxAttempts = attempts
        settings.initialBackoffNanos = 10_000_000
        settings.timeoutNanos = 2_000_000_000
        return settings
    }

    @Test func serverErrorsAreRetriedUntilDelivered() async throws {
        let receiver = try await WebhookReceiver(answers: [500, 503])
        defer { receiver.stop() }
        let notifier = WebhookNotifier(settings: Self.settings(receiver.port), externalURL: "http://skein")
        let delivery = Task { await notifier.run() }
        notifier.notify(notification())
        try await eventually { notifier.stats.sent == 1 }
        notifier.finish()
        await delivery.value
        let stats = notifier.stats
        #expect(stats.sent == 1 && stats.failed == 0 && stats.retries == 2 && stats.dropped == 0)
        #expect(stats.lastError == "webhook answered 503")
        #expect(receiver.bodies.count == 3)
        #expect(Set(receiver.bodies).count == 1, "every attempt sends the same body")
        let json = try JSONValue(parsing: receiver.bodies[0]).render()
        #expect(json.contains(#""status":"firing""#))
    }

    @Test func aClientErrorIsNotRetried() async throws {
        let receiver = try await WebhookReceiver(answers: [400])
        defer { receiver.stop() }
        let notifier = WebhookNotifier(settings: Self.settings(receiver.port), externalURL: "http://skein")
        let delivery = Task { await notifier.run() }
        notifier.notify(notification())
        notifier.finish()
        await delivery.value
        #expect(notifier.stats.failed == 1 && notifier.stats.retries == 0 && notifier.stats.sent == 0)
        #expect(notifier.stats.lastError == "webhook refused the notification with 400")
        #expect(receiver.bodies.count == 1)
    }

    @Test func anUnreachableReceiverFailsAfterItsAttempts() async throws {
        // A port that was free a moment ago: nothing listens there.
        let receiver = try await WebhookReceiver()
        let port = receiver.port
        receiver.stop()
        try await Task.sleep(for: .milliseconds(200))
        var settings = Self.settings(port, attempts: 3)
        settings.timeoutNanos = 300_000_000
        let notifier = WebhookNotifier(settings: settings, externalURL: "http://skein")
        let delivery = Task { await notifier.run() }
        notifier.notify(notification())
        notifier.notify(notification(resolvedAt: 1_767_225_900_000_000_000))
        notifier.finish()
        await delivery.value
        #expect(notifier.stats.failed == 2 && notifier.stats.retries == 4 && notifier.stats.sent == 0)
        #expect(notifier.stats.lastError?.hasPrefix("webhook unreachable") == true)
    }

    @Test func aFullQueueDropsAndCounts() async throws {
        var settings = Self.settings(1)
        settings.queueCapacity = 2
        let notifier = WebhookNotifier(settings: settings, externalURL: "http://skein")
        for _ in 0..<5 { notifier.notify(notification()) }  // nothing delivers yet
        #expect(notifier.stats.dropped == 3)
    }
}
