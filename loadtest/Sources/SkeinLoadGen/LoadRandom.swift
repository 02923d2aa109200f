import Foundation

/// The generator's own PRNG: xoshiro256** seeded through splitmix64. Our own rather than
/// `SystemRandomNumberGenerator` so that `--seed` reproduces the same traces, IDs and attributes
/// on every platform and Swift version (the standard library promises no stable algorithm).
package struct LoadRandom: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    package init(seed: UInt64) {
        var mixer = seed
        state = (Self.splitMix(&mixer), Self.splitMix(&mixer), Self.splitMix(&mixer), Self.splitMix(&mixer))
        // xoshiro must not start from all zeros; splitmix64 never yields four zeros in a row,
        // but keep the guard so the invariant does not rest on that.
        if state == (0, 0, 0, 0) { state.0 = 0x9E37_79B9_7F4A_7C15 }
    }

    /// A stream of its own for item `index` of a run (a request, a worker): the same seed and
    /// index always give the same stream, whatever order concurrent workers take items in.
    package init(seed: UInt64, stream index: UInt64) {
        var mixer = seed ^ (index &* 0xD1B5_4A32_D192_ED03)
        self.init(seed: Self.splitMix(&mixer))
    }

    /// splitmix64 (Steele, Lea, Flood 2014): spreads one 64-bit seed over the xoshiro state.
    package static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    package mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 { (value << count) | (value >> (64 - count)) }

    /// Uniform in [0, 1) with 53 bits of precision.
    package mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// True with probability `probability`.
    package mutating func chance(_ probability: Double) -> Bool { probability > 0 && unit() < probability }

    /// Uniform in `range`; the range must not be empty.
    package mutating func int(in range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    /// A non-zero 64-bit value, for span IDs (zero is invalid, otlp-wire.md §5.1).
    package mutating func nonZero() -> UInt64 {
        while true {
            let value = next()
            if value != 0 { return value }
        }
    }

    /// A standard normal deviate (Box–Muller).
    package mutating func normal() -> Double {
        let u1 = max(unit(), 0x1.0p-53)
        let u2 = unit()
        return (-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Log-normal with the given median and shape: most values near the median, a long right
    /// tail (sigma 0.5 gives p99 ≈ 3.2 × median, sigma 1 gives ≈ 10 ×), as request latencies have.
    package mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * Foundation.exp(sigma * normal())
    }

    /// One element picked with probability proportional to `weight`; nil when empty.
    package mutating func weighted<T>(_ items: [T], weight: (T) -> Double) -> T? {
        let total = items.reduce(0) { $0 + max(0, weight($1)) }
        guard total > 0 else { return items.first }
        var target = unit() * total
        for item in items {
            target -= max(0, weight(item))
            if target < 0 { return item }
        }
        return items.last
    }

    /// Lower-case hex of `count` random characters, for generated IDs in attribute values.
    package mutating func hexString(_ count: Int) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(digits[Int(next() & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// A random version-4 UUID string, for `service.instance.id`.
    package mutating func uuid() -> String {
        let a = hexString(8), b = hexString(4), c = hexString(3), d = hexString(3), e = hexString(12)
        let variant = ["8", "9", "a", "b"][Int(next() & 3)]
        return "\(a)-\(b)-4\(c)-\(variant)\(d)-\(e)"
    }
}
