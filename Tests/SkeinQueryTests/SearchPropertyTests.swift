import Foundation
import OTLPProto
import SkeinCore
import SkeinOTLP
import SkeinStorage
import SkeinTesting
import SkeinQueryModel
import Testing
@testable import SkeinQuery

/// Random traces stored through the real ingest path, random searches, each answer compared
/// with a brute-force filter over the same spans: same traces, same order, limit respected.
@Suite struct SearchPropertyTests {
    typealias Random = SeededRandom

    /// The model the brute force reads: what was sent, not what was stored.
    struct ModelSpan {
        var traceID: TraceID
        var service: String
        var name: String
        var kind: OTLPSpan.SpanKind
        var start: UInt64
        var duration: UInt64
        var attributes: [String: String]
        var resource: [String: String]
        var error: Bool
    }

    static let services = ["cart", "checkout", "web", "db"]
    static let operations = ["GET /a", "POST /b", "SELECT", "publish"]
    static let routes = ["/a", "/b", "/a&b=c", "/x+y?z#w"]
    static let base: UInt64 = 1_767_225_600_000_000_000
    static let minute: UInt64 = 60_000_000_000

    func generate(_ random: inout Random, traces: Int) -> [ModelSpan] {
        var spans: [ModelSpan] = []
        for index in 0..<traces {
            let traceID = TraceID(high: random.next() | 1, low: UInt64(index))
            let traceStart = Self.base + UInt64(random.below(60)) * Self.minute + random.next() % Self.minute
            for _ in 0..<(1 + random.below(6)) {
                let service = random.pick(Self.services)
                var attributes: [String: String] = ["http.route": random.pick(Self.routes)]
                if random.chance(40) { attributes["http.response.status_code"] = String(random.pick([200, 404, 500])) }
                if random.chance(20) { attributes["retry"] = random.chance(50) ? "true" : "false" }
                spans.append(ModelSpan(
                    traceID: traceID, service: service, name: random.pick(Self.operations),
                    kind: random.pick([.server, .client, .internal]),
                    start: traceStart + UInt64(random.below(90)) * 1_000_000_000,
                    duration: UInt64(1 + random.below(1_000)) * UInt64(random.pick([1_000, 1_000_000])),
                    attributes: attributes, resource: ["host.name": "h\(random.below(3))"], error: random.chance(15)))
            }
        }
        return spans
    }

    func store(_ spans: [ModelSpan], in store: SpanStore, random: inout Random) async throws {
        // Random batches: a trace's spans may arrive in several requests.
        var pending = spans.shuffled(using: &random)
        while !pending.isEmpty {
            let take = min(pending.count, 1 + random.below(40))
            let chunk = pending.prefix(take)
            pending.removeFirst(take)
            let resourceSpans = chunk.enumerated().map { offset, span in
                var otlp = OTLPBuilders.span(trace: span.traceID, id: UInt64(offset + 1) << 32 | UInt64(random.below(1 << 30)),
                                             name: span.name, kind: span.kind, startNanos: span.start, durationNanos: span.duration,
                                             attributes: span.attributes.sorted { $0.key < $1.key }.map { key, value in
                                                 if key == "http.response.status_code" { OTLPBuilders.attribute(key, .with { $0.intValue = Int64(value)! }) }
                                                 else if key == "retry" { OTLPBuilders.attribute(key, .with { $0.boolValue = value == "true" }) }
                                                 else { OTLPBuilders.attribute(key, value) }
                                             }, error: span.error)
                otlp.parentSpanID = Data()
                return OTLPBuilders.resourceSpans(service: span.service, spans: [otlp],
                                                  resourceAttributes: span.resource.map { OTLPBuilders.attribute($0.key, $0.value) })
            }
            try await store.consume(OTLPBuilders.batch(OTLPBuilders.request(resourceSpans)))
        }
    }

    func randomQuery(_ random: inout Random, model: [ModelSpan]) -> TraceQuery {
        let from = Self.base + UInt64(random.below(70)) * Self.minute + random.next() % Self.minute
        let to = from + UInt64(1 + random.below(40)) * Self.minute
        var query = TraceQuery(service: random.chance(80) ? random.pick(Self.services) : nil,
                               startMinNanos: random.chance(20) ? 0 : from, startMaxNanos: random.chance(10) ? .max / 2 : to,
                               limit: 1 + random.below(25))
        if random.chance(30) { query.operation = random.pick(Self.operations) }
        for _ in 0..<random.below(3) {
            switch random.below(6) {
            case 0: query.tags.append(("http.route", random.pick(Self.routes)))
            case 1: query.tags.append(("http.response.status_code", String(random.pick([200, 404, 500]))))
            case 2: query.tags.append(("error", "true"))
            case 3: query.tags.append(("span.kind", random.pick(["server", "client"])))
            case 4: query.tags.append(("host.name", "h\(random.below(3))"))
            default: query.tags.append(("retry", random.pick(["true", "false", "nope"])))
            }
        }
        if random.chance(25) { query.minDurationNanos = Int64(random.below(500)) * 1_000_000 }
        if random.chance(15) { query.maxDurationNanos = Int64(random.below(1_000)) * 1_000_000 }
        if random.chance(15) { query.minTraceDurationNanos = Int64(random.below(60)) * 1_000_000_000 }
        return query
    }

    /// What the answer must be, computed directly from the model.
    func bruteForce(_ query: TraceQuery, _ model: [ModelSpan]) -> [TraceID] {
        let traces = Dictionary(grouping: model, by: \.traceID)
        var matches: [(start: UInt64, id: TraceID)] = []
        for (id, spans) in traces {
            let start = spans.map(\.start).min()!
            let end = spans.map { $0.start + $0.duration }.max()!
            if let min = query.minTraceDurationNanos, Int64(end - start) < min { continue }
            let any = spans.contains { span in
                if let service = query.service, span.service != service { return false }
                if let operation = query.operation, span.name != operation { return false }
                guard span.start >= query.startMinNanos, span.start <= query.startMaxNanos else { return false }
                if let min = query.minDurationNanos, Int64(span.duration) < min { return false }
                if let max = query.maxDurationNanos, Int64(span.duration) > max { return false }
                return query.tags.allSatisfy { tag in
                    switch tag.key {
                    case "error" where tag.value == "true" && span.error: return true
                    case "span.kind":
                        let name = span.kind == .server ? "server" : span.kind == .client ? "client" : "internal"
                        return name == tag.value || span.attributes[tag.key] == tag.value
                    default: return span.attributes[tag.key] == tag.value || span.resource[tag.key] == tag.value
                    }
                }
            }
            if any { matches.append((start, id)) }
        }
        matches.sort { ($0.start, $0.id) > ($1.start, $1.id) }
        return matches.prefix(query.limit).map(\.id)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func searchesAgreeWithBruteForce(seed: UInt64) async throws {
        var random = Random(state: seed)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let spanStore = try SpanStore(configuration: .init(dataDirectory: directory.path))
        defer { spanStore.close() }
        let model = generate(&random, traces: 120)
        try await store(model, in: spanStore, random: &random)
        let service = QueryService(reader: spanStore)
        for round in 0..<150 {
            let query = randomQuery(&random, model: model)
            let answer = try await service.search(query, tenant: .single).map(\.traceID)
            let expected = bruteForce(query, model)
            #expect(answer == expected, "seed \(seed) round \(round): \(query)")
            if answer != expected { return }
        }
    }
}
