import Foundation
import OTLPProto
import SkeinCore
import SkeinOTLP
import SkeinTesting
import SwiftProtobuf
import Testing

/// Rollups over the real HTTP APIs: the services table, latency series, operations, CSV,
/// Jaeger's SPM and dependencies, and what survives a restart.
@Suite(.serialized) struct MetricsAPITests {
    /// 2026-01-01T00:00:00Z, a minute boundary.
    static let base: UInt64 = 1_767_225_600_000_000_000
    static let minute: UInt64 = 60_000_000_000
    static let startMicros = base / 1_000
    static let endMicros = (base + 3 * minute) / 1_000
    static let window = "start=\(startMicros)&end=\(endMicros)"

    /// web GET /cart: 10 calls in minute 0 (10…100 ms, the 10th an error) and 5 in minute 1
    /// (200 ms); each calls cart (client span → cart server span) and one calls payments-db,
    /// which never reports.
    static func seed(_ server: TestServer) async throws {
        let reply = try await server.otlp(body: try seedRequest(), headers: ["Content-Type": "application/x-protobuf"])
        #expect(reply.status == 200)
    }

    static func seedRequest() throws -> Data {
        var spans: [OTLPResourceSpans] = []
        for index in 1...15 {
            let trace = TraceID(high: 0xB, low: UInt64(index))
            let start = index <= 10 ? base + UInt64(index) * 1_000_000_000 : base + minute + UInt64(index) * 1_000_000_000
            let duration = index <= 10 ? UInt64(index) * 10_000_000 : 200_000_000
            var webSpans = [
                OTLPBuilders.span(trace: trace, id: 1, name: "GET /cart", startNanos: start, durationNanos: duration, error: index == 10),
                OTLPBuilders.span(trace: trace, id: 2, parent: 1, name: "call cart", kind: .client, startNanos: start + 1_000,
                                  durationNanos: 5_000_000, attributes: [OTLPBuilders.attribute("peer.service", "cart")]),
            ]
            if index == 1 {
                webSpans.append(OTLPBuilders.span(trace: trace, id: 4, parent: 1, name: "INSERT", kind: .client, startNanos: start + 2_000,
                                                  durationNanos: 3_000_000, attributes: [OTLPBuilders.attribute("peer.service", "payments-db")]))
            }
            spans.append(OTLPBuilders.resourceSpans(service: "web", spans: webSpans))
            spans.append(OTLPBuilders.resourceSpans(service: "cart", spans: [
                OTLPBuilders.span(trace: trace, id: 3, parent: 2, name: "GetCart", startNanos: start + 2_000, durationNanos: 4_000_000),
            ]))
        }
        return try OTLPBuilders.request(spans).serializedData()
    }

    func withServer(_ body: (TestServer, TemporaryDirectory) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await TestServer(TestServer.configuration(dataDirectory: directory.path))
        do {
            try await body(server, directory)
        } catch {
            try? await server.stop()
            throw error
        }
        try? await server.stop()
    }

    func json(_ reply: TestServer.Reply) throws -> JSONValue { try JSONValue(parsing: Array(reply.body)) }

    func row(_ value: JSONValue?, _ key: String, _ name: String) -> JSONValue? {
        guard case .array(let rows)? = value else { return nil }
        return rows.first { $0[key] == .string(name) }
    }

    @Test func servicesTableLatencySeriesAndOperations() async throws {
        try await withServer { (server: TestServer, _: TemporaryDirectory) async throws in
            try await Self.seed(server)
            let services = try json(try await server.query("/api/v1/services?\(Self.window)"))
            let web = try #require(row(services["services"], "service", "web"))
            #expect(web["calls"] == .number("15"))
            #expect(web["errors"] == .number("1"))
            #expect(abs((web["p50Ms"]?.double ?? 0) - 80) <= 0.8)
            #expect(abs((web["p99Ms"]?.double ?? 0) - 200) <= 2)
            #expect(row(services["services"], "service", "cart")?["calls"] == .number("15"))
            #expect(services["start"] == .string("2026-01-01T00:00:00Z"))

            let latency = try json(try await server.query("/api/v1/services/web/latency?\(Self.window)&step=1m&quantiles=0.5,1"))
            #expect(latency["stepSeconds"] == .number("60"))
            #expect(latency["summary"]?["calls"] == .number("15"))
            guard case .array(let series)? = latency["series"] else { Issue.record("no series"); return }
            #expect(series.count == 3)
            #expect(series.map { $0["calls"] } == [.number("10"), .number("5"), .number("0")])
            #expect(abs((series[0]["latencyMs"]?["1"]?.double ?? 0) - 100) <= 1)
            #expect(series[2]["latencyMs"]?["0.5"] == .null)
            #expect(series[1]["time"] == .string("2026-01-01T00:01:00Z"))

            let operations = try json(try await server.query("/api/v1/services/web/operations?\(Self.window)"))
            guard case .array(let serverOps)? = operations["operations"] else { Issue.record("no operations"); return }
            #expect(serverOps.map { $0["operation"] } == [.string("GET /cart")])
            let clientOps = try json(try await server.query("/api/v1/services/web/operations?\(Self.window)&spanKind=client"))
            #expect(row(clientOps["operations"], "operation", "call cart")?["calls"] == .number("15"))
        }
    }

    @Test func csvForReports() async throws {
        try await withServer { (server: TestServer, _: TemporaryDirectory) async throws in
            try await Self.seed(server)
            let latency = try await server.query("/api/v1/services/web/latency?\(Self.window)&step=1m&quantiles=0.5,0.99&format=csv")
            #expect(latency.header("Content-Type")?.hasPrefix("text/csv") == true)
            let lines = latency.text.split(separator: "\r\n").map(String.init)
            #expect(lines.first == "time,calls,errors,call_rate_per_s,error_rate,p50_ms,p99_ms")
            #expect(lines[1].hasPrefix("window,15,1,"))
            #expect(lines[2].hasPrefix("2026-01-01T00:00:00Z,10,1,"))
            #expect(lines.count == 5)
            let services = try await server.query("/api/v1/services?\(Self.window)&format=csv")
            #expect(services.text.hasPrefix("service,calls,errors,call_rate_per_s,error_rate,p50_ms,p95_ms,p99_ms\r\n"))
            #expect(services.text.contains("\r\nweb,15,1,"))
        }
    }

    @Test func badParametersAndUnknownServices() async throws {
        try await withServer { (server: TestServer, _: TemporaryDirectory) async throws in
            try await Self.seed(server)
            let cases: [(String, Int, String)] = [
                ("/api/v1/services/nope/latency?\(Self.window)", 404, "service 'nope' not found"),
                ("/api/v1/services/web/latency?\(Self.window)&quantiles=0.5,1.5", 400, "'1.5' is not a number between 0 and 1"),
                ("/api/v1/services/web/latency?start=\(Self.endMicros)&end=\(Self.startMicros)", 400, "'end' must be after 'start'"),
                ("/api/v1/services/web/latency?\(Self.window)&step=90s", 400, "whole number of minutes"),
                ("/api/v1/services?since=yesterday", 400, "unable to parse param 'since'"),
                ("/api/v1/services?start=noon", 400, "unable to parse param 'start'"),
                ("/api/v1/services?\(Self.window)&spanKind=sideways", 400, "unsupported span kind"),
                ("/api/v1/services/web/operations?\(Self.window)&format=xml", 400, "unsupported 'format'"),
                ("/api/metrics/latencies?service=web", 400, "please provide a quantile between (0, 1]"),
                ("/api/metrics/calls", 400, "please provide at least one service name"),
                ("/api/metrics/bogus?service=web", 404, "unknown metric"),
                ("/api/dependencies?lookback=-1", 400, "unable to parse param 'lookback'"),
            ]
            for (path, status, message) in cases {
                let reply = try await server.query(path)
                #expect(reply.status == status, "\(path)")
                #expect(reply.text.contains(message), "\(path): \(reply.text)")
            }
            // RFC 3339 and µs are both accepted.
            #expect(try await server.query("/api/v1/services?start=2026-01-01T00:00:00Z&end=2026-01-01T00:03:00Z").status == 200)
        }
    }

    @Test func jaegerServicePerformanceMetricsShapes() async throws {
        try await withServer { (server: TestServer, _: TemporaryDirectory) async throws in
            try await Self.seed(server)
            let end = (Self.base + 2 * Self.minute) / 1_000_000
            let common = "service=web&endTs=\(end)&lookback=120000&step=60000&ratePer=60000"
            let calls = try json(try await server.query("/api/metrics/calls?\(common)"))
            #expect(calls["name"] == .string("service_call_rate"))
            #expect(calls["type"] == .string("GAUGE"))
            guard case .array(let metrics)? = calls["metrics"], let first = metrics.first else { Issue.record("no metrics"); return }
            #expect(first["labels"] == .array([.object([("name", .string("service_name")), ("value", .string("web"))])]))
            guard case .array(let points)? = first["metricPoints"] else { Issue.record("no points"); return }
            // Points at 00:00, 00:01, 00:02, each over the minute before it.
            #expect(points.map { $0["timestamp"] } == ["2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z"].map(JSONValue.string))
            let rates = points.map { $0["gaugeValue"]?["doubleValue"]?.double ?? -1 }
            #expect(rates.count == 3 && rates[0] == 0 && abs(rates[1] - 10.0 / 60) < 1e-9 && abs(rates[2] - 5.0 / 60) < 1e-9)
            let errors = try json(try await server.query("/api/metrics/errors?\(common)"))
            guard case .array(let errorSeries)? = errors["metrics"], case .array(let errorPoints)? = errorSeries.first?["metricPoints"] else {
                Issue.record("no error points"); return
            }
            #expect(errorPoints.map { $0["gaugeValue"]?["doubleValue"] } == [.string("NaN"), .number("0.1"), .number("0")])
            let latencies = try json(try await server.query("/api/metrics/latencies?\(common)&quantile=0.95&groupByOperation=true"))
            #expect(latencies["name"] == .string("service_latencies"))
            guard case .array(let latencySeries)? = latencies["metrics"] else { Issue.record("no latency series"); return }
            #expect(latencySeries.first?["labels"] == .array([
                .object([("name", .string("service_name")), ("value", .string("web"))]),
                .object([("name", .string("operation")), ("value", .string("GET /cart"))]),
            ]))
        }
    }

    @Test func dependenciesAndRestartKeepEverything() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = TestServer.configuration(dataDirectory: directory.path)
        let first = try await TestServer(configuration)
        try await Self.seed(first)
        let endTs = (Self.base + 3 * Self.minute) / 1_000_000
        let before = try json(try await first.query("/api/dependencies?endTs=\(endTs)&lookback=600000"))
        #expect(before["data"] == .array([.object([("parent", .string("web")), ("child", .string("cart")), ("callCount", .number("15"))])]))
        // A graceful stop writes the edge to payments-db, whose wait is not over yet.
        try await first.stop()

        let second = try await TestServer(configuration)
        let after = try json(try await second.query("/api/dependencies?endTs=\(endTs)&lookback=600000"))
        #expect(after["data"] == .array([
            .object([("parent", .string("web")), ("child", .string("cart")), ("callCount", .number("15"))]),
            .object([("parent", .string("web")), ("child", .string("payments-db")), ("callCount", .number("1"))]),
        ]))
        let skein = try json(try await second.query("/api/v1/dependencies?\(Self.window)&service=payments-db"))
        #expect(row(skein["dependencies"], "child", "payments-db")?["calls"] == .number("1"))
        let services = try json(try await second.query("/api/v1/services?\(Self.window)"))
        #expect(row(services["services"], "service", "web")?["calls"] == .number("15"))
        try await second.stop()
    }
}

extension JSONValue {
    var double: Double? { if case .number(let text) = self { Double(text) } else { nil } }
}
