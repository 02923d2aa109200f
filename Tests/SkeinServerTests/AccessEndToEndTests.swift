import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import OTLPGRPC
import SkeinCore
import SkeinOTLP
import SkeinTesting
import SwiftProtobuf
import Testing

/// Bearer tokens on ingest and query, over both OTLP transports and the API.
@Suite(.serialized) struct AccessEndToEndTests {
    static let protobuf = ["Content-Type": "application/x-protobuf"]

    static func request(service: String, trace: TraceID) -> ExportTraceRequest {
        OTLPBuilders.request([OTLPBuilders.resourceSpans(service: service, spans: [
            OTLPBuilders.span(trace: trace, id: 1, name: "GET /", startNanos: WallClock.nowNanos()),
        ])])
    }

    /// Sends over OTLP/gRPC with the given metadata; the RPC error code, or nil on success.
    static func grpcExport(_ server: TestServer, _ request: ExportTraceRequest, metadata: Metadata) async throws -> RPCError.Code? {
        try await withGRPCClient(transport: .http2NIOPosix(
            target: .ipv4(address: "127.0.0.1", port: server.grpcPort), transportSecurity: .plaintext)
        ) { client in
            do {
                _ = try await Opentelemetry_Proto_Collector_Trace_V1_TraceService.Client(wrapping: client)
                    .export(request, metadata: metadata)
                return nil
            } catch let error as RPCError {
                return error.code
            }
        }
    }

    @Test func tokensGuardIngestAndQuerySeparately() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = TestServer.configuration(dataDirectory: directory.path)
        configuration.ingestAccess.token = "ingest-secret"
        configuration.queryAccess.token = "query-secret"
        let server = try await TestServer(configuration)
        let trace = TraceID(high: 0xA11, low: 1)
        let body = try Self.request(service: "guarded", trace: trace).serializedData()

        // OTLP/HTTP: no token and a wrong one are 401 with a challenge and a google.rpc.Status body.
        let missing = try await server.otlp(body: body, headers: Self.protobuf)
        #expect(missing.status == 401)
        #expect(missing.header("WWW-Authenticate") == #"Bearer realm="skein-otlp""#)
        #expect(Array(missing.body) == RPCStatus(code: 16, message: AccessPolicy.Denial.missingToken.description).protobuf)
        let wrong = try await server.otlp(body: body, headers: Self.protobuf.merging(["Authorization": "Bearer query-secret"]) { $1 })
        #expect(wrong.status == 401 && wrong.header("WWW-Authenticate")?.contains("invalid_token") == true)
        let json = try await server.otlp(body: Data("{}".utf8), headers: ["Content-Type": "application/json", "Authorization": "Basic eDp5"])
        #expect(json.status == 401 && json.text.contains(#""code":16"#))
        let good = try await server.otlp(body: body, headers: Self.protobuf.merging(["Authorization": "bearer ingest-secret"]) { $1 })
        #expect(good.status == 200)

        // OTLP/gRPC: UNAUTHENTICATED without the token, accepted with it.
        let other = Self.request(service: "guarded-grpc", trace: TraceID(high: 0xA11, low: 2))
        #expect(try await Self.grpcExport(server, other, metadata: [:]) == .unauthenticated)
        #expect(try await Self.grpcExport(server, other, metadata: ["authorization": "Bearer nope"]) == .unauthenticated)
        #expect(try await Self.grpcExport(server, other, metadata: ["authorization": "Bearer ingest-secret"]) == nil)

        // The API: 401 in Jaeger's envelope (or /api/v3's shape) without the query token; the
        // viewer's files, the health checks and the access description stay open.
        let refused = try await server.query("/api/services")
        #expect(refused.status == 401 && refused.text.contains(#""code":401"#))
        #expect(refused.header("WWW-Authenticate") == #"Bearer realm="skein-query""#)
        let v3 = try await server.query("/api/v3/services", headers: ["Authorization": "Bearer ingest-secret"])
        #expect(v3.status == 401 && v3.text.contains(#""httpCode":401"#))
        #expect(try await server.query("/healthz").status == 200)
        #expect(try await server.query("/").status == 200)
        #expect(try await server.query("/api/v1/access").text == #"{"tokenRequired":true,"tenantHeader":null}"#)
        let services = try await server.query("/api/services", headers: ["Authorization": "Bearer query-secret"])
        #expect(services.status == 200 && services.text.contains("guarded") && services.text.contains("guarded-grpc"))
        let found = try await server.query("/api/traces/\(trace.hex)", headers: ["Authorization": "Bearer query-secret"])
        #expect(found.status == 200)
        try await server.stop()
    }

    @Test func theBackupNeedsTheQueryTokenButNoTenant() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = TestServer.configuration(dataDirectory: directory.path + "/data")
        configuration.queryAccess = AccessPolicy(token: "query-secret", tenantHeader: "X-Scope-OrgID")
        let server = try await TestServer(configuration)
        let body = Data(#"{"dir": "\#(directory.path)/backup"}"#.utf8)
        let refused = try await server.query("/api/admin/backup", method: "POST", body: body, headers: ["X-Scope-OrgID": "acme"])
        #expect(refused.status == 401)
        let taken = try await server.query("/api/admin/backup", method: "POST", body: body, headers: ["Authorization": "Bearer query-secret"])
        #expect(taken.status == 200, "\(taken.text)")
        try await server.stop()
    }

    @Test func tokenComparisonIsExactWhateverTheLength() {
        #expect(AccessPolicy.constantTimeEqual("secret", "secret"))
        #expect(!AccessPolicy.constantTimeEqual("secret", "secreT"))
        #expect(!AccessPolicy.constantTimeEqual("secret", "secret2"))
        #expect(!AccessPolicy.constantTimeEqual("", "x"))
        #expect(AccessPolicy.constantTimeEqual("", ""))
    }
}
