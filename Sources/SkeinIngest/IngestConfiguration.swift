package import SkeinOTLP

/// Settings shared by both OTLP receivers (section `otlp` of the configuration file).
package struct IngestConfiguration: Sendable, Equatable {
    /// Bytes of request bodies (after decompression) being decoded or written at once
    /// (`otlp.max_in_flight_mib`). Default 256 MiB. Over it, requests are refused at once with
    /// gRPC UNAVAILABLE + RetryInfo or HTTP 503 + Retry-After.
    package var maxInFlightBytes: Int
    /// The retry delay those refusals suggest (`otlp.retry_after_seconds`). Default 1.
    package var retryAfterSeconds: Int
    /// Per-span limits (`otlp.limits.*`); the defaults are the OpenTelemetry SDK's.
    package var limits: SpanLimits
    /// Spans one trace may store (`otlp.limits.max_spans_per_trace`); more are refused through
    /// `partial_success`. Counted over recent traces in memory (`TraceSpanBudget`). Default 200,000.
    package var maxSpansPerTrace = 200_000

    package init(maxInFlightBytes: Int = 256 << 20, retryAfterSeconds: Int = 1, limits: SpanLimits = SpanLimits()) {
        self.maxInFlightBytes = maxInFlightBytes
        self.retryAfterSeconds = retryAfterSeconds
        self.limits = limits
    }
}
