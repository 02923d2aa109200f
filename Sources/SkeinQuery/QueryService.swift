package import SkeinQueryModel
package import SkeinCore
package import SkeinOTLP
package import SkeinStorage

/// Answers queries from what a `TraceReader` returns; knows nothing of RocksDB or HTTP.
package struct QueryService: Sendable {
    private let reader: any TraceReader
    /// Which attributes the index holds, to know when an attribute scan finds every match.
    private let indexPolicy: AttributeIndexPolicy
    /// Most spans returned for one trace; the rest are counted and reported in a warning.
    package let maxSpansPerTrace: Int
    /// How many traces and how long a time range one search may ask for.
    private let searchLimits: SearchLimits

    package init(reader: any TraceReader, indexPolicy: AttributeIndexPolicy = AttributeIndexPolicy(), maxSpansPerTrace: Int = 50_000,
                 searchLimits: SearchLimits = SearchLimits()) {
        self.reader = reader
        self.searchLimits = searchLimits
        self.indexPolicy = indexPolicy
        self.maxSpansPerTrace = maxSpansPerTrace
    }

    package func services(tenant: Tenant) async throws -> [String] {
        try await reader.services(tenant: tenant)
    }

    /// Operations of a service, optionally only those of one span kind.
    package func operations(of service: String, kind: SpanKind?, tenant: Tenant) async throws -> [StoredOperation] {
        let all = try await reader.operations(of: service, tenant: tenant)
        guard let kind else { return all }
        return all.filter { $0.kind == kind }
    }

    /// A trace read back: its spans as OTLP, and warnings about what was left out.
    package struct Trace: Sendable {
        package var traceID: TraceID
        package var resourceSpans: [OTLPResourceSpans]
        package var warnings: [String]
    }

    /// The whole trace as OTLP resource spans (at most `maxSpansPerTrace` spans); nil when no
    /// span of it is stored.
    package func trace(_ traceID: TraceID, tenant: Tenant) async throws -> Trace? {
        let stored = try await reader.trace(traceID, tenant: tenant, limit: maxSpansPerTrace)
        guard !stored.spans.isEmpty else { return nil }
        let resourceSpans = try StoredTraceDecoder.decode(stored.spans.map {
            StoredTraceDecoder.Item(envelopeKey: withUnsafeBytes(of: $0.envelopeReference) { Array($0) },
                                    envelope: $0.envelope, span: $0.span)
        })
        var warnings: [String] = []
        if stored.totalSpans > stored.spans.count {
            warnings.append("this trace has \(stored.totalSpans) spans; only \(stored.spans.count) are shown (query.max_spans_per_trace)")
        }
        return Trace(traceID: traceID, resourceSpans: resourceSpans, warnings: warnings)
    }

    /// A found trace with its start time (earliest span start).
    package struct Found: Sendable {
        package var trace: Trace
        package var startNanos: UInt64
        package var traceID: TraceID { trace.traceID }
        package var resourceSpans: [OTLPResourceSpans] { trace.resourceSpans }
    }

    /// The `limit` matching traces with the latest start times, newest first.
    ///
    /// Walks the narrowest index that holds every possible match (`TraceQuery.scope`), newest
    /// entry first, skips entries that cannot match (`mayMatch`), and checks each remaining
    /// trace span by span. No trace in an entry starts later than the entry's time, so once
    /// `limit` matches are held and the walk reaches entries older than the oldest of them, no
    /// later candidate can displace one: the answer is exact. A search over the limits throws
    /// `ParameterError`, which the API answers with 400.
    package func search(_ query: TraceQuery, tenant: Tenant) async throws -> [Found] {
        try searchLimits.check(query)
        guard query.limit > 0, query.startMinNanos <= query.startMaxNanos else { return [] }
        // An entry's spans start less than a minute before its time, and none after it.
        let minute: UInt64 = 60_000_000_000
        let oldest = query.startMinNanos >= minute ? query.startMinNanos - minute : 0
        let newest = query.startMaxNanos <= UInt64.max - minute ? query.startMaxNanos + minute : .max
        let stream = try await reader.candidates(query.scope(policy: indexPolicy), tenant: tenant,
                                                 newestStartNanos: newest, oldestStartNanos: oldest)
        var examined = Set<TraceID>()
        var found: [Found] = []  // kept sorted, newest first
        while true {
            try Task.checkCancellation()
            let page = try await stream.next(1_000)
            guard let oldestEntry = page.last?.entryNanos else { break }
            // A trace starts no later than any of its groups, so once `limit` matches are held,
            // a group older than the oldest of them cannot place its trace: within a page the
            // newest groups are read first and the rest are skipped unread.
            for hit in page.sorted(by: { $0.startNanos > $1.startNanos }) {
                if found.count >= query.limit, let last = found.last, hit.startNanos < last.startNanos { break }
                guard query.mayMatch(hit), !examined.contains(hit.traceID) else { continue }
                examined.insert(hit.traceID)
                guard let trace = try await trace(hit.traceID, tenant: tenant), query.matches(trace.resourceSpans) else { continue }
                let start = TraceQuery.startNanos(of: trace.resourceSpans)
                let position = found.firstIndex { $0.startNanos < start || ($0.startNanos == start && $0.traceID < hit.traceID) } ?? found.endIndex
                found.insert(Found(trace: trace, startNanos: start), at: position)
                if found.count > query.limit { found.removeLast() }
            }
            // Entries come newest first: no trace in a later page starts after this page's last entry.
            if found.count >= query.limit, let last = found.last, oldestEntry < last.startNanos { break }
        }
        return found
    }

    /// Summaries of the traces a search finds, in the same order.
    package func searchSummaries(_ query: TraceQuery, tenant: Tenant) async throws -> [TraceSummary] {
        var summaries: [TraceSummary] = []
        for found in try await search(query, tenant: tenant) {
            if let summary = try await reader.summary(of: found.traceID, tenant: tenant) { summaries.append(summary) }
        }
        return summaries
    }

    /// Indexed attribute keys of a service, for autocompletion.
    package func tagKeys(service: String, tenant: Tenant, limit: Int = 1_000) async throws -> [String] {
        try await reader.attributeKeys(service: service, tenant: tenant, limit: limit)
    }

    /// Indexed values of one attribute key of a service, for autocompletion.
    package func tagValues(service: String, key: String, tenant: Tenant, limit: Int = 1_000) async throws -> [String] {
        try await reader.attributeValues(service: service, key: key, tenant: tenant, limit: limit)
    }
}
