/// The unit every ingest stage hands to the next: the spans of one export request that passed
/// validation, grouped by the resource and scope that produced them.
///
/// The span and resource payloads stay in OTLP protobuf encoding (`encodedSpan`,
/// `encodedResourceScope`), so storage keeps exactly what was received and no stage needs the
/// wire types; the fields next to them are what indexing needs.
package struct SpanBatch: Sendable {
    /// Whose data this is. Every storage key begins with it.
    package var tenant: Tenant
    package var groups: [ResourceGroup]
    /// Rollup changes computed from every span of the request before sampling. They are written
    /// even when sampling removes every span from the batch.
    package var rollups: [RollupDelta]

    package init(tenant: Tenant, groups: [ResourceGroup], rollups: [RollupDelta] = []) {
        self.tenant = tenant
        self.groups = groups
        self.rollups = rollups
    }

    package var spanCount: Int { groups.reduce(0) { $0 + $1.spans.count } }
}

/// Spans that share one resource and one instrumentation scope.
package struct ResourceGroup: Sendable {
    /// `service.name` of the resource, or `unknown_service` when it has none.
    package var serviceName: String
    /// A serialized OTLP `ResourceSpans` holding the resource, its schema URL and one
    /// `ScopeSpans` with the scope and its schema URL, but no spans.
    package var encodedResourceScope: [UInt8]
    /// Resource attributes to index (they apply to every span of the group).
    package var resourceAttributes: [IndexedAttribute]
    package var spans: [BatchSpan]

    package init(serviceName: String, encodedResourceScope: [UInt8], resourceAttributes: [IndexedAttribute] = [],
                 spans: [BatchSpan]) {
        self.serviceName = serviceName
        self.encodedResourceScope = encodedResourceScope
        self.resourceAttributes = resourceAttributes
        self.spans = spans
    }
}

/// One validated span: the fields indexes need, and the span's own OTLP protobuf bytes.
package struct BatchSpan: Sendable {
    package var traceID: TraceID
    package var spanID: SpanID
    package var name: String
    package var kind: SpanKind
    package var startNanos: UInt64
    package var endNanos: UInt64
    /// The parent's ID, or nil when the span has none (the trace's root, or a root of a fragment).
    package var parentSpanID: SpanID?
    /// True when the span's status is ERROR.
    package var isError: Bool
    /// The W3C `tracestate` the span was recorded with (consistent sampling reads `ot=th:`).
    package var traceState: String
    /// For client and producer spans, the callee named by `peer.service`, `service.peer.name` or
    /// `server.address` (first present wins): a dependency edge when the callee never reports.
    package var peerService: String?
    /// Span and event attributes to index, each once.
    package var attributes: [IndexedAttribute]
    /// A serialized OTLP `Span` message.
    package var encodedSpan: [UInt8]

    package init(traceID: TraceID, spanID: SpanID, name: String, kind: SpanKind, startNanos: UInt64, endNanos: UInt64,
                 parentSpanID: SpanID? = nil, isError: Bool = false, traceState: String = "", peerService: String? = nil,
                 attributes: [IndexedAttribute] = [], encodedSpan: [UInt8]) {
        self.traceID = traceID
        self.spanID = spanID
        self.name = name
        self.kind = kind
        self.startNanos = startNanos
        self.endNanos = endNanos
        self.parentSpanID = parentSpanID
        self.isError = isError
        self.traceState = traceState
        self.peerService = peerService
        self.attributes = attributes
        self.encodedSpan = encodedSpan
    }

    /// True when the span has no parent (the trace's root, or a root of a fragment).
    package var isRoot: Bool { parentSpanID == nil }

    /// `endNanos - startNanos`, or 0 when the end is before the start.
    package var durationNanos: UInt64 { endNanos >= startNanos ? endNanos - startNanos : 0 }
}

/// The hand-off every pipeline stage speaks (modelled on the Collector's `consumer.Traces`).
///
/// The consumer owns the batch once called. A normal return means every span in it is durable
/// (in the write-ahead log) or was deliberately dropped by policy; only then may a receiver
/// acknowledge. A thrown `RetryableError` means nothing was acknowledged and the sender should
/// retry later; any other error is permanent for this data.
package protocol SpanBatchConsumer: Sendable {
    func consume(_ batch: SpanBatch) async throws
}

/// Marks a failure the sender may retry (overload, storage hiccup), as opposed to bad data.
package protocol RetryableError: Error {
    /// How long the sender should wait before retrying, in seconds.
    var retryAfterSeconds: Int { get }
}

/// Whose data a request carries. Until multi-tenancy lands there is one fixed tenant, but keys
/// already start with it so isolation never needs a re-layout.
package struct Tenant: Hashable, Sendable {
    package var name: String

    package init(_ name: String) { self.name = name }

    /// The tenant used while multi-tenancy is off.
    package static let single = Tenant("")
}
