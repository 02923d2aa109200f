package import SkeinCore
package import SkeinOTLP

/// A trace search (jaeger-api.md §3). A trace matches when one span satisfies every filter at
/// once: service, operation, duration, start time and all tags.
package struct TraceQuery: Sendable, Equatable {
    /// nil: any service.
    package var service: String?
    package var operation: String?
    /// Pairs that must all match one span; keys may repeat.
    package var tags: [(key: String, value: String)]
    /// Span-level duration bounds: one span must last at least / at most this long.
    package var minDurationNanos: Int64?
    package var maxDurationNanos: Int64?
    /// Trace-level bounds: the whole trace (first start to last end) must last this long.
    package var minTraceDurationNanos: Int64?
    package var maxTraceDurationNanos: Int64?
    /// Span start time range, inclusive, in nanoseconds since the epoch.
    package var startMinNanos: UInt64
    package var startMaxNanos: UInt64
    /// Most recent traces to return.
    package var limit: Int

    package init(service: String?, operation: String? = nil, tags: [(key: String, value: String)] = [],
                 minDurationNanos: Int64? = nil, maxDurationNanos: Int64? = nil,
                 minTraceDurationNanos: Int64? = nil, maxTraceDurationNanos: Int64? = nil,
                 startMinNanos: UInt64, startMaxNanos: UInt64, limit: Int = 100) {
        self.service = service
        self.operation = operation
        self.tags = tags
        self.minDurationNanos = minDurationNanos
        self.maxDurationNanos = maxDurationNanos
        self.minTraceDurationNanos = minTraceDurationNanos
        self.maxTraceDurationNanos = maxTraceDurationNanos
        self.startMinNanos = startMinNanos
        self.startMaxNanos = startMaxNanos
        self.limit = limit
    }

    package static func == (lhs: TraceQuery, rhs: TraceQuery) -> Bool {
        lhs.service == rhs.service && lhs.operation == rhs.operation
            && lhs.tags.map { [$0.key, $0.value] } == rhs.tags.map { [$0.key, $0.value] }
            && lhs.minDurationNanos == rhs.minDurationNanos && lhs.maxDurationNanos == rhs.maxDurationNanos
            && lhs.minTraceDurationNanos == rhs.minTraceDurationNanos && lhs.maxTraceDurationNanos == rhs.maxTraceDurationNanos
            && lhs.startMinNanos == rhs.startMinNanos && lhs.startMaxNanos == rhs.startMaxNanos && lhs.limit == rhs.limit
    }

    /// Whether the trace passes the trace-level filters and any one span satisfies all the
    /// span-level ones.
    package func matches(_ resourceSpans: [OTLPResourceSpans]) -> Bool {
        if minTraceDurationNanos != nil || maxTraceDurationNanos != nil {
            let duration = Int64(clamping: Self.endNanos(of: resourceSpans)) - Int64(clamping: Self.startNanos(of: resourceSpans))
            if let minTraceDurationNanos, duration < minTraceDurationNanos { return false }
            if let maxTraceDurationNanos, duration > maxTraceDurationNanos { return false }
        }
        for item in resourceSpans where service == nil || ValidatedExport.serviceName(of: item.resource) == service {
            for scopeSpans in item.scopeSpans {
                for span in scopeSpans.spans where matches(span, scope: scopeSpans.scope, resource: item.resource) {
                    return true
                }
            }
        }
        return false
    }

    package func matches(_ span: OTLPSpan, scope: OTLPScope, resource: OTLPResource) -> Bool {
        if let operation, span.name != operation { return false }
        guard span.startTimeUnixNano >= startMinNanos, span.startTimeUnixNano <= startMaxNanos else { return false }
        let duration = Int64(clamping: span.endTimeUnixNano) - Int64(clamping: span.startTimeUnixNano)
        if let minDurationNanos, duration < minDurationNanos { return false }
        if let maxDurationNanos, duration > maxDurationNanos { return false }
        return tags.allSatisfy { tag in Self.spanHasTag(span, scope: scope, resource: resource, key: tag.key, value: tag.value) }
    }

    package static func startNanos(of trace: [OTLPResourceSpans]) -> UInt64 {
        trace.lazy.flatMap(\.scopeSpans).flatMap(\.spans).map(\.startTimeUnixNano).min() ?? 0
    }

    package static func endNanos(of trace: [OTLPResourceSpans]) -> UInt64 {
        trace.lazy.flatMap(\.scopeSpans).flatMap(\.spans).map(\.endTimeUnixNano).max() ?? 0
    }

    /// A tag matches span, resource and event attributes by the value's string form, plus the
    /// fields Jaeger shows as tags: `error`, `span.kind`, `otel.status_code`, `otel.scope.name`.
    package static func spanHasTag(_ span: OTLPSpan, scope: OTLPScope, resource: OTLPResource, key: String, value: String) -> Bool {
        func hasAttribute(_ attributes: [OTLPKeyValue]) -> Bool {
            attributes.contains { $0.key == key && AttributeText.searchForm($0.value) == value }
        }
        switch key {
        case "error" where value == "true" && span.status.code == .error: return true
        case "span.kind" where SpanKind(otlp: Int32(span.kind.rawValue)).jaegerName == value: return true
        case "otel.status_code" where (span.status.code == .error && value == "ERROR") || (span.status.code == .ok && value == "OK"):
            return true
        case "otel.scope.name" where scope.name == value: return true
        default: break
        }
        return hasAttribute(span.attributes) || hasAttribute(resource.attributes)
            || span.events.contains { hasAttribute($0.attributes) }
    }
}
