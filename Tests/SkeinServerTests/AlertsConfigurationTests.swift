import SkeinAlerts
import SkeinCore
import Testing
@testable import SkeinServer

@Suite struct AlertsConfigurationTests {
    func load(_ yaml: String) throws -> AlertsConfiguration {
        try SkeinConfiguration(settings: try ConfigurationSettings(yaml: yaml)).alerts
    }

    @Test func everyMetricAndItsFields() throws {
        let alerts = try load("""
        alerts:
          evaluation_interval: 5s
          repeat_interval: 1h
          external_url: https://skein.example.com
          webhook:
            url: http://127.0.0.1:9093/api/hook
            timeout: 2s
            max_attempts: 3
          rules:
            - {name: CheckoutSlow, metric: latency, quantile: 0.95, service: checkout, operation: POST /pay, comparison: ">", threshold: 1.5s, window: 10m, for: 2m, severity: critical, labels: {team: payments}, summary: Checkout is slow}
            - {name: CartErrors, metric: error_rate, service: cart, span_kinds: [client], comparison: ">=", threshold: 0.05}
            - {name: Quiet, metric: call_rate, service: web, comparison: "<", threshold: 2}
            - {name: PayEdge, metric: edge_error_rate, service: checkout, callee: payment, comparison: "<=", threshold: 0.5, for: 0s}
        """)
        #expect(alerts.evaluationIntervalNanos == 5_000_000_000 && alerts.repeatIntervalNanos == 3_600_000_000_000)
        #expect(alerts.externalURL == "https://skein.example.com")
        #expect(alerts.webhook?.url == "http://127.0.0.1:9093/api/hook")
        #expect(alerts.webhook?.timeoutNanos == 2_000_000_000 && alerts.webhook?.maxAttempts == 3)
        #expect(alerts.rules == [
            AlertRule(name: "CheckoutSlow", metric: .latency(quantile: 0.95), service: "checkout", operation: "POST /pay",
                      comparison: .above, threshold: 1_500, windowNanos: 600_000_000_000, forNanos: 120_000_000_000,
                      severity: "critical", labels: ["team": "payments"], summary: "Checkout is slow"),
            AlertRule(name: "CartErrors", metric: .errorRate, service: "cart", kinds: [.client], comparison: .atLeast, threshold: 0.05),
            AlertRule(name: "Quiet", metric: .callRate, service: "web", comparison: .below, threshold: 2),
            AlertRule(name: "PayEdge", metric: .edgeErrorRate(callee: "payment"), service: "checkout", comparison: .atMost,
                      threshold: 0.5, forNanos: 0),
        ])
    }

    @Test func noWebhookWithoutAURL() throws {
        #expect(try load("alerts:\n  webhook:\n    url: \"\"\n").webhook == nil)
        #expect(try load("") == AlertsConfiguration())
    }

    static let rules = "alerts:\n  rules:\n"

    @Test(arguments: [
        (rules + "    - {name: a, metric: latency, service: s, comparison: \">\", threshold: 5}", "'alerts.rules[0].threshold' must be a duration for latency, e.g. 500ms or 1.5s (got '5')"),
        (rules + "    - {name: a, metric: error_rate, service: s, comparison: \">\", threshold: 5}", "'alerts.rules[0].threshold' must be a share from 0 to 1, e.g. 0.05 for 5% (got '5')"),
        (rules + "    - {name: a, metric: errors, service: s, comparison: \">\", threshold: 1}", "'alerts.rules[0].metric' must be one of latency, error_rate, call_rate, edge_error_rate (got 'errors')"),
        (rules + "    - {name: a, metric: call_rate, service: s, comparison: \"=\", threshold: 1}", "'alerts.rules[0].comparison' must be one of >, >=, <, <= (got '=')"),
        (rules + "    - {name: a, metric: call_rate, comparison: \">\", threshold: 1}", "'alerts.rules[0].service' is required"),
        (rules + "    - {name: a, metric: edge_error_rate, service: s, comparison: \">\", threshold: 1}", "'alerts.rules[0].callee' is required"),
        (rules + "    - {name: a, metric: call_rate, service: s, quantile: 0.9, comparison: \">\", threshold: 1}", "'alerts.rules[0].quantile' applies only to metric latency"),
        (rules + "    - {name: a, metric: call_rate, service: s, comparison: \">\", threshold: 1, window: 2d}", "'alerts.rules[0].window' must be a duration from 1m0s to 24h0m0s"),
        (rules + "    - {name: a, metric: call_rate, service: s, comparison: \">\", threshold: 1, colour: red}", "'alerts.rules[0].colour' is not a field of an alert rule"),
        (rules + "    - {name: a, metric: call_rate, service: s, comparison: \">\", threshold: 1}\n    - {name: a, metric: call_rate, service: t, comparison: \">\", threshold: 1}", "'alerts.rules[1].name' 'a' is already the name of another rule"),
        (rules + "    - {name: a, metric: call_rate, service: s, comparison: \">\", threshold: 1, labels: {1x: y}}", "'alerts.rules[0].labels.1x' a label name must be letters"),
        (rules + "    - {name: a, metric: call_rate, service: s, comparison: \">\", threshold: 1, span_kinds: [sever]}", "'alerts.rules[0].span_kinds[0]' must be server, client"),
        ("alerts:\n  webhook:\n    url: ftp://x", "'alerts.webhook.url' must be an http:// or https:// URL (got 'ftp://x')"),
        ("alerts:\n  evaluation_interval: 100ms", "'alerts.evaluation_interval' must be a duration from 1s to 1h0m0s"),
        ("alerts:\n  rules: {name: a}", "'alerts.rules' must be a list of rules"),
        ("query:\n  max_tail_subscribers: 0", "'query.max_tail_subscribers' must be a whole number from 1 to 10000 (got '0')"),
    ])
    func invalidAlertsNameTheKeyAndTheRule(yaml: String, message: String) {
        #expect { try load(yaml) } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("invalid configuration: " + message) && !text.contains("\n")
        }
    }
}
