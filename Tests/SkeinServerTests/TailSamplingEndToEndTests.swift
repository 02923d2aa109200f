import Foundation
import OTLPProto
import SkeinCore
import SkeinOTLP
import SkeinSampling
import SkeinTesting
import SwiftProtobuf
import Testing

/// Tail sampling through the whole server: OTLP/HTTP in, the durable buffer in RocksDB, the
/// query API out. The sampler's clock is manual, so decisions happen exactly when the test says.
@Suite(.serialized) struct TailSamplingEndToEndTests {
    static let traceCount = 10_000
    static let rate = 0.05

    /// Trace i: frontend GET /checkout → checkout POST /pay in one request, then the database
    /// call in a later one; every 100th trace fails in the database.
    static func spans(_ trace: TraceID, index: Int, startNanos: UInt64, part: Int) -> [OTLPResourceSpans] {
        if part == 0 {
            return [OTLPBuilders.resourceSpans(service: "frontend", spans: [OTLPBuilders.span(trace: trace, id: 1, name: "GET /checkout",
                                                                                               startNanos: startNanos, durationNanos: 9_000_000)]),
                    OTLPBuilders.resourceSpans(service: "checkout", spans: [OTLPBuilders.span(trace: trace, id: 2, parent: 1, name: "POST /pay",
                                                                                               startNanos: startNanos + 1_000_000, durationNanos: 7_000_000)])]
        }
        return [OTLPBuilders.resourceSpans(service: "postgres", spans: [OTLPBuilders.span(
            trace: trace, id: 3, parent: 2, name: "INSERT", kind: .client, startNanos: startNanos + 2_000_000,
            durationNanos: 1_000_000, error: index % 100 == 0)])]
    }

    @Test func errorsAndAFivePercentSampleOfTheRest() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = TestServer.configuration(dataDirectory: directory.path)
        configuration.query.searchLimits.maxLimit = 100_000  // every kept trace in one search
        configuration.sampling.tail = TailSamplingConfiguration(enabled: true, policies: [
            TailPolicy(name: "errors", rule: .error), TailPolicy(name: "five-percent", rule: .probabilistic(rate: Self.rate)),
        ])
        let clock = ManualClock()
        let server = try await TestServer(configuration, samplingClock: clock)
        do {
            var ids = SeededTraceIDs(seed: 2026)
            let traces = (0..<Self.traceCount).map { _ in ids.next() }
            let start = UInt64(Date().timeIntervalSince1970 * 1e9) - 60_000_000_000
            for part in 0..<2 {
                for chunk in stride(from: 0, to: traces.count, by: 250) {
                    let request = OTLPBuilders.request((chunk..<min(chunk + 250, traces.count)).flatMap {
                        Self.spans(traces[$0], index: $0, startNanos: start + UInt64($0) * 1_000, part: part)
                    })
                    let reply = try await server.otlp(body: try request.serializedData(), headers: ["Content-Type": "application/x-protobuf"])
                    #expect(reply.status == 200)
                }
            }
            var status = try await sampling(server)
            #expect(status["tail"]?["tracesHeld"] == .number("\(Self.traceCount)"))
            #expect(try await summaries(server).isEmpty)  // nothing is stored before the decision

            clock.advance(bySeconds: 10)
            try await untilDecided(server)

            let threshold = ConsistentProbability.threshold(probability: Self.rate)
            let errors = Set(stride(from: 0, to: traces.count, by: 100).map { traces[$0] })
            let sampled = Set(traces.filter { ConsistentProbability.randomness($0, explicit: nil) >= threshold })
            let stored = try await summaries(server)
            // Exactly the error traces and the consistent 5% sample, each one whole.
            #expect(Set(stored.keys) == errors.union(sampled))
            #expect(stored.values.allSatisfy { $0 == 3 })
            let others = sampled.subtracting(errors).count
            let expected = Double(traces.count - errors.count) * ConsistentProbability.probability(threshold: threshold)
            #expect(abs(Double(others) - expected) <= 4 * (expected * (1 - Self.rate)).squareRoot())

            status = try await sampling(server)
            let counters = try #require(status["counters"])
            #expect(counters["spansReceived"] == .number("\(3 * Self.traceCount)"))
            #expect(counters["spansForwarded"] == .number("\(3 * stored.count)"))
            #expect(counters["tracesKept"]?["errors"] == .number("\(errors.count)"))
            #expect(counters["tracesKept"]?["five-percent"] == .number("\(others)"))
            #expect(counters["tracesDropped"] == .number("\(Self.traceCount - stored.count)"))
            #expect(status["tail"]?["bytesHeld"] == .number("0"))

            // Rollups are computed before sampling: they count every span, kept or not.
            let window = "start=\(start / 1_000 - 60_000_000)&end=\(start / 1_000 + 120_000_000)&spanKind=server,client"
            let services = try JSONValue(parsing: Array(try await server.query("/api/v1/services?\(window)").body))
            guard case .array(let rows)? = services["services"] else { throw RollupsMissing() }
            for service in ["frontend", "checkout", "postgres"] {
                let row = rows.first { $0["service"] == .string(service) }
                #expect(row?["calls"] == .number("\(Self.traceCount)"), "\(service)")
                #expect(row?["errors"] == .number(service == "postgres" ? "\(errors.count)" : "0"), "\(service)")
            }

            // A late span follows its trace's decision.
            let kept = try #require(sampled.subtracting(errors).first)
            let dropped = try #require(Set(traces).subtracting(sampled).subtracting(errors).first)
            let late = OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "audit", spans: [
                OTLPBuilders.span(trace: kept, id: 4, parent: 1, startNanos: start), OTLPBuilders.span(trace: dropped, id: 4, parent: 1, startNanos: start),
            ])])
            #expect(try await server.otlp(body: try late.serializedData(), headers: ["Content-Type": "application/x-protobuf"]).status == 200)
            let keptTrace = try JSONValue(parsing: Array(try await server.query("/api/traces/\(kept.hex)").body))
            #expect(keptTrace["data"]?.arrayCount(at: 0, "spans") == 4)
            #expect(try await server.query("/api/traces/\(dropped.hex)").status == 404)
            #expect(try await sampling(server)["counters"]?["spansDropped"]?["late"] == .number("1"))
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    func sampling(_ server: TestServer) async throws -> JSONValue {
        let reply = try await server.query("/api/v1/sampling")
        #expect(reply.status == 200)
        return try JSONValue(parsing: Array(reply.body))
    }

    /// Waits until the decision pass the clock started has settled every held trace (decided,
    /// written and removed). The deadline only guards against a hang.
    func untilDecided(_ server: TestServer) async throws {
        let deadline = Date().addingTimeInterval(300)
        while try await sampling(server)["tail"]?["tracesHeld"] != .number("0") {
            guard Date() < deadline else { throw DecisionsNeverSettled() }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
    }

    struct DecisionsNeverSettled: Error {}
    struct RollupsMissing: Error {}

    /// Stored traces (by frontend root) and their span counts.
    func summaries(_ server: TestServer) async throws -> [TraceID: Int] {
        let reply = try await server.query("/api/v1/traces/summaries?service=frontend&limit=100000&lookback=2h")
        guard case .array(let items)? = try JSONValue(parsing: Array(reply.body))["data"] else { return [:] }
        var out: [TraceID: Int] = [:]
        for item in items {
            guard case .string(let id)? = item["traceID"], case .number(let count)? = item["spanCount"],
                  let trace = TraceID(hex: id), let spans = Int(count) else { continue }
            out[trace] = spans
        }
        return out
    }
}

extension JSONValue {
    /// The length of the array at `key` inside element `index` of this array.
    func arrayCount(at index: Int, _ key: String) -> Int? {
        guard case .array(let items) = self, index < items.count, case .array(let values)? = items[index][key] else { return nil }
        return values.count
    }
}
