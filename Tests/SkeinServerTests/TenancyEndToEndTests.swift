import AsyncHTTPClient
import Foundation
import GRPCCore
import NIOCore
import SkeinAlerts
import SkeinCore
import SkeinOTLP
import SkeinServer
import SkeinTesting
import SwiftProtobuf
import Testing

/// Two tenants on one server: each sees only its own traces, services, operations, tags,
/// rollups, dependencies, live spans and alert rules, through every API; requests that do
/// not name a tenant are refused on both OTLP transports and the API.
@Suite(.serialized) struct TenancyEndToEndTests {
    static let acmeTrace = TraceID(high: 0xACE, low: 1)
    static let globexTrace = TraceID(high: 0x6E0, low: 2)

    /// acme: shop "checkout" calls payments; globex: shop "newsletter" calls mail.
    static func request(trace: TraceID, operation: String, callee: String, key: String) -> ExportTraceRequest {
        let now = WallClock.nowNanos()
        return OTLPBuilders.request([
            OTLPBuilders.resourceSpans(service: "shop", spans: [
                OTLPBuilders.span(trace: trace, id: 1, name: operation, startNanos: now, durationNanos: 9_000_000,
                                  attributes: [OTLPBuilders.attribute(key, "v")]),
                OTLPBuilders.span(trace: trace, id: 2, parent: 1, name: "call", kind: .client, startNanos: now + 1_000, durationNanos: 5_000_000),
            ]),
            OTLPBuilders.resourceSpans(service: callee, spans: [
                OTLPBuilders.span(trace: trace, id: 3, parent: 2, name: "serve", startNanos: now + 2_000, durationNanos: 4_000_000),
            ]),
        ])
    }

    static func send(_ server: TestServer, tenant: String, _ request: ExportTraceRequest) async throws {
        let reply = try await server.otlp(body: try request.serializedData(),
                                          headers: ["Content-Type": "application/x-protobuf", "X-Scope-OrgID": tenant])
        #expect(reply.status == 200, "\(reply.text)")
    }

    static func configuration(_ directory: TemporaryDirectory) -> SkeinConfiguration {
        var configuration = TestServer.configuration(dataDirectory: directory.path)
        configuration.ingestAccess.tenantHeader = "X-Scope-OrgID"
        configuration.queryAccess.tenantHeader = "X-Scope-OrgID"
        configuration.alerts.rules = [AlertRule(name: "AcmeSlow", metric: .latency(quantile: 0.99), service: "shop",
                                                comparison: .above, threshold: 5_000, tenant: Tenant("acme"))]
        return configuration
    }

    @Test func everyAPIShowsOnlyTheAskingTenantsData() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await TestServer(Self.configuration(directory))
        try await Self.send(server, tenant: "acme", Self.request(trace: Self.acmeTrace, operation: "checkout", callee: "payments", key: "acme.key"))
        try await Self.send(server, tenant: "globex", Self.request(trace: Self.globexTrace, operation: "newsletter", callee: "mail", key: "globex.key"))

        func get(_ path: String, as tenant: String) async throws -> TestServer.Reply {
            try await server.query(path, headers: ["X-Scope-OrgID": tenant])
        }
        // Each row: a path, what acme's answer holds that globex's must not, and the reverse.
        let rows: [(path: String, acme: String, globex: String)] = [
            ("/api/services", "payments", "mail"),
            ("/api/services/shop/operations", "checkout", "newsletter"),
            ("/api/operations?service=shop", "checkout", "newsletter"),
            ("/api/traces?service=shop&lookback=1h", Self.acmeTrace.hex, Self.globexTrace.hex),
            ("/api/v3/services", "payments", "mail"),
            ("/api/v3/operations?service=shop", "checkout", "newsletter"),
            ("/api/v1/traces/summaries?service=shop&lookback=1h", Self.acmeTrace.hex, Self.globexTrace.hex),
            ("/api/v1/tags?service=shop", "acme.key", "globex.key"),
            ("/api/v1/services", "payments", "mail"),
            ("/api/v1/services/shop/operations", "checkout", "newsletter"),
            ("/api/v1/dependencies", "payments", "mail"),
            ("/api/dependencies?endTs=\(WallClock.nowNanos() / 1_000_000 + 60_000)&lookback=600000", "payments", "mail"),
            ("/api/metrics/calls?service=shop&groupByOperation=true", "checkout", "newsletter"),
            ("/api/v1/alerts/rules", "AcmeSlow", "\"data\":[]"),
        ]
        for row in rows {
            let acme = try await get(row.path, as: "acme")
            let globex = try await get(row.path, as: "globex")
            #expect(acme.status == 200 && globex.status == 200, "\(row.path): \(acme.status) \(globex.status)")
            #expect(acme.text.contains(row.acme) && !acme.text.contains(row.globex), "\(row.path) as acme: \(acme.text)")
            #expect(globex.text.contains(row.globex) && !globex.text.contains(row.acme), "\(row.path) as globex: \(globex.text)")
        }
        // A trace ID is no way in: another tenant's trace is not found.
        #expect(try await get("/api/traces/\(Self.acmeTrace.hex)", as: "acme").status == 200)
        #expect(try await get("/api/traces/\(Self.acmeTrace.hex)", as: "globex").status == 404)
        #expect(try await get("/api/v3/traces/\(Self.globexTrace.hex)", as: "acme").status == 404)
        #expect(try await get("/api/v1/services/payments/latency", as: "globex").status == 404)
        #expect(try await get("/api/v1/services/payments/latency", as: "acme").status == 200)
        // A tenant nobody has written to sees nothing at all.
        #expect(try await get("/api/services", as: "initech").text.hasPrefix(#"{"data":[]"#))
        try await server.stop()
    }

    @Test func requestsWithoutATenantAreRefused() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await TestServer(Self.configuration(directory))
        let request = Self.request(trace: Self.acmeTrace, operation: "checkout", callee: "payments", key: "k")
        let body = try request.serializedData()

        let missing = try await server.otlp(body: body, headers: ["Content-Type": "application/x-protobuf"])
        #expect(missing.status == 401)
        #expect(Array(missing.body) == RPCStatus(code: 16, message: AccessPolicy.Denial.missingTenant(header: "X-Scope-OrgID").description).protobuf)
        let invalid = try await server.otlp(body: body, headers: ["Content-Type": "application/x-protobuf", "X-Scope-OrgID": "../etc"])
        #expect(invalid.status == 400 && invalid.text.contains("is not a tenant name"))

        #expect(try await AccessEndToEndTests.grpcExport(server, request, metadata: [:]) == .unauthenticated)
        #expect(try await AccessEndToEndTests.grpcExport(server, request, metadata: ["x-scope-orgid": "a b"]) == .invalidArgument)
        #expect(try await AccessEndToEndTests.grpcExport(server, request, metadata: ["x-scope-orgid": "acme"]) == nil)

        let refused = try await server.query("/api/services")
        #expect(refused.status == 401 && refused.text.contains("X-Scope-OrgID"))
        #expect(try await server.query("/api/services", headers: ["X-Scope-OrgID": "a/b"]).status == 400)
        #expect(try await server.query("/api/v1/access").text == #"{"tokenRequired":false,"tenantHeader":"X-Scope-OrgID"}"#)
        // The gRPC export above landed in acme's store only.
        #expect(try await server.query("/api/services", headers: ["X-Scope-OrgID": "acme"]).text.contains("payments"))
        #expect(try await server.query("/api/services", headers: ["X-Scope-OrgID": "globex"]).text.hasPrefix(#"{"data":[]"#))
        try await server.stop()
    }

    @Test func theLiveTailStreamsOnlyTheSubscribersTenant() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await TestServer(Self.configuration(directory))
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        var tail = HTTPClientRequest(url: "http://127.0.0.1:\(server.queryPort)/api/v1/tail")
        tail.headers.add(name: "X-Scope-OrgID", value: "acme")
        let response = try await client.execute(tail, timeout: .seconds(30))
        #expect(response.status.code == 200)
        var iterator = response.body.makeAsyncIterator()
        #expect((try await iterator.next().map { String(buffer: $0) } ?? "").contains(": subscribed"))

        // globex's spans are stored first, yet the first span acme's stream carries is acme's.
        try await Self.send(server, tenant: "globex", Self.request(trace: Self.globexTrace, operation: "newsletter", callee: "mail", key: "k"))
        try await Self.send(server, tenant: "acme", Self.request(trace: Self.acmeTrace, operation: "checkout", callee: "payments", key: "k"))
        var received = ""
        while !received.contains("event: span"), let chunk = try await iterator.next() { received += String(buffer: chunk) }
        #expect(received.contains(Self.acmeTrace.hex) && !received.contains(Self.globexTrace.hex))
        try await client.shutdown()
        try await server.stop()
    }
}
