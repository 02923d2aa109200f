import Foundation
import OTLPProto
import SkeinCore
import SkeinOTLP
import SkeinTesting
import SwiftProtobuf
import Testing

/// The Jaeger-compatible API and `/api/v3`, over real sockets.
@Suite(.serialized) struct QueryAPITests {
    let skewed = TraceID(high: 0, low: 0xABC)

    /// Two services on two hosts; the server's clock runs 4 ms ahead of the client's.
    func seed(_ server: TestServer) async throws {
        let client = OTLPBuilders.resourceSpans(
            service: "web frontend", spans: [OTLPBuilders.span(trace: skewed, id: 1, name: "GET /cart", kind: .client,
                                                               startNanos: 1_000_000_000, durationNanos: 100_000_000)],
            resourceAttributes: [OTLPBuilders.attribute("host.name", "a")])
        let backend = OTLPBuilders.resourceSpans(
            service: "cart/api", spans: [OTLPBuilders.span(trace: skewed, id: 2, parent: 1, name: "handle", kind: .server,
                                                           startNanos: 5_000_000_000, durationNanos: 20_000_000)],
            resourceAttributes: [OTLPBuilders.attribute("host.name", "b")])
        let reply = try await server.otlp(body: try OTLPBuilders.request([client, backend]).serializedData(),
                                          headers: ["Content-Type": "application/x-protobuf"])
        #expect(reply.status == 200)
    }

    func withServer(_ body: (TestServer) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await TestServer(TestServer.configuration(dataDirectory: directory.path))
        do {
            try await seed(server)
            try await body(server)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    func json(_ reply: TestServer.Reply) throws -> JSONValue { try JSONValue(parsing: Array(reply.body)) }

    @Test func servicesAndOperations() async throws {
        try await withServer { server in
            #expect(try await server.query("/api/services").text
                    == #"{"data":["cart/api","web frontend"],"total":2,"limit":0,"offset":0,"errors":null}"#)
            #expect(try await server.query("/api/services/cart%2Fapi/operations").text
                    == #"{"data":["handle"],"total":1,"limit":0,"offset":0,"errors":null}"#)
            #expect(try await server.query("/api/services/nobody/operations").text
                    == #"{"data":null,"total":0,"limit":0,"offset":0,"errors":null}"#)
            #expect(try await server.query("/api/operations?service=web+frontend&spanKind=client").text
                    == #"{"data":[{"name":"GET /cart","spanKind":"client"}],"total":1,"limit":0,"offset":0,"errors":null}"#)
            #expect(try await server.query("/api/operations?service=web%20frontend&spanKind=server").text
                    == #"{"data":[],"total":0,"limit":0,"offset":0,"errors":null}"#)
            let missing = try await server.query("/api/operations")
            #expect(missing.status == 400)
            #expect(missing.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(missing.text == #"{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":400,"msg":"parameter 'service' is required"}]}"# + "\n")
            #expect(try await server.query("/api/v3/services").text == #"{"services":["cart/api","web frontend"]}"#)
            #expect(try await server.query("/api/v3/operations?service=cart/api").text
                    == #"{"operations":[{"name":"handle","spanKind":"server"}]}"#)
        }
    }

    @Test func traceByIDAdjustsClockSkewUnlessRaw() async throws {
        try await withServer { server in
            let adjusted = try json(try await server.query("/api/traces/abc"))
            guard case .array(let spans)? = adjusted["data"].flatMap({ if case .array(let t) = $0 { t[0]["spans"] } else { nil } }) else {
                Issue.record("no spans"); return
            }
            #expect(adjusted["data"].flatMap { if case .array(let t) = $0 { t[0]["traceID"] } else { nil } } == .string("0000000000000abc"))
            #expect(spans[1]["startTime"] == .number("1040000"))
            #expect(spans[1]["warnings"] == .array([.string("This span's timestamps were adjusted by -3.96s")]))
            let raw = try await server.query("/api/traces/0000000000000abc?raw=true")
            #expect(raw.text.contains(#""startTime":5000000"#))
            #expect(!raw.text.contains("adjusted"))
        }
    }

    @Test func traceErrorsAndMultiGet() async throws {
        try await withServer { server in
            let notFound = try await server.query("/api/traces/123")
            #expect(notFound.status == 404)
            #expect(notFound.text == #"{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found"}]}"# + "\n")
            #expect(try await server.query("/api/traces/xyz").status == 400)
            #expect(try await server.query("/api/v3/traces/123").status == 404)
            #expect(try await server.query("/api/v3/traces/123").text == #"{"error":{"httpCode":404,"message":"trace not found"}}"#)

            let multi = try json(try await server.query("/api/traces?traceID=abc&traceID=def"))
            guard case .array(let traces)? = multi["data"] else { Issue.record("no data"); return }
            #expect(traces.count == 1)
            #expect(multi["errors"] == .array([.object([("msg", .string("trace not found")), ("traceID", .string("0000000000000def"))])]))
        }
    }

    @Test func searchPrettyPrintHealthAndViewer() async throws {
        try await withServer { server in
            let found = try json(try await server.query("/api/traces?service=cart%2Fapi&start=0&limit=20&lookback=custom"))
            guard case .array(let traces)? = found["data"] else { Issue.record("no data"); return }
            #expect(traces.count == 1)
            #expect(try await server.query("/api/traces?service=cart%2Fapi&start=0&tags=%7B%22span.kind%22%3A%22client%22%7D").text.hasPrefix(#"{"data":[]"#))
            #expect(try await server.query("/api/traces?service=cart%2Fapi&minDuration=2s&maxDuration=1s").status == 400)
            #expect(try await server.query("/api/services?prettyPrint=true").text.contains("\n  \"data\": [\n"))
            #expect(try await server.query("/healthz").text == "ok\n")
            let page = try await server.query("/")
            #expect(page.status == 200)
            #expect(page.text.contains("<title>Skein</title>"))
        }
    }

    @Test func transformConvertsThePublishedFixture() async throws {
        try await withServer { server in
            let reply = try await server.query("/api/transform", method: "POST", body: try RepositoryFiles.jaegerFixture("otlp2jaeger-in.json"))
            #expect(reply.status == 200)
            let expected = try JSONValue(parsing: Array(try RepositoryFiles.jaegerFixture("otlp2jaeger-out.json")))
            #expect(try json(reply).normalized == expected.normalized)
            #expect(try await server.query("/api/transform", method: "POST", body: Data("{".utf8)).status == 400)
        }
    }
}
