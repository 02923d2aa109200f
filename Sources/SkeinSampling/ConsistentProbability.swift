package import SkeinCore

/// Consistent probability sampling (otlp-wire.md §5.4): every participant compares the same
/// 56-bit randomness R with its rejection threshold T and keeps iff R ≥ T, so a sampler with a
/// higher probability keeps a superset of what a lower one keeps and whole traces survive together.
package enum ConsistentProbability {
    /// 2^56: thresholds and randomness are 56-bit numbers below it.
    package static let scale: UInt64 = 1 << 56

    /// The threshold that rejects everything (probability 0). It has no `th` encoding, which is
    /// fine: nothing sampled with it is ever written.
    package static let rejectAll: UInt64 = scale

    /// R: the explicit `rv` when present, else the last 7 bytes of the trace ID (§5.4 step 1).
    package static func randomness(_ traceID: TraceID, explicit rv: UInt64?) -> UInt64 {
        rv ?? (traceID.low & (scale - 1))
    }

    /// T = (1 − p) · 2^56 for a probability p, rounded to `precision` significant hex digits as
    /// SDKs write it (4 by default; digits forced by leading 0s of T or leading `f`s count
    /// extra), so the `th` Skein writes stays short and exactly describes the decision it made.
    package static func threshold(probability p: Double, precision: Int = 4) -> UInt64 {
        guard p < 1 else { return 0 }
        guard p > 0 else { return rejectAll }
        var digits = precision
        var reject = 1 - p
        while reject * 16 < 1, digits < 14 {
            reject *= 16
            digits += 1
        }
        var keep = p
        while keep * 16 < 1, digits < 14 {
            keep *= 16
            digits += 1
        }
        let kept = UInt64((p * Double(scale)).rounded())
        var threshold = kept >= scale ? 0 : scale - max(1, kept)
        let shift = UInt64(4 * (14 - digits))
        if shift > 0 {
            threshold = ((threshold + (1 << (shift - 1))) >> shift) << shift
        }
        // Rounding up may reach 2^56; the largest threshold at this precision is just below it.
        if threshold >= scale { threshold = scale - (shift > 0 ? 1 << shift : 1) }
        return threshold
    }

    /// The probability a threshold keeps: (2^56 − T) / 2^56.
    package static func probability(threshold: UInt64) -> Double {
        threshold >= scale ? 0 : Double(scale - threshold) / Double(scale)
    }

    /// `th` text: 14 hex digits with trailing zeros dropped; `0` for T = 0.
    package static func encode(threshold: UInt64) -> String {
        guard threshold > 0 else { return "0" }
        var digits = Array(Hex.string(threshold & (scale - 1)).utf8.dropFirst(2))  // 64 → 56 bits
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        return String(decoding: digits, as: UTF8.self)
    }

    /// Decodes `th`: 1 to 14 lowercase hex digits, padded on the right to 14. Nil when invalid.
    package static func decodeThreshold(_ text: Substring) -> UInt64? {
        guard (1...14).contains(text.utf8.count), text.utf8.allSatisfy(isLowerHex) else { return nil }
        guard let value = Hex.parseUInt64(Array(text.utf8)[...]) else { return nil }
        return value << UInt64(4 * (14 - text.utf8.count))
    }

    /// Decodes `rv`: exactly 14 lowercase hex digits. Nil when invalid.
    package static func decodeRandomness(_ text: Substring) -> UInt64? {
        guard text.utf8.count == 14, text.utf8.allSatisfy(isLowerHex) else { return nil }
        return Hex.parseUInt64(Array(text.utf8)[...])
    }

    private static func isLowerHex(_ char: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(char) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(char)
    }
}
