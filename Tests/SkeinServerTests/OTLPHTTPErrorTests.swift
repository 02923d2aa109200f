import Foundation
import SkeinCore
import SkeinOTLP
import SkeinTesting
import Testing

/// Every refused request gets its status and a message, and changes nothing in the store.
@Suite(.serialized) struct OTLPHTTPErrorTests {
    func withServer(maxBody: Int = 16 << 20, cors: [String] = [], _ body: (TestServer) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = TestServer.configuration(dataDirectory: directory.path)
        configuration.otlpHTTP.maxBodyBytes = maxBody
        configuration.otlpHTTP.corsAllowedOrigins = cors
        let server = try await TestServer(configuration)
        do {
            try await body(server)
            // Nothing refused may have reached the store.
            let services = try await server.query("/api/services")
            #expect(services.text == #"{"data":[],"total":0,"limit":0,"offset":0,"errors":null}"#)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    func oneSpanJSON(padding: Int = 0) -> Data {
        Data(#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"00000000000000aa","name":"\#(String(repeating: "x", count: padding))"}]}]}]}"#.utf8)
    }

    @Test func undecodableBodiesGet400WithAMessageInTheRequestsEncoding() async throws {
        try await withServer { server in
            let protobuf = try await server.otlp(body: Data([0x0A, 0xFF, 0xFF]), headers: ["Content-Type": "application/x-protobuf"])
            #expect(protobuf.status == 400)
            #expect(protobuf.header("Content-Type") == "application/x-protobuf")
            #expect(protobuf.text.contains("not a valid protobuf"))

            let json = try await server.otlp(body: Data(#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz"}]}]}]}"#.utf8),
                                             headers: ["Content-Type": "application/json"])
            #expect(json.status == 400)
            let status = try JSONValue(parsing: Array(json.body))
            #expect(status["code"] == .number("3"))
            guard case .string(let message)? = status["message"] else { Issue.record("no message"); return }
            #expect(message.contains("resourceSpans[0].scopeSpans[0].spans[0].traceId"))

            let gzip = try await server.otlp(body: Data("not gzip".utf8), headers: ["Content-Type": "application/json", "Content-Encoding": "gzip"])
            #expect(gzip.status == 400)
            let brotli = try await server.otlp(body: oneSpanJSON(), headers: ["Content-Type": "application/json", "Content-Encoding": "br"])
            #expect(brotli.status == 400)
            #expect(brotli.text.contains("Content-Encoding"))
        }
    }

    @Test func bodiesOverTheLimitGet413BeforeAndAfterDecompression() async throws {
        try await withServer(maxBody: 1 << 20) { server in
            let large = try await server.otlp(body: oneSpanJSON(padding: 2 << 20), headers: ["Content-Type": "application/json"])
            #expect(large.status == 413)
            #expect(large.text.contains("larger than 1048576 bytes"))
            let bomb = Data(Gzip.compress(Array(oneSpanJSON(padding: 8 << 20))))
            #expect(bomb.count < 1 << 20)
            let inflated = try await server.otlp(body: bomb, headers: ["Content-Type": "application/json", "Content-Encoding": "gzip"])
            #expect(inflated.status == 413)
        }
    }

    @Test func wrongTypeMethodOrPath() async throws {
        try await withServer { server in
            let type = try await server.otlp(body: oneSpanJSON(), headers: ["Content-Type": "text/plain"])
            #expect(type.status == 415)
            #expect(type.text.contains("application/x-protobuf or application/json"))
            let method = try await server.otlp("GET")
            #expect(method.status == 405)
            #expect(method.header("Allow") == "POST")
            let path = try await server.otlp(path: "/v1/metrics", body: oneSpanJSON(), headers: ["Content-Type": "application/json"])
            #expect(path.status == 404)
        }
    }

    @Test func corsPreflightAndResponses() async throws {
        try await withServer(cors: ["https://*.example.com"]) { server in
            let preflight = try await server.otlp("OPTIONS", headers: [
                "Origin": "https://app.example.com", "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            ])
            #expect(preflight.status == 204)
            #expect(preflight.header("Access-Control-Allow-Origin") == "https://app.example.com")
            #expect(preflight.header("Access-Control-Allow-Methods") == "POST")
            #expect(preflight.header("Access-Control-Allow-Headers") == "content-type")
            let refused = try await server.otlp("OPTIONS", headers: ["Origin": "https://evil.test", "Access-Control-Request-Method": "POST"])
            #expect(refused.status == 403)
            #expect(refused.header("Access-Control-Allow-Origin") == nil)
            let post = try await server.otlp(body: Data("{}".utf8), headers: ["Content-Type": "application/json", "Origin": "https://app.example.com"])
            #expect(post.status == 200)
            #expect(post.header("Access-Control-Allow-Origin") == "https://app.example.com")
        }
    }

    @Test func anEmptyRequestSucceeds() async throws {
        try await withServer { server in
            let reply = try await server.otlp(body: Data("{}".utf8), headers: ["Content-Type": "application/json"])
            #expect(reply.status == 200)
            #expect(reply.text == "{}")
        }
    }
}
