import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import OTLPGRPC
import SkeinCore
import SkeinOTLP
import SkeinTesting
import Testing

/// OTLP/gRPC into the whole server, read back through the query API.
@Suite(.serialized) struct OTLPGRPCEndToEndTests {
    @Test func grpcExportIsStoredAndQueryable() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await TestServer(TestServer.configuration(dataDirectory: directory.path))
        let trace = TraceID(high: 0x77, low: 0x88)
        let request = OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "grpc-client", spans: [
            OTLPBuilders.span(trace: trace, id: 1, name: "root", startNanos: 1_700_000_000_000_000_000),
            OTLPBuilders.span(trace: trace, id: 2, parent: 1, name: "child", kind: .client, startNanos: 1_700_000_000_001_000_000),
        ])])
        let response = try await withGRPCClient(transport: .http2NIOPosix(
            target: .ipv4(address: "127.0.0.1", port: server.grpcPort), transportSecurity: .plaintext)
        ) { client in
            try await Opentelemetry_Proto_Collector_Trace_V1_TraceService.Client(wrapping: client).export(request)
        }
        #expect(!response.hasPartialSuccess)
        let reply = try await server.query("/api/traces/\(trace.hex)")
        #expect(reply.status == 200)
        #expect(reply.text.contains(#""operationName":"child""#))
        #expect(try await server.query("/api/services").text.contains("grpc-client"))
        try await server.stop()
    }
}
