import SkeinCore
import Testing
@testable import SkeinSampling

@Suite struct ConsistentProbabilityTests {
    /// The table of otlp-wire.md §5.4, at the 4-digit precision SDKs use.
    static let table: [(Double, String, UInt64)] = [
        (1.0, "0", 0x00000000000000),
        (0.5, "8", 0x80000000000000),
        (0.25, "c", 0xc0000000000000),
        (0.1, "e666", 0xe6660000000000),
        (1.0 / 16, "f", 0xf0000000000000),
        (0.01, "fd70a", 0xfd70a000000000),
        (0.05, "f3333", 0xf3333000000000),
        (0.9, "199a", 0x199a0000000000),
        (0.999, "004189", 0x00418900000000),
    ]

    @Test(arguments: table)
    func thresholdsAndTheirEncoding(probability: Double, th: String, threshold: UInt64) {
        #expect(ConsistentProbability.threshold(probability: probability) == threshold)
        #expect(ConsistentProbability.encode(threshold: threshold) == th)
        #expect(ConsistentProbability.decodeThreshold(Substring(th)) == threshold)
    }

    @Test func extremeProbabilities() {
        #expect(ConsistentProbability.threshold(probability: 0) == ConsistentProbability.rejectAll)
        let tiny = ConsistentProbability.threshold(probability: 1e-18)
        #expect(tiny < ConsistentProbability.scale && tiny > 0xfffffff0000000)
        #expect(ConsistentProbability.probability(threshold: 0xc0000000000000) == 0.25)
        #expect(ConsistentProbability.probability(threshold: ConsistentProbability.rejectAll) == 0)
    }

    @Test(arguments: ["", "C", "g", "123456789abcdef", "8 ", "-1"])
    func invalidThresholdsAreIgnored(th: String) {
        #expect(ConsistentProbability.decodeThreshold(Substring(th)) == nil)
    }

    @Test func randomnessComesFromTheTraceIDOrRv() {
        // otlp-wire.md §4.3/§5.4: trace id …a8e6f0b2d4c69e17 has R = 0xe6f0b2d4c69e17, kept at 25%.
        let trace = TraceID(hex: "5b8efff798038103a8e6f0b2d4c69e17")!
        let r = ConsistentProbability.randomness(trace, explicit: nil)
        #expect(r == 0xe6f0b2d4c69e17)
        #expect(r >= ConsistentProbability.threshold(probability: 0.25))
        #expect(ConsistentProbability.randomness(trace, explicit: 5) == 5)
        #expect(ConsistentProbability.decodeRandomness("6e6d1a75832a2f") == 0x6e6d1a75832a2f)
        #expect(ConsistentProbability.decodeRandomness("6e6d1a75832a2") == nil)
        #expect(ConsistentProbability.decodeRandomness("6E6D1A75832A2F") == nil)
    }
}

@Suite struct OTelTraceStateTests {
    static let parsed: [(String, UInt64?, UInt64?)] = [
        ("", nil, nil),
        ("ot=th:c", 0xc0000000000000, nil),
        ("ot=th:c;rv:6e6d1a75832a2f", 0xc0000000000000, 0x6e6d1a75832a2f),
        ("vendor=abc, ot=rv:6e6d1a75832a2f;th:8;x:y", 0x80000000000000, 0x6e6d1a75832a2f),
        ("ot=th:zz;rv:short", nil, nil),
        ("vendor=th:c", nil, nil),
        ("xot=th:c", nil, nil),
    ]

    @Test(arguments: parsed)
    func parsing(traceState: String, threshold: UInt64?, randomness: UInt64?) {
        let state = OTelTraceState(parsing: traceState)
        #expect(state.threshold == threshold)
        #expect(state.randomness == randomness)
    }

    static let edits: [(String, UInt64?, String)] = [
        ("", 0xc0000000000000, "ot=th:c"),
        ("ot=th:8", 0xc0000000000000, "ot=th:c"),
        ("vendor=abc,ot=rv:6e6d1a75832a2f;th:8;x:y", 0xc0000000000000, "ot=th:c;rv:6e6d1a75832a2f;x:y,vendor=abc"),
        ("vendor=abc, ot=th:8", nil, "vendor=abc"),
        ("ot=th:8;rv:6e6d1a75832a2f,b=1", nil, "ot=rv:6e6d1a75832a2f,b=1"),
        ("a=1,b=2", nil, "a=1,b=2"),
    ]

    @Test(arguments: edits)
    func settingAndErasingTheThresholdKeepsEverythingElse(before: String, threshold: UInt64?, after: String) {
        #expect(OTelTraceState.settingThreshold(threshold, in: before) == after)
    }
}
