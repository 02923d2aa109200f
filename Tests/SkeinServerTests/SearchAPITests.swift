import Foundation
import OTLPProto
import SkeinCore
import SkeinOTLP
import SkeinQuery
import SkeinTesting
import SwiftProtobuf
import SkeinQueryModel
import Testing

/// Search, summaries, tags and huge traces over the real HTTP APIs.
@Suite(.serialized) struct SearchAPITests {
    let base: UInt64 = 1_767_225_600_000_000_000

    func withSeededServer(maxSpans: Int = 50_000, searchLimits: SearchLimits = SearchLimits(),
                          _ body: (TestServer) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = TestServer.configuration(dataDirectory: directory.path)
        configuration.query.maxSpansPerTrace = maxSpans
        configuration.query.searchLimits = searchLimits
        let server = try await TestServer(configuration)
        do {
            // Trace i: web GET /cart (root) -> db SELECT, i seconds apart; odd ones fail in the db.
            let resourceSpans = (1...6).flatMap { index -> [OTLPResourceSpans] in
                let trace = TraceID(high: 0xA, low: UInt64(index))
                let start = base + UInt64(index) * 1_000_000_000
                return [
                    OTLPBuilders.resourceSpans(service: "web", spans: [OTLPBuilders.span(
                        trace: trace, id: 1, name: "GET /cart", startNanos: start, durationNanos: UInt64(index) * 100_000_000,
                        attributes: [OTLPBuilders.attribute("http.route", "/cart?a=b&c#d+e")])]),
                    OTLPBuilders.resourceSpans(service: "db", spans: [OTLPBuilders.span(
                        trace: trace, id: 2, parent: 1, name: "SELECT", kind: .client, startNanos: start + 1_000_000,
                        durationNanos: 5_000_000, error: index % 2 == 1)]),
                ]
            }
            let reply = try await server.otlp(body: try OTLPBuilders.request(resourceSpans).serializedData(),
                                              headers: ["Content-Type": "application/x-protobuf"])
            #expect(reply.status == 200)
            try await body(server)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    func traceIDs(_ reply: TestServer.Reply) throws -> [String] {
        guard case .array(let traces)? = try JSONValue(parsing: Array(reply.body))["data"] else { return [] }
        return traces.compactMap { if case .string(let id)? = $0["traceID"] { id } else { nil } }
    }

    func id(_ index: Int) -> String { "000000000000000a" + String(format: "%016x", index) }

    @Test func searchWithAndWithoutServiceAttributeAndTraceDuration() async throws {
        try await withSeededServer { (server: TestServer) async throws in
            #expect(try traceIDs(try await server.query("/api/traces?start=0&limit=3")) == [id(6), id(5), id(4)])
            #expect(try traceIDs(try await server.query("/api/traces?service=db&start=0&tag=error:true")) == [id(5), id(3), id(1)])
            let route = "%2Fcart%3Fa%3Db%26c%23d%2Be"
            #expect(try traceIDs(try await server.query("/api/traces?service=web&start=0&limit=2&tag=http.route:\(route)")) == [id(6), id(5)])
            #expect(try traceIDs(try await server.query("/api/traces?start=0&minTraceDuration=450ms")) == [id(6), id(5)])
            #expect(try traceIDs(try await server.query("/api/traces?service=web&start=0&minDuration=350ms&maxDuration=450ms")) == [id(4)])
        }
    }

    @Test func searchesOverTheLimitsAreRefusedOnEveryEndpoint() async throws {
        try await withSeededServer(searchLimits: SearchLimits(maxLimit: 200, maxRangeNanos: 3_600_000_000_000)) { (server: TestServer) async throws in
            let start = base / 1_000, hourLater = (base + 3_600_000_000_000) / 1_000
            let overLimit = try await server.query("/api/traces?service=web&start=\(start)&end=\(hourLater)&limit=201")
            #expect(overLimit.status == 400 && overLimit.text.contains("query.max_search_limit: 200"))
            let overRange = try await server.query("/api/v1/traces/summaries?start=\(start)&end=\(hourLater + 1)")
            #expect(overRange.status == 400 && overRange.text.contains("query.max_search_range: 1h"), "\(overRange.text)")
            let v3 = try await server.query("/api/v3/traces?query.service_name=db&query.start_time_min=2026-01-01T00:00:00Z&query.start_time_max=2026-01-03T00:00:00Z")
            #expect(v3.status == 400 && v3.text.contains(#""httpCode":400"#) && v3.text.contains("max_search_range"), "\(v3.text)")
            // At the limits exactly, the search runs.
            let within = try await server.query("/api/traces?service=web&start=\(start)&end=\(hourLater)&limit=200")
            #expect(within.status == 200)
            #expect(try traceIDs(within).count == 6)
        }
    }

    @Test func v3SearchAndSummariesAndTags() async throws {
        try await withSeededServer { (server: TestServer) async throws in
            let v3 = try await server.query("/api/v3/traces?query.service_name=db&query.start_time_min=2026-01-01T00:00:00Z&query.start_time_max=2026-01-01T00:00:10Z&query.searchDepth=2")
            #expect(v3.status == 200)
            #expect(v3.text.contains(#""traceId":"\#(id(6))""#) && !v3.text.contains(id(4)))
            #expect(try await server.query("/api/v3/traces?query.service_name=nobody&query.start_time_min=2026-01-01T00:00:00Z&query.start_time_max=2026-01-02T00:00:00Z").status == 404)
            #expect(try await server.query("/api/v3/traces?query.service_name=db").status == 400)
            // A year whose nanoseconds overflow 64 bits is a bad parameter, not a crash (the fuzzer's find).
            let farFuture = try await server.query("/api/v3/traces?query.service_name=db&query.start_time_min=20022-01-01T00:00:00Z&query.start_time_max=20023-01-01T00:00:00Z")
            #expect(farFuture.status == 400)
            #expect(try await server.query("/api/v1/services?start=20022-01-01T00:00:00Z&step=1h").status == 400)

            let summaries = try JSONValue(parsing: Array(try await server.query("/api/v1/traces/summaries?start=0&limit=1").body))
            #expect(summaries == .object([("data", .array([.object([
                ("traceID", .string(id(6))), ("rootService", .string("web")), ("rootOperation", .string("GET /cart")),
                ("startTime", .number(String((base + 6_000_000_000) / 1_000))), ("duration", .number("600000")),
                ("spanCount", .number("2")), ("errorCount", .number("0")), ("services", .array([.string("db"), .string("web")])),
            ])]))]))
            #expect(try await server.query("/api/v1/tags?service=web").text == #"{"data":["http.route"]}"#)
            #expect(try await server.query("/api/v1/tags/http.route/values?service=web").text == #"{"data":["/cart?a=b&c#d+e"]}"#)
            #expect(try await server.query("/api/v1/tags").status == 400)
        }
    }

    @Test func aHundredThousandSpanTraceIsStoredAndCappedWithAWarning() async throws {
        try await withSeededServer(maxSpans: 50_000) { (server: TestServer) async throws in
            let trace = TraceID(high: 0xB16, low: 1)
            for chunk in 0..<4 {
                let spans = (0..<25_000).map { offset -> OTLPSpan in
                    let index = chunk * 25_000 + offset + 1
                    return OTLPBuilders.span(trace: trace, id: UInt64(index), parent: index == 1 ? nil : 1, name: "op",
                                             startNanos: base + UInt64(index))
                }
                let reply = try await server.otlp(body: try OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "big", spans: spans)]).serializedData(),
                                                  headers: ["Content-Type": "application/x-protobuf"])
                #expect(reply.status == 200)
            }
            let reply = try await server.query("/api/traces/\(trace.hex)?raw=true")
            #expect(reply.status == 200)
            let json = try JSONValue(parsing: Array(reply.body))
            guard case .array(let traces)? = json["data"], case .array(let spans)? = traces.first?["spans"] else {
                Issue.record("no trace"); return
            }
            #expect(spans.count == 50_000)
            #expect(traces[0]["warnings"] == .array([.string("this trace has 100000 spans; only 50000 are shown (query.max_spans_per_trace)")]))
        }
    }
}
