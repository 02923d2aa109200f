import Prometheus
package import SkeinTelemetry

/// An OTLP transport, as the `transport` label of the ingest metrics.
package enum IngestTransport: String, Sendable, CaseIterable {
    case grpc, http
}

/// What ingest counts, per transport: requests by outcome, spans received, accepted and refused
/// by reason, and how long each request took. Updated once per request, never per span.
///
/// Every label value is created up front, so a series reads 0 rather than being missing before
/// its first event, and label values stay a closed set.
package struct IngestMetrics: Sendable {
    /// Why spans were refused: `invalid` through `partial_success` (bad IDs), `over_trace_limit`
    /// through `partial_success` too (`otlp.limits.max_spans_per_trace`), the others because
    /// the whole batch was (`IngestError.reason`).
    static let spanRefusalReasons = ["invalid", "over_trace_limit", "unavailable", "internal"]

    private struct Series: Sendable {
        let requests: [String: Prometheus.Counter]
        let received: Prometheus.Counter
        let accepted: Prometheus.Counter
        let refused: [String: Prometheus.Counter]
        let duration: DurationHistogram
    }

    private let series: [IngestTransport: Series]

    package init(telemetry: Telemetry) {
        var series: [IngestTransport: Series] = [:]
        for transport in IngestTransport.allCases {
            let label = ("transport", transport.rawValue)
            var requests: [String: Prometheus.Counter] = [:]
            for outcome in ["accepted"] + IngestError.reasons {
                requests[outcome] = telemetry.counter("ingest", "requests", help: "OTLP export requests, by outcome: accepted or the reason the whole request was refused.",
                                                      labels: [label, ("outcome", outcome)])
            }
            var refused: [String: Prometheus.Counter] = [:]
            for reason in Self.spanRefusalReasons {
                refused[reason] = telemetry.counter("ingest", "spans_refused", help: "Spans decoded but not acknowledged, by reason.",
                                                    labels: [label, ("reason", reason)])
            }
            series[transport] = Series(
                requests: requests,
                received: telemetry.counter("ingest", "spans_received", help: "Spans in decoded export requests.", labels: [label]),
                accepted: telemetry.counter("ingest", "spans_accepted", help: "Spans acknowledged: durable, or deliberately sampled out.", labels: [label]),
                refused: refused,
                duration: telemetry.latency("ingest", "export_duration", help: "OTLP export request duration, from receiving the request to the response.",
                                            labels: [label]))
        }
        self.series = series
    }

    /// A request finished, acknowledged (`error` nil) or refused as a whole.
    func requestFinished(_ transport: IngestTransport, error: IngestError?, duration: Duration) {
        guard let series = series[transport] else { return }
        series.requests[error?.reason ?? "accepted"]?.increment()
        series.duration.record(duration)
    }

    /// A request decoded to `received` spans, of which `rejected` failed validation.
    func spansDecoded(_ transport: IngestTransport, received: Int, rejected: Int, overTraceLimit: Int = 0) {
        guard let series = series[transport] else { return }
        series.received.increment(by: Int64(received))
        if rejected > 0 { series.refused["invalid"]?.increment(by: Int64(rejected)) }
        if overTraceLimit > 0 { series.refused["over_trace_limit"]?.increment(by: Int64(overTraceLimit)) }
    }

    /// The next stage took `count` spans (`error` nil) or refused them all.
    func spansHandedOff(_ transport: IngestTransport, count: Int, error: IngestError?) {
        guard let series = series[transport], count > 0 else { return }
        if let error {
            series.refused[error.reason]?.increment(by: Int64(count))
        } else {
            series.accepted.increment(by: Int64(count))
        }
    }
}
