package import SkeinCore

/// What the query side reads from storage (modelled on Jaeger's `tracestore.Reader`).
///
/// Results are copies the caller owns. Unknown services or traces give empty results, never
/// errors; errors mean the store could not be read (`StorageError`).
package protocol TraceReader: Sendable {
    /// The stored spans of a trace, each with its resource/scope envelope, at most `limit` of
    /// them (newest partition first, then by span ID), and how many there are in all.
    func trace(_ traceID: TraceID, tenant: Tenant, limit: Int) async throws -> StoredTrace

    /// Every service that sent spans still kept, sorted by name.
    func services(tenant: Tenant) async throws -> [String]

    /// The operations of a service with their span kinds, sorted by name then kind.
    func operations(of service: String, tenant: Tenant) async throws -> [StoredOperation]

    /// Index entries for traces with something in `scope` whose group start lies in
    /// `[oldestStartNanos, newestStartNanos]`, newest first across all partitions. The same trace
    /// may come more than once. See `KeyLayout` for what an entry's time means.
    func candidates(_ scope: IndexScope, tenant: Tenant, newestStartNanos: UInt64, oldestStartNanos: UInt64) async throws
        -> any CandidateStream

    /// The merged summary of a trace; nil when nothing of it is stored.
    func summary(of traceID: TraceID, tenant: Tenant) async throws -> TraceSummary?

    /// Attribute keys indexed for a service, sorted, at most `limit`.
    func attributeKeys(service: String, tenant: Tenant, limit: Int) async throws -> [String]

    /// Values indexed for one attribute key of a service, sorted, at most `limit`.
    func attributeValues(service: String, key: String, tenant: Tenant, limit: Int) async throws -> [String]
}

/// What a candidate index scan covers.
package enum IndexScope: Sendable, Hashable {
    /// Every trace.
    case allServices
    /// Traces with a span of this service.
    case service(String)
    /// Traces with a span of this service, name and kind (nil: any kind).
    case operation(service: String, name: String, kind: SpanKind?)
    /// Traces with a span of this service carrying this indexed attribute (span, event or
    /// resource attribute, by its search form).
    case attribute(service: String, key: String, value: String)
}

/// Index entries in order, newest first, fetched a page at a time.
package protocol CandidateStream: AnyObject, Sendable {
    /// Up to `max` more entries; empty when the scan is done.
    func next(_ max: Int) async throws -> [IndexHit]
}

/// A trace from an index entry, and what the entry knows of its spans in the entry's group
/// (the trace's spans of the entry's subject that one batch wrote, within one minute).
package struct IndexHit: Sendable, Equatable {
    package var traceID: TraceID
    /// The entry's time, the order of the scan: no trace in the entry starts later, and the
    /// group's spans start less than a minute before it.
    package var entryNanos: UInt64
    /// Earliest span start in the group.
    package var startNanos: UInt64
    /// Latest span start in the group.
    package var latestStartNanos: UInt64
    /// Shortest and longest span duration in the group.
    package var minDurationNanos: UInt64
    package var maxDurationNanos: UInt64
}

/// A trace as stored.
package struct StoredTrace: Sendable {
    package var spans: [StoredSpan]
    /// How many spans the trace has in all; more than `spans.count` when the limit cut it.
    package var totalSpans: Int
}

/// One span as stored: its OTLP protobuf bytes and the envelope (resource + scope) it came with.
package struct StoredSpan: Sendable {
    /// Identifies the envelope; equal references mean equal envelopes.
    package var envelopeReference: UInt64
    /// A serialized OTLP `ResourceSpans` with the resource and one scope, no spans.
    package var envelope: [UInt8]
    /// A serialized OTLP `Span`.
    package var span: [UInt8]
}

package struct StoredOperation: Sendable, Hashable {
    package var name: String
    package var kind: SpanKind
}

/// A trace at a glance, kept at ingest so lists need not load whole traces.
package struct TraceSummary: Sendable, Equatable {
    package var traceID: TraceID
    /// Service and operation of the earliest root span (no parent); empty when none arrived.
    package var rootService: String
    package var rootOperation: String
    package var startNanos: UInt64
    package var endNanos: UInt64
    /// Spans received (a retried request that was regrouped can count twice).
    package var spanCount: Int
    package var errorCount: Int
    package var services: [String]

    package var durationNanos: UInt64 { endNanos >= startNanos ? endNanos - startNanos : 0 }
}
