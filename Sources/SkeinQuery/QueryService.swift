package import SkeinCore
package import SkeinOTLP
package import SkeinStorage

/// Answers queries from what a `TraceReader` returns; knows nothing of RocksDB or HTTP.
package struct QueryService: Sendable {
    private let reader: any TraceReader

    package init(reader: any TraceReader) { self.reader = reader }

    package func services(tenant: Tenant) async throws -> [String] {
        try await reader.services(tenant: tenant)
    }

    /// Operations of a service, optionally only those of one span kind.
    package func operations(of service: String, kind: SpanKind?, tenant: Tenant) async throws -> [StoredOperation] {
        let all = try await reader.operations(of: service, tenant: tenant)
        guard let kind else { return all }
        return all.filter { $0.kind == kind }
    }

    /// The whole trace as OTLP resource spans; nil when no span of it is stored.
    package func trace(_ traceID: TraceID, tenant: Tenant) async throws -> [OTLPResourceSpans]? {
        let spans = try await reader.spans(of: traceID, tenant: tenant)
        guard !spans.isEmpty else { return nil }
        return try StoredTraceDecoder.decode(spans.map {
            StoredTraceDecoder.Item(envelopeKey: withUnsafeBytes(of: $0.envelopeReference) { Array($0) },
                                    envelope: $0.envelope, span: $0.span)
        })
    }

    /// A found trace with its start time (earliest span start).
    package struct Found: Sendable {
        package var traceID: TraceID
        package var startNanos: UInt64
        package var resourceSpans: [OTLPResourceSpans]
    }

    /// The `limit` matching traces with the latest start times, newest first.
    ///
    /// Walks the service index newest first. An index entry's time is never later than its
    /// trace's start, so once `limit` matches are held and the walk reaches entries older than
    /// the oldest of them, no later candidate can displace one: the answer is exact.
    package func search(_ query: TraceQuery, tenant: Tenant) async throws -> [Found] {
        guard query.limit > 0, query.startMinNanos <= query.startMaxNanos else { return [] }
        // An entry covers spans starting up to one minute after its own time.
        let oldest = query.startMinNanos >= 60_000_000_000 ? query.startMinNanos - 60_000_000_000 : 0
        var examined = Set<TraceID>()
        var found: [Found] = []  // kept sorted, newest first
        var cursor: IndexCursor? = nil
        scan: while true {
            try Task.checkCancellation()
            let page = try await reader.serviceIndex(query.service, tenant: tenant, newestStartNanos: query.startMaxNanos,
                                                     oldestStartNanos: oldest, after: cursor, maxHits: 1_000)
            for hit in page.hits {
                if found.count >= query.limit, let last = found.last, hit.startNanos < last.startNanos { break scan }
                guard examined.insert(hit.traceID).inserted else { continue }
                guard let trace = try await trace(hit.traceID, tenant: tenant), query.matches(trace) else { continue }
                let start = Self.startNanos(of: trace)
                let position = found.firstIndex { $0.startNanos < start || ($0.startNanos == start && $0.traceID < hit.traceID) } ?? found.endIndex
                found.insert(Found(traceID: hit.traceID, startNanos: start, resourceSpans: trace), at: position)
                if found.count > query.limit { found.removeLast() }
            }
            guard let next = page.next else { break }
            cursor = next
        }
        return found
    }

    static func startNanos(of trace: [OTLPResourceSpans]) -> UInt64 {
        var start = UInt64.max
        for item in trace {
            for scopeSpans in item.scopeSpans {
                for span in scopeSpans.spans { start = min(start, span.startTimeUnixNano) }
            }
        }
        return start
    }
}
