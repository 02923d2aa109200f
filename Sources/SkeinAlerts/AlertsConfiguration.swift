/// The `alerts` section of the configuration.
package struct AlertsConfiguration: Sendable, Equatable {
    /// `alerts.evaluation_interval`: how often every rule is evaluated. Default 15 s.
    package var evaluationIntervalNanos: UInt64 = 15_000_000_000
    /// `alerts.repeat_interval`: how often a still-firing alert is notified again. Default 4 h.
    package var repeatIntervalNanos: UInt64 = 4 * 3_600_000_000_000
    /// `alerts.external_url`: the viewer's address as receivers should link to it; empty means
    /// the query server's own `http://host:port`.
    package var externalURL: String = ""
    /// `alerts.webhook.*`; nil (no `url`) sends no notifications.
    package var webhook: WebhookSettings?
    /// `alerts.rules`.
    package var rules: [AlertRule] = []

    package init() {}
}
