package import SkeinCore

/// What the query side reads from storage (modelled on Jaeger's `tracestore.Reader`).
///
/// Results are copies the caller owns. Unknown services or traces give empty results, never
/// errors; errors mean the store could not be read (`StorageError`).
package protocol TraceReader: Sendable {
    /// Every stored span of a trace with its resource/scope envelope, ordered by span ID;
    /// empty when the trace is unknown.
    func spans(of traceID: TraceID, tenant: Tenant) async throws -> [StoredSpan]

    /// Every service that has sent spans, sorted by name.
    func services(tenant: Tenant) async throws -> [String]

    /// The operations of a service with their span kinds, sorted by name then kind.
    func operations(of service: String, tenant: Tenant) async throws -> [StoredOperation]

    /// Service index entries whose group start lies in `[oldestStartNanos, newestStartNanos]`,
    /// newest first, at most `maxHits` of them, continuing after `cursor` when given. The
    /// returned cursor is nil when the range is exhausted. The same trace may appear in several
    /// entries. Each entry's time is the earliest start among the spans of that trace and service
    /// written together within one minute, so a span starting at `t` is covered by an entry in
    /// `[t - 60 s, t]`.
    func serviceIndex(_ service: String, tenant: Tenant, newestStartNanos: UInt64, oldestStartNanos: UInt64,
                      after cursor: IndexCursor?, maxHits: Int) async throws -> (hits: [IndexHit], next: IndexCursor?)
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

package struct IndexHit: Sendable, Equatable {
    package var traceID: TraceID
    package var startNanos: UInt64
}

/// Where a service index scan stopped (the last key it returned).
package struct IndexCursor: Sendable {
    fileprivate(set) var lastKey: [UInt8]
}

extension IndexCursor {
    init(key: [UInt8]) { self.lastKey = key }
}
