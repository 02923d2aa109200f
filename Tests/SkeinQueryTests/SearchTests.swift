import Foundation
import SkeinCore
import SkeinStorage
import SkeinTesting
import SkeinQueryModel
import Testing
@testable import SkeinQuery

@Suite struct SearchParameterTests {
    func parse(_ query: String) throws(ParameterError) -> TraceQuery {
        try JaegerSearchParameters.query(QueryParameters(query), now: 100_000_000_000_000_000)
    }

    @Test func serviceIsOptionalAndTraceDurationsAreRead() throws {
        let query = try parse("minTraceDuration=1s&maxTraceDuration=2s")
        #expect(query.service == nil)
        #expect(query.minTraceDurationNanos == 1_000_000_000 && query.maxTraceDurationNanos == 2_000_000_000)
    }

    @Test func appliesJaegerDefaults() throws {
        let query = try parse("service=api")
        #expect(query.limit == 100)
        #expect(query.startMaxNanos == 100_000_000_000_000_000)
        #expect(query.startMinNanos == 100_000_000_000_000_000 - 48 * 3_600 * 1_000_000_000)
    }

    @Test func readsEveryParameter() throws {
        let query = try parse("service=api&operation=GET+%2Fx&start=10&end=20&limit=5&minDuration=1.5ms&maxDuration=1s"
                              + "&tags=%7B%22http.status_code%22%3A%22500%22%7D&tag=q:a%3Db%26c%23d%2Be%3Ff&lookback=1h")
        #expect(query.operation == "GET /x")
        #expect(query.startMinNanos == 10_000 && query.startMaxNanos == 20_000)
        #expect(query.limit == 5)
        #expect(query.minDurationNanos == 1_500_000 && query.maxDurationNanos == 1_000_000_000)
        #expect(query.tags.map { [$0.key, $0.value] } == [["http.status_code", "500"], ["q", "a=b&c#d+e?f"]])
    }

    @Test(arguments: [
        ("minTraceDuration=2s&maxTraceDuration=1s", "'maxTraceDuration' should be greater than 'minTraceDuration'"),
        ("service=a&minDuration=2s&maxDuration=1s", "'maxDuration' should be greater than 'minDuration'"),
        ("service=a&tags=%7Bnope", "malformed 'tags' parameter, cannot unmarshal JSON"),
        ("service=a&tag=novalue", "malformed 'tag' parameter, expecting key:value, received: novalue"),
        ("service=a&start=yesterday", "unable to parse param 'start'"),
        ("service=a&limit=-1", "unable to parse param 'limit'"),
        ("service=a&minDuration=5", "unable to parse param 'minDuration'"),
    ])
    func refusesBadParametersWithJaegersMessages(query: String, message: String) {
        #expect { try parse(query) } throws: { error in
            (error as? ParameterError)?.message.hasPrefix(message) == true
        }
    }
}

@Suite struct SearchTests {
    let minute: UInt64 = 60_000_000_000

    /// A store holding `count` one-service traces, trace i starting at minute i, every third an error.
    func withTraces(_ count: Int, _ body: (QueryService) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SpanStore(configuration: .init(dataDirectory: directory.path))
        defer { store.close() }
        for index in 1...count {
            let trace = TraceID(high: 1, low: UInt64(index))
            let start = UInt64(index) * minute
            let root = OTLPBuilders.span(trace: trace, id: 1, name: "GET /cart", startNanos: start, durationNanos: 50_000_000,
                                         attributes: [OTLPBuilders.attribute("http.route", index % 2 == 0 ? "/even" : "/odd")])
            let child = OTLPBuilders.span(trace: trace, id: 2, parent: 1, name: "SELECT", kind: .client,
                                          startNanos: start + 1_000, durationNanos: UInt64(index) * 1_000_000, error: index % 3 == 0)
            try await store.consume(OTLPBuilders.batch(OTLPBuilders.request([
                OTLPBuilders.resourceSpans(service: "cart", spans: [root, child],
                                           resourceAttributes: [OTLPBuilders.attribute("host.name", "h\(index % 2)")]),
            ])))
        }
        try await body(QueryService(reader: store))
    }

    func search(_ service: QueryService, _ configure: (inout TraceQuery) -> Void) async throws -> [UInt64] {
        var query = TraceQuery(service: "cart", startMinNanos: 0, startMaxNanos: .max / 2, limit: 100)
        configure(&query)
        return try await service.search(query, tenant: .single).map(\.traceID.low)
    }

    @Test func returnsTheNewestTracesFirstUpToTheLimit() async throws {
        try await withTraces(30) { (service: QueryService) async throws in
            #expect(try await search(service) { $0.limit = 5 } == [30, 29, 28, 27, 26])
            #expect(try await search(service) { $0.limit = 100 }.count == 30)
        }
    }

    @Test func oneSpanMustSatisfyEveryFilter() async throws {
        try await withTraces(12) { (service: QueryService) async throws in
            #expect(try await search(service) { $0.tags = [("error", "true")] } == [12, 9, 6, 3])
            #expect(try await search(service) { $0.operation = "SELECT"; $0.minDurationNanos = 10_000_000 } == [12, 11, 10])
            // The route is on the root span, the error on the child: no single span has both.
            #expect(try await search(service) { $0.tags = [("http.route", "/even"), ("error", "true")] } == [])
            #expect(try await search(service) { $0.tags = [("host.name", "h1"), ("span.kind", "client")] } == [11, 9, 7, 5, 3, 1])
            #expect(try await search(service) { $0.operation = "GET /cart"; $0.maxDurationNanos = 10_000_000 } == [])
            #expect(try await search(service) { $0.service = "nobody" } == [])
        }
    }

    @Test func timeRangeTestsEachSpansStart() async throws {
        try await withTraces(10) { (service: QueryService) async throws in
            #expect(try await search(service) { $0.startMinNanos = 4 * minute; $0.startMaxNanos = 6 * minute } == [6, 5, 4])
            // Only the child of trace 6 starts in this 1.5 µs window after 6 minutes.
            #expect(try await search(service) {
                $0.startMinNanos = 6 * minute + 500; $0.startMaxNanos = 6 * minute + 2_000
            } == [6])
        }
    }
}
