import OTLPProto
import SkeinCore
import SkeinOTLP
import Testing
@testable import SkeinSampling

@Suite struct HeadSamplerTests {
    /// Over 20,000 well-spread trace IDs, the kept share is the rate within 5 standard deviations,
    /// and the kept set is exactly the traces with R ≥ T: the answer depends on the trace ID alone.
    @Test(arguments: [0.5, 0.1, 0.01])
    func keepsTheTracesWhoseRandomnessReachesTheThreshold(rate: Double) throws {
        let sampler = HeadSampler(configuration: HeadSamplingConfiguration(defaultRate: rate))
        let threshold = ConsistentProbability.threshold(probability: rate)
        var ids = Fixtures.TraceIDs(seed: 7)
        let traces = (0..<20_000).map { _ in ids.next() }
        var batch = try Fixtures.batch([("svc", traces.map { Fixtures.span($0, 1) })])
        _ = sampler.apply(to: &batch)
        let kept = Set(batch.groups.flatMap(\.spans).map(\.traceID))
        #expect(kept == Set(traces.filter { ConsistentProbability.randomness($0, explicit: nil) >= threshold }))
        let p = ConsistentProbability.probability(threshold: threshold)
        let sigma = (20_000 * p * (1 - p)).squareRoot()
        #expect(abs(Double(kept.count) - 20_000 * p) <= 5 * sigma)
    }

    @Test func everySpanOfATraceGetsTheSameAnswerAndLowerRatesKeepSubsets() throws {
        let sampler = HeadSampler(configuration: HeadSamplingConfiguration(defaultRate: 1, serviceRates: ["a": 0.5, "b": 0.1]))
        var ids = Fixtures.TraceIDs(seed: 11)
        let traces = (0..<2_000).map { _ in ids.next() }
        var batch = try Fixtures.batch([
            ("a", traces.flatMap { [Fixtures.span($0, 1), Fixtures.span($0, 2, parent: 1)] }),
            ("b", traces.map { Fixtures.span($0, 3, parent: 2) }),
            ("c", traces.map { Fixtures.span($0, 4, parent: 3) }),
        ])
        _ = sampler.apply(to: &batch)
        func kept(_ service: String) -> [TraceID: Int] {
            Dictionary(grouping: batch.groups.filter { $0.serviceName == service }.flatMap(\.spans), by: \.traceID).mapValues(\.count)
        }
        let a = kept("a"), b = kept("b"), c = kept("c")
        #expect(a.values.allSatisfy { $0 == 2 })  // both spans of a trace, or neither
        #expect(Set(b.keys).isSubset(of: Set(a.keys)))
        #expect(c.count == traces.count)  // rate 1: untouched
        #expect(!b.isEmpty && b.count < a.count)
    }

    @Test func keptSpansCarryTheRaisedThresholdInTheirBytes() throws {
        let sampler = HeadSampler(configuration: HeadSamplingConfiguration(defaultRate: 0.25))
        let high = Fixtures.traceID(randomness: 0xd0000000000000)
        var batch = try Fixtures.batch([("svc", [
            Fixtures.span(high, 1),
            Fixtures.span(high, 2, traceState: "ot=th:8;rv:d0000000000000,vendor=x"),
            Fixtures.span(high, 3, traceState: "ot=th:d"),  // already above c, consistent (R ≥ th)
            Fixtures.span(high, 4, traceState: "ot=th:f"),  // inconsistent: R < th
        ])])
        let original = batch.groups[0].spans
        let dropped = sampler.apply(to: &batch)
        #expect(dropped == 0)
        let spans = batch.groups[0].spans
        #expect(spans.map(\.traceState) == ["ot=th:c", "ot=th:c;rv:d0000000000000,vendor=x", "ot=th:d", "ot=th:c"])
        for (span, before) in zip(spans, original) {
            var decoded = try OTLPSpan(serializedBytes: span.encodedSpan)
            #expect(decoded.traceState == span.traceState)
            decoded.traceState = before.traceState
            #expect(decoded == (try OTLPSpan(serializedBytes: before.encodedSpan)))
        }
        #expect(spans[2].encodedSpan == original[2].encodedSpan)  // already above: bytes untouched
    }

    @Test func rvReplacesTheTraceIDRandomness() throws {
        let sampler = HeadSampler(configuration: HeadSamplingConfiguration(defaultRate: 0.5))
        let low = Fixtures.traceID(randomness: 0x10000000000000)
        var batch = try Fixtures.batch([("svc", [Fixtures.span(low, 1), Fixtures.span(low, 2, traceState: "ot=rv:f0000000000000")])])
        #expect(sampler.apply(to: &batch) == 1)
        #expect(batch.groups[0].spans.map(\.spanID) == [SpanID(2)])
    }

    @Test func emptyGroupsGoAndTheRestOfTheBatchStays() throws {
        let sampler = HeadSampler(configuration: HeadSamplingConfiguration(defaultRate: 1, serviceRates: ["noisy": 0]))
        let trace = Fixtures.traceID(randomness: 0xffffffffffffff)
        var batch = try Fixtures.batch([("noisy", [Fixtures.span(trace, 1)]), ("quiet", [Fixtures.span(trace, 2)])],
                                       tenant: Tenant("acme"))
        let quiet = batch.groups[1]
        #expect(sampler.apply(to: &batch) == 1)
        #expect(batch.tenant == Tenant("acme"))
        #expect(batch.groups.map(\.serviceName) == ["quiet"])
        #expect(batch.groups[0].spans.map(\.encodedSpan) == quiet.spans.map(\.encodedSpan))
        #expect(batch.groups[0].encodedResourceScope == quiet.encodedResourceScope)
        #expect(!HeadSampler(configuration: HeadSamplingConfiguration()).isActive)
    }
}
