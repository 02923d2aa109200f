/// What a redaction rule does to the value of an attribute it selects.
package enum RedactionAction: String, Sendable, Equatable {
    /// Remove the attribute.
    case drop
    /// Replace the value with a salted digest of its search form (a string).
    case hash
    /// Replace the parts of a string value a pattern matches; other value types are kept.
    case mask
}

/// A compiled rule set the export reader consults once per attribute. SkeinOTLP only declares
/// it, so the fuzz targets build without the regex and digest code (SkeinRedaction implements it).
package protocol AttributeRedactor: Sendable {
    /// The first rule that selects `key`, or nil. The reader remembers the answer per key for
    /// the rest of a request, so a pattern rule costs one match per distinct key per request.
    func rule(forKey key: String) -> Int?
    func action(of rule: Int) -> RedactionAction
    /// The new value under a hash or mask rule, or nil when a mask matched nothing.
    func redact(_ text: String, rule: Int) -> String?
}

/// Per-span limits applied at ingest, like the OpenTelemetry SDK's span limits
/// (https://opentelemetry.io/docs/specs/otel/trace/sdk/#span-limits). What is over a limit is
/// dropped and added to the span's `dropped_*_count`, so viewers still show data was dropped.
package struct SpanLimits: Sendable, Equatable {
    /// `otlp.limits.max_attributes_per_span`: attributes kept per span (and per event and link),
    /// the first ones in order. Default 128.
    package var maxAttributesPerSpan: Int
    /// `otlp.limits.max_attribute_value_length`: bytes of a string value kept, cut on a UTF-8
    /// boundary. Default 4096.
    package var maxAttributeValueLength: Int
    /// `otlp.limits.max_events_per_span`. Default 128.
    package var maxEventsPerSpan: Int
    /// `otlp.limits.max_links_per_span`. Default 128.
    package var maxLinksPerSpan: Int
    /// `otlp.limits.max_spans_per_request`: a request with more spans is refused whole as bad
    /// input (HTTP 400, gRPC INVALID_ARGUMENT). Default 100000.
    package var maxSpansPerRequest: Int

    package init(maxAttributesPerSpan: Int = 128, maxAttributeValueLength: Int = 4096, maxEventsPerSpan: Int = 128,
                 maxLinksPerSpan: Int = 128, maxSpansPerRequest: Int = 100_000) {
        self.maxAttributesPerSpan = maxAttributesPerSpan
        self.maxAttributeValueLength = maxAttributeValueLength
        self.maxEventsPerSpan = maxEventsPerSpan
        self.maxLinksPerSpan = maxLinksPerSpan
        self.maxSpansPerRequest = maxSpansPerRequest
    }

    /// No limits: what library callers and the fuzz checks get unless they ask.
    package static let unlimited = SpanLimits(maxAttributesPerSpan: .max, maxAttributeValueLength: .max, maxEventsPerSpan: .max,
                                              maxLinksPerSpan: .max, maxSpansPerRequest: .max)
}

/// Everything ingest changes in spans before any stage sees them: redaction, then limits.
package struct IngestRewrite: Sendable {
    package var redactor: (any AttributeRedactor)?
    package var limits: SpanLimits
    /// Where the counts of each request's changes are added; nil counts nothing.
    package var counters: RedactionCounters?

    package init(redactor: (any AttributeRedactor)? = nil, limits: SpanLimits = .unlimited, counters: RedactionCounters? = nil) {
        self.redactor = redactor
        self.limits = limits
        self.counters = counters
    }

    /// Changes nothing.
    package static let none = IngestRewrite()
}
