import Foundation
import OTLPProto
import SkeinCore
import SkeinOTLP
import SkeinTesting
import SwiftProtobuf
import Testing

/// OTLP/HTTP in, Jaeger and OTLP JSON out, over real sockets against a real store.
@Suite(.serialized) struct OTLPHTTPRoundTripTests {
    let trace = TraceID(high: 0x5b8efff798038103, low: 0xd269b633813fc60c)

    /// A request using every field Skein must keep.
    func richRequest() -> ExportTraceRequest {
        var root = OTLPBuilders.span(trace: trace, id: 0xA1, name: "POST /orders", kind: .server,
                                     startNanos: 1_767_225_600_000_000_000, durationNanos: 250_000_000,
                                     attributes: OTLPBuilders.everyValueKind, error: true)
        root.flags = 0x103
        root.traceState = "ot=th:c"
        root.events = [.with {
            $0.name = "exception"; $0.timeUnixNano = 1_767_225_600_100_000_000
            $0.attributes = [OTLPBuilders.attribute("exception.type", "IOError")]
        }]
        root.links = [.with {
            $0.traceID = Data(TraceID(high: 1, low: 2).bytes); $0.spanID = Data(SpanID(3).bytes)
            $0.attributes = [OTLPBuilders.attribute("link.kind", "batch")]
        }]
        let child = OTLPBuilders.span(trace: trace, id: 0xB2, parent: 0xA1, name: "INSERT", kind: .client,
                                      startNanos: 1_767_225_600_010_000_000, durationNanos: 5_000_000)
        var resourceSpans = OTLPBuilders.resourceSpans(service: "checkout", spans: [root, child],
                                                       resourceAttributes: [OTLPBuilders.attribute("host.name", "node-7")])
        resourceSpans.schemaURL = "https://opentelemetry.io/schemas/1.40.0"
        resourceSpans.scopeSpans[0].scope.version = "0.3.1"
        resourceSpans.scopeSpans[0].scope.attributes = [OTLPBuilders.attribute("scope.attr", "x")]
        resourceSpans.scopeSpans[0].schemaURL = "https://opentelemetry.io/schemas/1.41.0"
        return OTLPBuilders.request([resourceSpans])
    }

    func withServer(_ body: (TestServer) async throws -> Void) async throws {
        try await TestServer.with({ _ in }, body)
    }

    /// The stored trace read back through `/api/v3` must be exactly what was sent.
    func expectStoredExactly(_ request: ExportTraceRequest, on server: TestServer) async throws {
        let reply = try await server.query("/api/v3/traces/\(trace.hex)")
        #expect(reply.status == 200)
        let json = try JSONValue(parsing: Array(reply.body))
        var resultBody = JSONWriter()
        resultBody.raw(Array((json["result"] ?? .null).render().utf8))
        let stored = try OTLPJSONDecoder.decodeExportRequest(resultBody.bytes)
        var sent = request.resourceSpans
        var got = stored.resourceSpans
        for index in got.indices { got[index].scopeSpans[0].spans.sort { $0.spanID.lexicographicallyPrecedes($1.spanID) } }
        for index in sent.indices { sent[index].scopeSpans[0].spans.sort { $0.spanID.lexicographicallyPrecedes($1.spanID) } }
        #expect(got == sent)
    }

    @Test func protobufInEverythingBack() async throws {
        try await withServer { server in
            let request = richRequest()
            let reply = try await server.otlp(body: try request.serializedData(), headers: ["Content-Type": "application/x-protobuf"])
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type") == "application/x-protobuf")
            #expect(try ExportTraceResponse(serializedBytes: reply.body).hasPartialSuccess == false)
            try await expectStoredExactly(request, on: server)

            let jaeger = try JSONValue(parsing: Array(try await server.query("/api/traces/\(trace.hex)").body))
            guard case .array(let traces)? = jaeger["data"], case .array(let spans)? = traces.first?["spans"] else {
                Issue.record("no trace in \(jaeger.render())"); return
            }
            #expect(spans.count == 2)
            #expect(spans[0]["flags"] == .number("259"))
            #expect(traces[0]["processes"]?["p1"]?["tags"] == .array([.object([
                ("key", .string("host.name")), ("type", .string("string")), ("value", .string("node-7"))])]))
            #expect(jaeger["errors"] == .null)
        }
    }

    @Test func jsonAndGzipBodies() async throws {
        try await withServer { server in
            let request = richRequest()
            var json = JSONWriter()
            OTLPJSONEncoder.writeResourceSpans(request.resourceSpans, to: &json)
            let reply = try await server.otlp(body: Data(Gzip.compress(json.bytes)),
                                              headers: ["Content-Type": "application/json; charset=utf-8", "Content-Encoding": "gzip"])
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type") == "application/json")
            #expect(reply.text == "{}")
            try await expectStoredExactly(request, on: server)

            let protobufGzip = try await server.otlp(body: Data(Gzip.compress(Array(try request.serializedData()))),
                                                     headers: ["Content-Type": "application/x-protobuf", "Content-Encoding": "gzip"])
            #expect(protobufGzip.status == 200)
        }
    }

    @Test func invalidIDsAreRefusedThroughPartialSuccess() async throws {
        try await withServer { server in
            let body = #"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"p"}}]},"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"00000000000000aa","name":"ok"},{"traceId":"5b8efff798038103d269b633813fc6","spanId":"00000000000000bb"},{"traceId":"00000000000000000000000000000000","spanId":"00000000000000cc"},{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"0000000000000000"}]}]}]}"#
            let reply = try await server.otlp(body: Data(body.utf8), headers: ["Content-Type": "application/json"])
            #expect(reply.status == 200)
            let response = try JSONValue(parsing: Array(reply.body))
            #expect(response["partialSuccess"]?["rejectedSpans"] == .string("3"))
            let trace = try JSONValue(parsing: Array(try await server.query("/api/traces/\(trace.jaegerHex)").body))
            guard case .array(let traces)? = trace["data"], case .array(let spans)? = traces.first?["spans"] else {
                Issue.record("valid span not stored"); return
            }
            #expect(spans.count == 1)
        }
    }

    @Test func tracesAndServicesSurviveARestart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = TestServer.configuration(dataDirectory: directory.path)
        let first = try await TestServer(configuration)
        let sent = try await first.otlp(body: try richRequest().serializedData(), headers: ["Content-Type": "application/x-protobuf"])
        #expect(sent.status == 200)
        try await first.stop()

        let second = try await TestServer(configuration)
        let services = try await second.query("/api/services")
        #expect(services.text == #"{"data":["checkout"],"total":1,"limit":0,"offset":0,"errors":null}"#)
        try await expectStoredExactly(richRequest(), on: second)
        try await second.stop()
    }
}
