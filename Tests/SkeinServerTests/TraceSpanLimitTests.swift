import Foundation
import SkeinCore
import SkeinIngest
import SkeinOTLP
import SkeinTesting
import SwiftProtobuf
import Testing

/// `otlp.limits.max_spans_per_trace` on a real server: spans past a trace's budget are refused
/// through partial success, the rest of the request is stored, and the refusal is counted.
@Suite(.serialized) struct TraceSpanLimitTests {
    func send(_ server: TestServer, _ spans: [OTLPSpan]) async throws -> ExportTraceResponse {
        let body = try OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "loop", spans: spans)]).serializedData()
        let reply = try await server.otlp(body: body, headers: ["Content-Type": "application/x-protobuf"])
        #expect(reply.status == 200)
        return try ExportTraceResponse(serializedBytes: Array(reply.body))
    }

    @Test func spansPastATracesBudgetAreRefusedAndTheRestStored() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = TestServer.configuration(dataDirectory: directory.path)
        configuration.ingest.maxSpansPerTrace = 3
        let server = try await TestServer(configuration)
        let runaway = TraceID(high: 0x100, low: 1), other = TraceID(high: 0x100, low: 2)
        let now = WallClock.nowNanos()
        let first = try await send(server, (1...2).map { OTLPBuilders.span(trace: runaway, id: UInt64($0), startNanos: now) })
        #expect(!first.hasPartialSuccess)
        let second = try await send(server, (3...5).map { OTLPBuilders.span(trace: runaway, id: UInt64($0), startNanos: now) }
                                    + [OTLPBuilders.span(trace: other, id: 1, startNanos: now)])
        #expect(second.partialSuccess.rejectedSpans == 2)
        #expect(second.partialSuccess.errorMessage.contains("otlp.limits.max_spans_per_trace"))

        let stored = try JSONValue(parsing: Array(try await server.query("/api/traces/\(runaway.hex)").body))
        guard case .array(let traces)? = stored["data"], case .array(let spans)? = traces.first?["spans"] else {
            Issue.record("no trace in the answer")
            return
        }
        #expect(spans.count == 3)
        #expect(try await server.query("/api/traces/\(other.hex)").status == 200)
        #expect(try await server.query("/metrics").text.contains(#"skein_ingest_spans_refused_total{transport="http",reason="over_trace_limit"} 2"#))
        try await server.stop()
    }

    @Test func theBudgetIsPerTenantBoundedAndRefundable() throws {
        let budget = TraceSpanBudget(limit: 2, capacity: 4)
        let trace = TraceID(high: 1, low: 1)
        func batch(_ tenant: String, _ count: Int) throws -> SpanBatch {
            let spans = (1...count).map { OTLPBuilders.span(trace: trace, id: UInt64($0), startNanos: 1) }
            return try OTLPBuilders.batch(OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "s", spans: spans)]), tenant: Tenant(tenant))
        }
        let admitted = budget.admit(try batch("a", 3))
        #expect(admitted.batch.spanCount == 2 && admitted.refused == 1)
        // Another tenant's trace with the same ID has its own budget.
        #expect(budget.admit(try batch("b", 2)).refused == 0)
        // A refund (the batch was not stored) gives the spans back.
        budget.refund(admitted)
        #expect(budget.admit(try batch("a", 2)).refused == 0)
        #expect(budget.admit(try batch("a", 1)).batch.groups.isEmpty)
        // Past the capacity the oldest generation is forgotten, so memory stays bounded.
        for low in 10...20 {
            let other = try OTLPBuilders.batch(OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "s", spans: [
                OTLPBuilders.span(trace: TraceID(high: 2, low: UInt64(low)), id: 1, startNanos: 1)])]), tenant: Tenant("a"))
            _ = budget.admit(other)
        }
        #expect(budget.admit(try batch("a", 2)).refused == 0)
    }
}
