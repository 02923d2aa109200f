import SkeinCore

/// Turns a `ServiceGraph` into traces. Each trace is built in three passes over a draft:
/// the call tree with times (children strictly inside their parents: a span's own work is
/// split around its calls, and a CLIENT span wraps its SERVER child plus network time on each
/// side), then at most one failure with its propagation up the callers, then the semconv
/// attributes, which depend on the outcome. Deterministic for a given seed.
package struct TraceShapes: Sendable {
    /// Hard cap on one trace's size, so deep, wide synthetic graphs stay bounded.
    package static let maxSpansPerTrace = 2000

    package let graph: ServiceGraph
    package let errorRate: Double
    /// The resource of every instance, by service then instance.
    package let instances: [[ServiceInstance]]
    var random: LoadRandom

    package init(graph: ServiceGraph, errorRate: Double, seed: UInt64) {
        self.graph = graph
        self.errorRate = errorRate
        var random = LoadRandom(seed: seed)
        instances = graph.services.map { service in
            (0..<service.instances).map { _ in Self.instance(of: service, namespace: graph.namespace, random: &random) }
        }
        self.random = random
    }

    /// The next trace and the traces it causes (message consumers, which start after their
    /// producer and link to it), in that order, all ending before `end` (Unix nanoseconds).
    package mutating func nextUnit(endingBefore end: UInt64) -> [GeneratedTrace] {
        guard let entry = random.weighted(graph.entries, weight: \.weight) else { return [] }
        let context = TraceContext(random: &random)
        var drafts = [Draft()]
        _ = serve(entry.endpoint, parent: nil, start: 0, in: &drafts[0])
        for publication in drafts[0].published {
            var consumer = Draft()
            consumer.link = publication.producer
            let start = drafts[0].spans[publication.producer].endNanos + duration(medianMillis: 15, sigma: 1)
            _ = serve(publication.consumer, parent: nil, start: start, in: &consumer)
            drafts.append(consumer)
        }
        // Place the unit so it ends a little before `end`, as spans reach an exporter after they end.
        let latest = drafts.map { $0.spans.map(\.endNanos).max() ?? 0 }.max() ?? 0
        let shift = end &- latest &- UInt64(random.unit() * 200_000_000)
        var traces: [GeneratedTrace] = []
        for index in drafts.indices {
            applyFailure(to: &drafts[index])
            let traceID = TraceID(high: random.next(), low: random.nonZero())
            var spans = materialize(drafts[index], context: context)
            for spanIndex in spans.indices {
                spans[spanIndex].startNanos &+= shift
                spans[spanIndex].endNanos &+= shift
                for event in spans[spanIndex].events.indices { spans[spanIndex].events[event].timeNanos &+= shift }
            }
            if let producer = drafts[index].link {
                spans[0].links = [SpanLink(traceID: traces[0].traceID, spanID: traces[0].spans[producer].spanID,
                                           attributes: [Attribute("messaging.operation.type", "process")])]
            }
            traces.append(GeneratedTrace(traceID: traceID, spans: spans))
        }
        return traces
    }

    // MARK: - Pass 1: the call tree and its times

    /// What a draft span stands for; decides its kind, name and attributes.
    enum Role {
        case server(endpoint: Int)
        case client(endpoint: Int)
        case database(ServiceGraph.DatabaseCall)
        case external(ServiceGraph.ExternalCall)
        case step(String)
        case producer(system: String, destination: String)
    }

    struct Node {
        var role: Role
        var parent: Int?
        /// For calls: probability that the caller absorbs this call's failure.
        var tolerance: Double
        var failed = false
        /// True for the span where the failure started (it records the exception event).
        var origin = false
    }

    struct Draft {
        var spans: [GeneratedSpan] = []
        var nodes: [Node] = []
        var published: [(producer: Int, consumer: Int)] = []
        /// For a consumer trace: the producer span (an index into the first trace of the unit).
        var link: Int?
    }

    /// Adds a span whose end is filled in by the caller; returns its index.
    mutating func add(_ role: Role, kind: SpanKind, instance: InstanceRef, scope: ScopeFamily, parent: Int?,
                      tolerance: Double = 0, start: UInt64, in draft: inout Draft) -> Int {
        let remoteParent = parent != nil && (kind == .server || kind == .consumer)
        draft.spans.append(GeneratedSpan(
            spanID: random.nonZero(), parentSpanID: parent.map { draft.spans[$0].spanID } ?? 0, name: "", kind: kind,
            startNanos: start, endNanos: start, flags: remoteParent ? 0x301 : 0x101, instance: instance, scope: scope))
        draft.nodes.append(Node(role: role, parent: parent, tolerance: tolerance))
        return draft.spans.count - 1
    }

    /// One endpoint handling a request that arrives at `start`; returns when its span ends.
    mutating func serve(_ endpoint: Int, parent: Int?, start: UInt64, in draft: inout Draft) -> UInt64 {
        let spec = graph.endpoints[endpoint]
        let instance = InstanceRef(service: spec.service, instance: random.int(in: 0...(instances[spec.service].count - 1)))
        var kind = SpanKind.server
        if case .consumer = spec.transport { kind = .consumer }
        let index = add(.server(endpoint: endpoint), kind: kind, instance: instance, scope: spec.transport.scope,
                        parent: parent, start: start, in: &draft)
        let work = duration(medianMillis: spec.selfMillis, sigma: 0.6)
        var now = start + work * 2 / 5
        var parallelStart: UInt64?
        var parallelEnd: UInt64 = 0
        for call in spec.calls where random.chance(call.probability) {
            for _ in 0..<random.int(in: call.repeats) {
                guard draft.spans.count + 2 <= Self.maxSpansPerTrace else { break }
                if call.parallel {
                    let begin = parallelStart ?? now
                    parallelStart = begin
                    parallelEnd = max(parallelEnd, perform(call, caller: index, instance: instance, start: begin, in: &draft))
                } else {
                    if parallelStart != nil { now = parallelEnd; parallelStart = nil }
                    now = perform(call, caller: index, instance: instance, start: now, in: &draft) + gap()
                }
            }
        }
        if parallelStart != nil { now = parallelEnd }
        let end = now + (work - work * 2 / 5)
        draft.spans[index].endNanos = end
        return end
    }

    /// One outgoing call from `caller`, starting at `start`; returns when its span ends.
    mutating func perform(_ call: ServiceGraph.Call, caller: Int, instance: InstanceRef, start: UInt64,
                          in draft: inout Draft) -> UInt64 {
        let index: Int
        let end: UInt64
        switch call.target {
        case .endpoint(let endpoint):
            index = add(.client(endpoint: endpoint), kind: .client, instance: instance,
                        scope: graph.endpoints[endpoint].transport.scope, parent: caller, tolerance: call.tolerance,
                        start: start, in: &draft)
            let serverEnd = serve(endpoint, parent: index, start: start + network(), in: &draft)
            end = serverEnd + network()
        case .database(let database):
            index = add(.database(database), kind: .client, instance: instance, scope: .db, parent: caller,
                        tolerance: call.tolerance, start: start, in: &draft)
            end = start + duration(medianMillis: database.medianMillis, sigma: 0.7)
        case .external(let external):
            index = add(.external(external), kind: .client, instance: instance, scope: .http, parent: caller,
                        tolerance: call.tolerance, start: start, in: &draft)
            end = start + duration(medianMillis: external.medianMillis, sigma: 0.5)
        case .step(let name, let median):
            index = add(.step(name), kind: .internal, instance: instance, scope: .app, parent: caller,
                        tolerance: call.tolerance, start: start, in: &draft)
            end = start + duration(medianMillis: median, sigma: 0.5)
        case .publish(let system, let destination, let consumer):
            index = add(.producer(system: system, destination: destination), kind: .producer, instance: instance,
                        scope: .messaging, parent: caller, tolerance: call.tolerance, start: start, in: &draft)
            end = start + duration(medianMillis: 0.8, sigma: 0.5)
            draft.published.append((index, consumer))
        }
        draft.spans[index].endNanos = end
        return end
    }

    /// Log-normal nanoseconds around `medianMillis`, plus a rare slow path (1 % of calls take
    /// 5–20 × longer: lock waits, GC pauses, cold caches) for a realistically long tail.
    mutating func duration(medianMillis: Double, sigma: Double) -> UInt64 {
        var millis = random.logNormal(median: medianMillis, sigma: sigma)
        if random.chance(0.01) { millis *= 5 + 15 * random.unit() }
        return UInt64(min(max(millis, 0.005), 60_000) * 1_000_000)
    }

    /// One-way network time between two services.
    mutating func network() -> UInt64 { duration(medianMillis: 0.15, sigma: 0.5) }

    /// Time between two sequential calls of one span.
    mutating func gap() -> UInt64 { 5_000 + UInt64(random.unit() * 50_000) }

    // MARK: - Pass 2: failures

    /// With probability `errorRate`, fails one span that can fail on its own (a server, a
    /// database or an outside call) and walks up: a CLIENT span always sees its SERVER
    /// child's failure; a span whose call failed absorbs it with the call's `tolerance`,
    /// otherwise fails too. So `errorRate` is the share of traces with at least one error.
    mutating func applyFailure(to draft: inout Draft) {
        guard random.chance(errorRate) else { return }
        let candidates = draft.nodes.indices.filter { index in
            switch draft.nodes[index].role {
            case .server, .database, .external: true
            case .client, .step, .producer: false
            }
        }
        guard !candidates.isEmpty else { return }
        var current = candidates[random.int(in: 0...(candidates.count - 1))]
        draft.nodes[current].failed = true
        draft.nodes[current].origin = true
        while let parent = draft.nodes[current].parent {
            if case .server = draft.nodes[parent].role, random.chance(draft.nodes[current].tolerance) { return }
            draft.nodes[parent].failed = true
            current = parent
        }
    }
}

/// Per-unit values that keep a trace's attributes consistent (one user, one order).
struct TraceContext {
    var user: String
    var order: String

    init(random: inout LoadRandom) {
        user = "u\(random.int(in: 100_000...999_999))"
        order = random.hexString(12)
    }
}
