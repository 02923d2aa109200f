import SkeinCore
import Testing
@testable import SkeinLoadGen

/// The generated traces are internally consistent and shaped like the scenario says.
@Suite struct TraceShapesTests {
    static let end: UInt64 = 1_767_225_600_000_000_000

    static func generate(_ graph: ServiceGraph, units: Int, errorRate: Double = 0.05, seed: UInt64 = 42) -> (TraceShapes, [GeneratedTrace]) {
        var shapes = TraceShapes(graph: graph, errorRate: errorRate, seed: seed)
        var traces: [GeneratedTrace] = []
        for _ in 0..<units { traces += shapes.nextUnit(endingBefore: end) }
        return (shapes, traces)
    }

    static let graphs: [(String, ServiceGraph)] = [
        ("ecommerce", .ecommerce()),
        ("synthetic", .synthetic(services: 10, depth: 4, fanout: 3, seed: 9)),
        ("synthetic-2", .synthetic(services: 2, depth: 5, fanout: 2, seed: 9)),
        ("synthetic-wide", .synthetic(services: 30, depth: 6, fanout: 6, seed: 9)),
    ]

    @Test(arguments: 0..<graphs.count) func childrenLieInsideTheirParentsAndParentsResolve(_ index: Int) {
        let units = index == 3 ? 20 : 300
        let (_, traces) = Self.generate(Self.graphs[index].1, units: units)
        #expect(traces.count >= units)
        for trace in traces {
            #expect(trace.spans.count <= TraceShapes.maxSpansPerTrace)
            let byID = Dictionary(trace.spans.map { ($0.spanID, $0) }, uniquingKeysWith: { first, _ in first })
            #expect(byID.count == trace.spans.count, "span IDs are unique within a trace")
            #expect(trace.spans[0].parentSpanID == 0 && trace.spans.dropFirst().allSatisfy { $0.parentSpanID != 0 })
            for span in trace.spans {
                #expect(span.startNanos < span.endNanos && span.endNanos <= Self.end)
                for event in span.events { #expect(event.timeNanos >= span.startNanos && event.timeNanos <= span.endNanos) }
                guard span.parentSpanID != 0 else { continue }
                guard let parent = byID[span.parentSpanID] else {
                    Issue.record("parent \(span.parentSpanID) of \(span.name) is not in the trace")
                    continue
                }
                #expect(parent.startNanos <= span.startNanos && span.endNanos <= parent.endNanos,
                        "\(span.name) lies outside its parent \(parent.name)")
            }
        }
    }

    @Test(arguments: 0..<graphs.count) func serverSpansAnswerClientSpansOfAnotherService(_ index: Int) {
        let (_, traces) = Self.generate(Self.graphs[index].1, units: index == 3 ? 20 : 200)
        var pairs = 0
        for trace in traces {
            let byID = Dictionary(trace.spans.map { ($0.spanID, $0) }, uniquingKeysWith: { first, _ in first })
            for span in trace.spans where span.kind == .server && span.parentSpanID != 0 {
                let parent = byID[span.parentSpanID]
                #expect(parent?.kind == .client)
                #expect(parent?.instance.service != span.instance.service, "a CLIENT→SERVER pair crosses services")
                #expect(span.flags == 0x301, "a SERVER span with a remote parent says so in its flags")
                pairs += 1
            }
        }
        #expect(pairs > 200)
    }

    @Test(arguments: [0.0, 0.02, 0.1, 0.5]) func theErrorRateIsCloseToTheFlag(_ rate: Double) {
        let (_, traces) = Self.generate(.ecommerce(), units: 6000, errorRate: rate, seed: 3)
        let share = Double(traces.filter(\.hasError).count) / Double(traces.count)
        #expect(abs(share - rate) < 0.015, "error share \(share) for --error-rate \(rate)")
        if rate == 0 { #expect(traces.allSatisfy { !$0.hasError }) }
    }

    @Test func failuresCarrySemconvStatusAndPropagateToCallers() {
        let (_, traces) = Self.generate(.ecommerce(), units: 3000, errorRate: 0.3, seed: 5)
        var propagated = 0
        for trace in traces where trace.hasError {
            #expect(trace.spans.contains { span in span.events.contains { $0.name == "exception" } },
                    "the failing span records an exception event")
            let byID = Dictionary(trace.spans.map { ($0.spanID, $0) }, uniquingKeysWith: { first, _ in first })
            for span in trace.spans where span.isError {
                #expect(span.attribute("error.type") != nil, "\(span.name) is ERROR without error.type")
                if let parent = byID[span.parentSpanID], span.kind == .server {
                    #expect(parent.isError, "a CLIENT span sees its SERVER child's failure")
                }
                if span.parentSpanID == 0 { propagated += 1 }
                if span.kind == .server, case .int(let status)? = span.attribute("http.response.status_code") {
                    #expect(status == 500)
                }
            }
            for span in trace.spans where !span.isError {
                #expect(span.attribute("error.type") == nil)
            }
        }
        #expect(propagated > 50, "some failures reach the root span")
    }

    @Test func theECommerceServiceGraphHasTheExpectedEdges() {
        let graph = ServiceGraph.ecommerce()
        let (_, traces) = Self.generate(graph, units: 2000)
        var edges = Set<String>()
        var linkedConsumers = 0
        let all = Dictionary(traces.map { ($0.traceID, $0) }, uniquingKeysWith: { first, _ in first })
        for trace in traces {
            let byID = Dictionary(trace.spans.map { ($0.spanID, $0) }, uniquingKeysWith: { first, _ in first })
            for span in trace.spans {
                let service = graph.services[span.instance.service].name
                if span.kind == .server, let parent = byID[span.parentSpanID] {
                    edges.insert("\(graph.services[parent.instance.service].name)→\(service)")
                }
                if span.kind == .client, case .string(let system)? = span.attribute("db.system.name") {
                    edges.insert("\(service)→\(system)")
                }
                for link in span.links {
                    let target = all[link.traceID]?.spans.first { $0.spanID == link.spanID }
                    #expect(span.kind == .consumer && target?.kind == .producer, "consumers link to their producer")
                    linkedConsumers += 1
                }
            }
        }
        let expected: Set<String> = [
            "frontend→product-catalog", "frontend→recommendation", "frontend→currency", "frontend→cart", "frontend→checkout",
            "frontend→shipping",
            "recommendation→product-catalog", "checkout→cart", "checkout→product-catalog", "checkout→currency",
            "checkout→inventory", "checkout→payment", "checkout→shipping",
            "cart→redis", "product-catalog→postgresql", "inventory→postgresql", "payment→postgresql",
        ]
        #expect(edges == expected)
        #expect(linkedConsumers > 50)
    }

    @Test func spansCarrySemanticConventionAttributes() {
        let (shapes, traces) = Self.generate(.ecommerce(), units: 500)
        let spans = traces.flatMap(\.spans)
        for span in spans {
            let keys = Set(span.attributes.map(\.key))
            if keys.contains("http.route") {
                #expect(span.kind == .server)
                #expect(keys.isSuperset(of: ["http.request.method", "url.path", "http.response.status_code", "server.address"]))
                guard case .int = span.attribute("http.response.status_code") else {
                    Issue.record("status code is not an int")
                    continue
                }
            }
            if keys.contains("db.system.name") {
                #expect(span.kind == .client && keys.isSuperset(of: ["db.operation.name", "db.query.text", "server.address"]))
            }
            if keys.contains("rpc.system.name") { #expect(keys.contains("rpc.method") && keys.contains("rpc.response.status_code")) }
        }
        #expect(spans.contains { $0.kind == .client && $0.attribute("url.full") != nil })
        #expect(spans.contains { $0.kind == .producer } && spans.contains { $0.kind == .consumer })
        #expect(spans.contains { $0.kind == .internal })
        #expect(spans.contains { $0.events.contains { $0.name == "order.placed" } })
        for resource in shapes.instances.flatMap({ $0 }) {
            let keys = Set(resource.attributes.map(\.key))
            #expect(keys.isSuperset(of: ["service.name", "service.instance.id", "host.name", "telemetry.sdk.name",
                                         "telemetry.sdk.language", "telemetry.sdk.version"]))
        }
    }

    @Test func durationsHaveALongTail() {
        let (_, traces) = Self.generate(.ecommerce(), units: 4000)
        let durations = traces.map { $0.root.map { $0.endNanos - $0.startNanos } ?? 0 }.sorted()
        let median = Double(durations[durations.count / 2])
        let p99 = Double(durations[durations.count * 99 / 100])
        #expect(p99 > 3 * median, "p99 \(p99) vs median \(median)")
    }

    @Test func aSeedReproducesTheSameTraces() {
        for (_, graph) in Self.graphs {
            let (_, first) = Self.generate(graph, units: 50, seed: 1234)
            let (_, again) = Self.generate(graph, units: 50, seed: 1234)
            let (_, other) = Self.generate(graph, units: 50, seed: 1235)
            #expect(first == again)
            #expect(first != other)
        }
        #expect(ServiceGraph.synthetic(services: 8, depth: 3, fanout: 2, seed: 5).endpoints.count
            == ServiceGraph.synthetic(services: 8, depth: 3, fanout: 2, seed: 5).endpoints.count)
    }

    @Test func syntheticTracesFollowDepthAndFanout() {
        for (depth, fanout) in [(1, 1), (3, 2), (4, 3)] {
            let graph = ServiceGraph.synthetic(services: 6, depth: depth, fanout: fanout, seed: 1)
            let (_, traces) = Self.generate(graph, units: 200, errorRate: 0)
            var deepest = 0
            var widest = 0
            for trace in traces {
                var level: [UInt64: Int] = [:]
                var children: [UInt64: Int] = [:]
                for span in trace.spans where span.kind == .server {
                    // Server spans sit two spans below their caller's server span (via a CLIENT span).
                    let clientParent = trace.spans.first { $0.spanID == span.parentSpanID }
                    level[span.spanID] = clientParent.flatMap { level[$0.parentSpanID] }.map { $0 + 1 } ?? 1
                    if let caller = clientParent?.parentSpanID { children[caller, default: 0] += 1 }
                }
                deepest = max(deepest, level.values.max() ?? 0)
                widest = max(widest, children.values.max() ?? 0)
            }
            #expect(deepest == depth, "depth \(depth), fanout \(fanout)")
            #expect(widest <= fanout)
        }
    }
}
