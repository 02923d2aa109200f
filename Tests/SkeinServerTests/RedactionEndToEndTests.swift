import Foundation
import OTLPProto
import SkeinCore
import SkeinOTLP
import SkeinRedaction
import SkeinTesting
import SwiftProtobuf
import Testing
@testable import SkeinServer

/// Redaction and span limits through a whole server: what is read back over the API and what
/// the attribute index finds.
@Suite(.serialized) struct RedactionEndToEndTests {
    let trace = TraceID(high: 0xFEED, low: 0xBEEF)
    let start: UInt64 = 1_767_225_600_000_000_000

    func withServer(_ configure: (inout SkeinConfiguration) throws -> Void, _ body: (TestServer) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = TestServer.configuration(dataDirectory: directory.path)
        try configure(&configuration)
        let server = try await TestServer(configuration)
        do {
            try await body(server)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    func send(_ spans: [OTLPSpan], to server: TestServer) async throws -> TestServer.Reply {
        let request = OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "web", spans: spans)])
        return try await server.otlp(body: try request.serializedData(), headers: ["Content-Type": "application/x-protobuf"])
    }

    func found(_ server: TestServer, tag: String) async throws -> Int {
        let encoded = tag.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let reply = try await server.query("/api/traces?service=web&start=0&tag=\(encoded)")
        guard case .array(let traces)? = try JSONValue(parsing: Array(reply.body))["data"] else { return -1 }
        return traces.count
    }

    @Test func storedTraceAndIndexHoldOnlyRedactedValues() async throws {
        try await withServer({ configuration in
            configuration.redaction = try RedactionRules(rules: [
                RedactionRule(selector: .key("api.key"), action: .drop),
                RedactionRule(selector: .key("user.id"), action: .hash),
                RedactionRule(selector: .keyPattern("email"), action: .mask, pattern: #"[^@\s]+@[^@\s]+"#),
            ], hashSalt: "s")
        }) { server in
            let span = OTLPBuilders.span(trace: trace, id: 1, name: "GET /account", startNanos: start, attributes: [
                OTLPBuilders.attribute("user.email", "ann@example.com"),
                OTLPBuilders.attribute("api.key", "sk-live-123"),
                OTLPBuilders.attribute("user.id", "u-42"),
            ])
            #expect(try await send([span], to: server).status == 200)
            let trace = try await server.query("/api/traces/\(trace.hex)")
            #expect(trace.status == 200)
            #expect(!trace.text.contains("ann@example.com") && !trace.text.contains("sk-live-123") && !trace.text.contains("u-42"))
            // `printf 'su-42' | sha256sum`: the salt, then the value.
            let hash = "sha256:be7d10c76b16ccaf9ac6dc4fef914b4d5339d7bffc598dca3ea52e79acebacf3"
            #expect(trace.text.contains("****") && trace.text.contains(hash))
            #expect(try await found(server, tag: "user.email:ann@example.com") == 0)
            #expect(try await found(server, tag: "api.key:sk-live-123") == 0)
            #expect(try await found(server, tag: "user.id:u-42") == 0)
            #expect(try await found(server, tag: "user.email:****") == 1)
            #expect(try await found(server, tag: "user.id:\(hash)") == 1)
            let counts = server.server.redactionCounters.snapshot
            #expect((counts.attributesDropped, counts.valuesHashed, counts.valuesMasked) == (1, 1, 1))
            let metrics = try await server.query("/metrics").text
            for action in ["drop", "hash", "mask"] {
                #expect(metrics.contains(#"skein_redaction_attributes_total{action="\#(action)"} 1"#), "\(action)")
            }
        }
    }

    @Test func spanLimitsShowAsDroppedCountsAndOversizedRequestsAreRefused() async throws {
        try await withServer({ configuration in
            configuration.ingest.limits = SpanLimits(maxAttributesPerSpan: 2, maxAttributeValueLength: 16, maxEventsPerSpan: 1,
                                                     maxLinksPerSpan: 1, maxSpansPerRequest: 3)
        }) { server in
            var span = OTLPBuilders.span(trace: trace, id: 1, startNanos: start,
                                         attributes: (0..<4).map { OTLPBuilders.attribute("k\($0)", String(repeating: "x", count: 40)) })
            span.events = (0..<3).map { index in .with { $0.name = "e\(index)"; $0.timeUnixNano = start } }
            span.links = (0..<2).map { index in .with { $0.traceID = Data(trace.bytes); $0.spanID = Data(SpanID(UInt64(5 + index)).bytes) } }
            #expect(try await send([span], to: server).status == 200)
            let reply = try await server.query("/api/v3/traces/\(trace.hex)")
            #expect(reply.text.contains(#""droppedAttributesCount":2"#))
            #expect(reply.text.contains(#""droppedEventsCount":2"#))
            #expect(reply.text.contains(#""droppedLinksCount":1"#))
            #expect(reply.text.contains(String(repeating: "x", count: 16)) && !reply.text.contains(String(repeating: "x", count: 17)))

            let many = (1...4).map { OTLPBuilders.span(trace: TraceID(high: 1, low: UInt64($0)), id: 1, startNanos: start) }
            let refused = try await send(many, to: server)
            #expect(refused.status == 400)
            #expect(refused.text.contains("otlp.limits.max_spans_per_request"))
            #expect(server.server.redactionCounters.snapshot.requestsOverSpanLimit == 1)
            #expect(try await server.query("/metrics").text.contains(#"skein_ingest_span_limit_hits_total{what="requests_over_span_limit"} 1"#))
        }
    }
}
