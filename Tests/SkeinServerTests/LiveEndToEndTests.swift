import AsyncHTTPClient
import Foundation
import NIOCore
import SkeinAlerts
import SkeinCore
import SkeinOTLP
import SkeinTesting
import SwiftProtobuf
import Testing

/// The live tail and the alerts through a whole server: spans sent over OTLP/HTTP come out of
/// `/api/v1/tail` as Server-Sent Events, and an alert rule fires from the rollups and reaches a
/// real webhook receiver on 127.0.0.1.
@Suite(.serialized) struct LiveEndToEndTests {
    static func send(_ server: TestServer, service: String, trace: UInt64, spans: [(id: UInt64, name: String, error: Bool)]) async throws {
        let now = WallClock.nowNanos()
        let otlp = spans.map { OTLPBuilders.span(trace: TraceID(high: 0xFEED, low: trace), id: $0.id, name: $0.name, startNanos: now, error: $0.error) }
        let body = try OTLPBuilders.request([OTLPBuilders.resourceSpans(service: service, spans: otlp)]).serializedData()
        let reply = try await server.otlp(body: body, headers: ["Content-Type": "application/x-protobuf"])
        #expect(reply.status == 200)
    }

    @Test func storedSpansStreamToASubscriberByItsFilter() async throws {
        let directory = try TemporaryDirectory()
        var configuration = TestServer.configuration(dataDirectory: directory.path)
        configuration.query.maxTailSubscribers = 1
        let server = try await TestServer(configuration)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)

        let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.queryPort)/api/v1/tail?service=cart&error=true"),
                                                timeout: .seconds(30))
        #expect(response.status.code == 200)
        #expect(response.headers.first(name: "Content-Type") == "text/event-stream")
        var iterator = response.body.makeAsyncIterator()
        let greeting = try await iterator.next().map { String(buffer: $0) } ?? ""
        #expect(greeting.contains(": subscribed"))

        // A second stream is over the limit of 1; bad parameters are named.
        let busy = try await server.query("/api/v1/tail")
        #expect(busy.status == 503 && busy.text.contains("subscribers"))
        #expect(try await server.query("/api/v1/tail?error=maybe").status == 400)
        #expect(try await server.query("/api/v1/tail?operation=pay").text.contains("operation needs a service"))

        try await Self.send(server, service: "web", trace: 1, spans: [(1, "GET /", true)])
        try await Self.send(server, service: "cart", trace: 2, spans: [(2, "GET /items", false), (3, "GET /items", true)])
        var text = ""
        while !text.contains("event: span") { text += try await iterator.next().map { String(buffer: $0) } ?? "" }
        let data = try #require(text.split(separator: "\n").first { $0.hasPrefix("data: ") })
        let span = try JSONValue(parsing: String(data.dropFirst(6)))
        #expect(span["service"] == .string("cart"))
        #expect(span["spanID"] == .string(SpanID(3).hex))
        #expect(span["error"] == .bool(true))
        #expect(!text.contains(#""spanID":"\#(SpanID(1).hex)""#) && !text.contains(#""spanID":"\#(SpanID(2).hex)""#))

        // Shutdown ends the open stream instead of waiting on it.
        try await server.stop()
        var rest = 0
        while let chunk = try? await iterator.next() { rest += chunk.readableBytes }
        try await client.shutdown()
    }

    @Test func anErrorRateRuleFiresAndNotifiesTheWebhook() async throws {
        let directory = try TemporaryDirectory()
        let receiver = try await WebhookReceiver()
        defer { receiver.stop() }
        var configuration = TestServer.configuration(dataDirectory: directory.path)
        configuration.alerts.evaluationIntervalNanos = 100_000_000
        configuration.alerts.externalURL = "http://skein.example:16686"
        var webhook = WebhookSettings(url: "http://127.0.0.1:\(receiver.port)/hook")
        webhook.initialBackoffNanos = 10_000_000
        configuration.alerts.webhook = webhook
        configuration.alerts.rules = [
            AlertRule(name: "CartErrors", metric: .errorRate, service: "cart", comparison: .above, threshold: 0.25,
                      windowNanos: 300_000_000_000, forNanos: 0, severity: "critical", labels: ["team": "shop"]),
        ]
        let server = try await TestServer(configuration)
        let rules = try JSONValue(parsing: try await server.query("/api/v1/alerts/rules").body)
        #expect(rules.render().contains(#""name":"CartErrors","metric":"error_rate","service":"cart""#))
        #expect(try await server.query("/api/v1/alerts").text.contains(#""data":[]"#))

        try await Self.send(server, service: "cart", trace: 7, spans: [(1, "GET /items", true), (2, "GET /items", false)])
        for _ in 0..<200 where receiver.bodies.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        let notification = try JSONValue(parsing: try #require(receiver.bodies.first))
        #expect(notification["status"] == .string("firing"))
        #expect(notification["externalURL"] == .string("http://skein.example:16686"))
        #expect(notification.render().contains(#""labels":{"alertname":"CartErrors","service":"cart","severity":"critical","team":"shop"}"#))

        let active = try JSONValue(parsing: try await server.query("/api/v1/alerts").body)
        let first = active["data"].flatMap { if case .array(let items) = $0 { items.first } else { nil } }
        #expect(first?["state"] == .string("firing"))
        #expect(first?["value"] == .number("0.5"))
        #expect(active["notifications"]?["sent"] == .number("1"))
        let history = try await server.query("/api/v1/alerts/history").text
        #expect(history.contains(#""state":"firing""#) && history.contains(#""state":"pending""#))
        try await server.stop()
    }
}
