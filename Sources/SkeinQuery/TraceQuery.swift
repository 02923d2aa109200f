import SkeinCore
import SkeinOTLP

/// A trace search (jaeger-api.md §3). A trace matches when one span satisfies every filter at
/// once: service, operation, duration, start time and all tags.
package struct TraceQuery: Sendable, Equatable {
    package var service: String
    package var operation: String?
    /// Pairs that must all match one span; keys may repeat.
    package var tags: [(key: String, value: String)]
    package var minDurationNanos: Int64?
    package var maxDurationNanos: Int64?
    /// Span start time range, inclusive, in nanoseconds since the epoch.
    package var startMinNanos: UInt64
    package var startMaxNanos: UInt64
    /// Most recent traces to return.
    package var limit: Int

    package init(service: String, operation: String? = nil, tags: [(key: String, value: String)] = [],
                 minDurationNanos: Int64? = nil, maxDurationNanos: Int64? = nil,
                 startMinNanos: UInt64, startMaxNanos: UInt64, limit: Int = 100) {
        self.service = service
        self.operation = operation
        self.tags = tags
        self.minDurationNanos = minDurationNanos
        self.maxDurationNanos = maxDurationNanos
        self.startMinNanos = startMinNanos
        self.startMaxNanos = startMaxNanos
        self.limit = limit
    }

    package static func == (lhs: TraceQuery, rhs: TraceQuery) -> Bool {
        lhs.service == rhs.service && lhs.operation == rhs.operation
            && lhs.tags.map { [$0.key, $0.value] } == rhs.tags.map { [$0.key, $0.value] }
            && lhs.minDurationNanos == rhs.minDurationNanos && lhs.maxDurationNanos == rhs.maxDurationNanos
            && lhs.startMinNanos == rhs.startMinNanos && lhs.startMaxNanos == rhs.startMaxNanos && lhs.limit == rhs.limit
    }

    /// Whether any span of the trace satisfies all filters.
    func matches(_ resourceSpans: [OTLPResourceSpans]) -> Bool {
        for item in resourceSpans where ValidatedExport.serviceName(of: item.resource) == service {
            for scopeSpans in item.scopeSpans {
                for span in scopeSpans.spans where matches(span, scope: scopeSpans.scope, resource: item.resource) {
                    return true
                }
            }
        }
        return false
    }

    func matches(_ span: OTLPSpan, scope: OTLPScope, resource: OTLPResource) -> Bool {
        if let operation, span.name != operation { return false }
        guard span.startTimeUnixNano >= startMinNanos, span.startTimeUnixNano <= startMaxNanos else { return false }
        let duration = Int64(clamping: span.endTimeUnixNano) - Int64(clamping: span.startTimeUnixNano)
        if let minDurationNanos, duration < minDurationNanos { return false }
        if let maxDurationNanos, duration > maxDurationNanos { return false }
        return tags.allSatisfy { tag in Self.spanHasTag(span, scope: scope, resource: resource, key: tag.key, value: tag.value) }
    }

    /// A tag matches span, resource and event attributes by the value's string form, plus the
    /// fields Jaeger shows as tags: `error`, `span.kind`, `otel.status_code`, `otel.scope.name`.
    static func spanHasTag(_ span: OTLPSpan, scope: OTLPScope, resource: OTLPResource, key: String, value: String) -> Bool {
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
