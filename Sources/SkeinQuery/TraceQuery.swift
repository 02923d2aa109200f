package import SkeinCore
import SkeinOTLP
package import SkeinStorage

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
    func matches(_ resourceSpans: [OTLPResourceSpans]) -> Bool {
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

    func matches(_ span: OTLPSpan, scope: OTLPScope, resource: OTLPResource) -> Bool {
        if let operation, span.name != operation { return false }
        guard span.startTimeUnixNano >= startMinNanos, span.startTimeUnixNano <= startMaxNanos else { return false }
        let duration = Int64(clamping: span.endTimeUnixNano) - Int64(clamping: span.startTimeUnixNano)
        if let minDurationNanos, duration < minDurationNanos { return false }
        if let maxDurationNanos, duration > maxDurationNanos { return false }
        return tags.allSatisfy { tag in Self.spanHasTag(span, scope: scope, resource: resource, key: tag.key, value: tag.value) }
    }

    static func startNanos(of trace: [OTLPResourceSpans]) -> UInt64 {
        trace.lazy.flatMap(\.scopeSpans).flatMap(\.spans).map(\.startTimeUnixNano).min() ?? 0
    }

    static func endNanos(of trace: [OTLPResourceSpans]) -> UInt64 {
        trace.lazy.flatMap(\.scopeSpans).flatMap(\.spans).map(\.endTimeUnixNano).max() ?? 0
    }

    /// Tag keys whose match does not come from attributes alone, so the attribute index cannot
    /// stand for them.
    static let derivedTagKeys: Set<String> = ["error", "span.kind", "otel.status_code", "otel.scope.name"]

    /// The index scan that yields every trace this query can match, as narrow as possible: an
    /// indexed attribute, else the operation, else the service, else every trace.
    func scope(policy: AttributeIndexPolicy) -> IndexScope {
        guard let service else { return .allServices }
        for tag in tags where Self.isIndexable(tag, policy: policy) {
            return .attribute(service: service, key: tag.key, value: tag.value)
        }
        if let operation { return .operation(service: service, name: operation, kind: nil) }
        return .service(service)
    }

    /// Whether every span that has this tag has an attribute index entry for it: not a derived
    /// key, and a value that only a scalar of indexable length could have (array and map values
    /// read as JSON text, empty values as "", and neither is indexed).
    static func isIndexable(_ tag: (key: String, value: String), policy: AttributeIndexPolicy) -> Bool {
        guard !derivedTagKeys.contains(tag.key), !tag.value.isEmpty,
              let first = tag.value.first, first != "[", first != "{" else { return false }
        return policy.indexes(key: tag.key, value: tag.value)
    }

    /// Whether an index entry can lead to a match at all, from what the entry knows of its group.
    func mayMatch(_ hit: IndexHit) -> Bool {
        guard hit.latestStartNanos >= startMinNanos, hit.startNanos <= startMaxNanos else { return false }
        if let minDurationNanos, Int64(clamping: hit.maxDurationNanos) < minDurationNanos { return false }
        if let maxDurationNanos, Int64(clamping: hit.minDurationNanos) > maxDurationNanos { return false }
        return true
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
