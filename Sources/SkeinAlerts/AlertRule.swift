package import SkeinCore

/// One rule of the `alerts.rules` configuration: a metric of a service (or of a dependency
/// edge) over a trailing window, compared with a threshold, that must hold for `forNanos`
/// before the alert fires.
package struct AlertRule: Sendable, Equatable {
    package enum Metric: Sendable, Equatable {
        /// The `quantile` (0–1) of span durations, in milliseconds.
        case latency(quantile: Double)
        /// ERROR spans over all spans, 0–1.
        case errorRate
        /// Spans per second.
        case callRate
        /// The error rate of calls from `service` to `callee` (the dependency edge).
        case edgeErrorRate(callee: String)

        /// The name the configuration and the API use.
        package var name: String {
            switch self {
            case .latency: "latency"
            case .errorRate: "error_rate"
            case .callRate: "call_rate"
            case .edgeErrorRate: "edge_error_rate"
            }
        }

        /// How a value of this metric reads for a person.
        func describe(_ value: Double) -> String {
            switch self {
            case .latency: JSONWriter.shortest((value * 1_000).rounded() / 1_000) + " ms"
            case .errorRate, .edgeErrorRate: JSONWriter.shortest((value * 10_000).rounded() / 100) + "%"
            case .callRate: JSONWriter.shortest((value * 1_000).rounded() / 1_000) + "/s"
            }
        }
    }

    package enum Comparison: String, Sendable, CaseIterable {
        case above = ">"
        case atLeast = ">="
        case below = "<"
        case atMost = "<="

        package func holds(_ value: Double, _ threshold: Double) -> Bool {
            switch self {
            case .above: value > threshold
            case .atLeast: value >= threshold
            case .below: value < threshold
            case .atMost: value <= threshold
            }
        }
    }

    /// Unique among the rules; the alert's `alertname`.
    package var name: String
    package var metric: Metric
    package var service: String
    /// One operation of the service, or nil for all of them (not for edge rules).
    package var operation: String?
    /// The span kinds counted (not for edge rules). Default server and consumer, as the
    /// service metrics count.
    package var kinds: Set<SpanKind>
    package var comparison: Comparison
    /// In the metric's unit: milliseconds for latency, 0–1 for rates, per second for calls.
    package var threshold: Double
    package var windowNanos: UInt64
    package var forNanos: UInt64
    package var severity: String
    /// Extra labels of the alert (team, runbook, …).
    package var labels: [String: String]
    /// The `summary` annotation; nil writes one from the rule.
    package var summary: String?
    /// Whose rollups the rule reads; with tenancy on, each rule belongs to one tenant and only
    /// that tenant's API shows it.
    package var tenant: Tenant

    package init(name: String, metric: Metric, service: String, operation: String? = nil,
                 kinds: Set<SpanKind> = [.server, .consumer], comparison: Comparison, threshold: Double,
                 windowNanos: UInt64 = 300_000_000_000, forNanos: UInt64 = 60_000_000_000, severity: String = "warning",
                 labels: [String: String] = [:], summary: String? = nil, tenant: Tenant = .single) {
        self.tenant = tenant
        self.name = name
        self.metric = metric
        self.service = service
        self.operation = operation
        self.kinds = kinds
        self.comparison = comparison
        self.threshold = threshold
        self.windowNanos = windowNanos
        self.forNanos = forNanos
        self.severity = severity
        self.labels = labels
        self.summary = summary
    }

    /// The alert's labels: the rule's own, then alertname, severity, service and what else
    /// names the series (set by Skein, so a rule cannot overwrite them).
    package var alertLabels: [String: String] {
        var all = labels
        all["alertname"] = name
        all["severity"] = severity
        all["service"] = service
        if let operation { all["operation"] = operation }
        if case .edgeErrorRate(let callee) = metric { all["callee"] = callee }
        if !tenant.name.isEmpty { all["tenant"] = tenant.name }
        return all
    }

    /// What the rule watches, e.g. "p99 latency of checkout POST /pay".
    var subject: String {
        let target = operation.map { "\(service) \($0)" } ?? service
        switch metric {
        case .latency(let quantile): return "p\(JSONWriter.shortest(quantile * 100)) latency of \(target)"
        case .errorRate: return "error rate of \(target)"
        case .callRate: return "call rate of \(target)"
        case .edgeErrorRate(let callee): return "error rate of calls from \(service) to \(callee)"
        }
    }

    func annotations(value: Double) -> [String: String] {
        let condition = "\(comparison.rawValue) \(metric.describe(threshold))"
        return [
            "summary": summary ?? "\(subject) is \(metric.describe(value))",
            "description": "\(subject) is \(metric.describe(value)) over the last \(GoDuration.format(nanos: Int64(windowNanos))) (threshold \(condition))",
        ]
    }
}
