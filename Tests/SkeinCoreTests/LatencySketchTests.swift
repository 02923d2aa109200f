import Foundation
@testable import SkeinCore
import Testing

/// SplitMix64: a small deterministic generator so every run checks the same data.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

struct LatencySketchTests {
    /// Durations in nanoseconds, several shapes including heavy tails and exact zeros.
    static let distributions: [(String, @Sendable (inout SeededRandom) -> UInt64)] = [
        ("uniform 1 ms – 1 s", { UInt64(1_000_000 + $0.unit() * 999_000_000) }),
        ("log-normal, σ = 1.5", { random in
            let normal = sqrt(-2 * log(max(random.unit(), 1e-300))) * cos(2 * .pi * random.unit())
            return UInt64(exp(16 + 1.5 * normal))
        }),
        ("Pareto α = 1.1 (heavy tail)", { UInt64(50_000 / pow(max($0.unit(), 1e-12), 1 / 1.1)) }),
        ("bimodal cache hit / miss", { $0.unit() < 0.9 ? UInt64(200_000 + $0.unit() * 50_000) : UInt64(80_000_000 + $0.unit() * 40_000_000) }),
        ("constant", { _ in 42_000_000 }),
        ("mostly zero, some nanoseconds", { $0.unit() < 0.6 ? 0 : UInt64(1 + $0.unit() * 20) }),
    ]

    /// Quantiles in parts per 100,000, so the exact nearest rank is integer arithmetic.
    static let quantilesPer100k: [UInt64] = [1, 100, 1_000, 7_000, 25_000, 50_000, 75_000, 90_000, 95_000, 99_000, 99_900, 99_990, 100_000]

    @Test(arguments: 0..<distributions.count)
    func everyQuantileIsWithinOnePercentOfTheExactNearestRank(_ which: Int) throws {
        let (name, draw) = Self.distributions[which]
        var random = SeededRandom(state: UInt64(which + 1))
        for n in [1, 2, 7, 100, 20_000] {
            let values = (0..<n).map { _ in draw(&random) }
            var sketch = LatencySketch()
            for value in values { sketch.add(value) }
            let sorted = values.sorted()
            for per100k in Self.quantilesPer100k {
                let rank = max(1, (per100k * UInt64(n) + 99_999) / 100_000)  // ceil(q·n), integers only
                let exact = Double(sorted[Int(rank) - 1])
                let estimate = try #require(sketch.quantile(Double(per100k) / 100_000))
                let error = exact == 0 ? estimate : abs(estimate - exact) / exact
                #expect(error <= 0.01, "\(name), n=\(n), q=\(Double(per100k) / 100_000): exact \(exact), estimate \(estimate)")
            }
            #expect(sketch.count == UInt64(n))
            #expect(sketch.minNanos == sorted.first && sketch.maxNanos == sorted.last)
        }
    }

    @Test func mergingEncodedPartsEqualsOneSketchOfEverything() throws {
        var random = SeededRandom(state: 99)
        var whole = LatencySketch()
        var merged = LatencySketch()
        for _ in 0..<20 {
            var part = LatencySketch()
            for _ in 0..<(1 + Int(random.next() % 300)) {
                let value = random.next() % 3 == 0 ? 0 : random.next() % 5_000_000_000
                part.add(value)
                whole.add(value)
            }
            var bytes: [UInt8] = []
            part.encode(into: &bytes)
            var position = 0
            #expect(bytes.withUnsafeBytes { merged.merge(encoded: $0, at: &position) })
            #expect(position == bytes.count)
        }
        #expect(merged == whole)
    }

    @Test func malformedBytesChangeNothing() {
        var sketch = LatencySketch()
        sketch.add(5_000)
        let before = sketch
        for bytes: [UInt8] in [[], [0x80], [3, 0, 1, 9, 10, 2, 0, 1], [1, 0, 5, 5, 5, 1, 200, 1], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]] {
            var position = 0
            #expect(!bytes.withUnsafeBytes { sketch.merge(encoded: $0, at: &position) })
            #expect(sketch == before)
        }
    }

    @Test func rollupValuesRoundTripAndCountErrors() throws {
        var value = RollupValue()
        value.add(durationNanos: 10, isError: false)
        value.add(durationNanos: 1_000_000, isError: true)
        let decoded = try #require(RollupValue(encoded: value.encoded))
        #expect(decoded == value)
        #expect(decoded.calls == 2 && decoded.errors == 1)
        #expect(RollupValue(encoded: value.encoded + [0]) == nil)
        #expect(RollupValue(encoded: [9] + value.encoded.dropFirst()) == nil)
    }

    @Test func nearestRankIsNotFooledByBinaryFractions() {
        #expect(LatencySketch.nearestRank(0.07, of: 100) == 7)
        #expect(LatencySketch.nearestRank(0.95, of: 100) == 95)
        #expect(LatencySketch.nearestRank(0.951, of: 100) == 96)
        #expect(LatencySketch.nearestRank(0, of: 10) == 1)
        #expect(LatencySketch.nearestRank(1, of: 10) == 10)
    }
}

extension LatencySketchTests {
    @Test func writtenOutConstantsMatchTheirFormulas() {
        let alpha = LatencySketch.relativeAccuracy
        #expect(LatencySketch.gamma == (1 + alpha) / (1 - alpha))
        #expect(LatencySketch.logGamma == log(LatencySketch.gamma))
        #expect(LatencySketch.maxIndex == LatencySketch.bucketIndex(1 << 53))
    }
}
