package import SkeinCore

/// Builds batches of spans by hand: which service, which parent, how long.
package enum Spans {
    package static let trace = TraceID(high: 1, low: 2)

    package static func span(_ id: UInt64, parent: UInt64? = nil, kind: SpanKind = .server, name: String = "op",
                     startSeconds: UInt64 = 120, millis: UInt64 = 10, error: Bool = false, peer: String? = nil,
                     trace: TraceID = trace) -> BatchSpan {
        BatchSpan(traceID: trace, spanID: SpanID(id), name: name, kind: kind,
                  startNanos: startSeconds * 1_000_000_000, endNanos: startSeconds * 1_000_000_000 + millis * 1_000_000,
                  parentSpanID: parent.map(SpanID.init), isError: error, peerService: peer, encodedSpan: [])
    }

    package static func batch(_ groups: [(String, [BatchSpan])], tenant: Tenant = .single) -> SpanBatch {
        SpanBatch(tenant: tenant, groups: groups.map { ResourceGroup(serviceName: $0.0, encodedResourceScope: [], spans: $0.1) })
    }
}
