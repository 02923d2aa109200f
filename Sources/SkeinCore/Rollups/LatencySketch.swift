import Foundation

/// A mergeable latency distribution whose quantiles are within `relativeAccuracy` of the exact
/// nearest-rank value, however skewed the data (a DDSketch-style log-bucket sketch).
///
/// Why this rather than an HdrHistogram: bucket i holds the durations in (γ^(i-1), γ^i] ns, so
/// the relative error bound needs no configured range, merging is adding counts index by index,
/// and a minute with a handful of spans serialises to a handful of bytes (only non-empty
/// buckets are written). Zero durations have their own count; min and max are exact, and
/// estimates are clamped to them.
package struct LatencySketch: Sendable, Equatable {
    /// Quantiles are within this fraction of the true value. Below the promised 1% so that
    /// floating-point rounding at bucket edges can never push an estimate over it.
    package static let relativeAccuracy = 0.009
    static let gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
    static let logGamma = log(gamma)
    /// Highest bucket index: durations are capped at 2^53 ns (104 days) before bucketing.
    static let maxIndex = bucketIndex(1 << 53)

    package private(set) var count: UInt64 = 0
    package private(set) var zeroCount: UInt64 = 0
    /// Exact extremes; `minNanos` is `UInt64.max` while empty.
    package private(set) var minNanos: UInt64 = .max
    package private(set) var maxNanos: UInt64 = 0
    /// Saturating sum of all durations, for the mean.
    package private(set) var sumNanos: UInt64 = 0
    /// Counts of buckets `offset ..< offset + bins.count`.
    private var offset = 0
    private var bins: [UInt64] = []

    package init() {}

    package var isEmpty: Bool { count == 0 }

    /// The bucket of a duration of at least 1 ns.
    static func bucketIndex(_ nanos: UInt64) -> Int {
        Int((log(Double(nanos)) / logGamma).rounded(.up))
    }

    /// The value a bucket stands for: within `relativeAccuracy` of anything in it.
    static func representative(_ index: Int) -> Double {
        2 * pow(gamma, Double(index)) / (gamma + 1)
    }

    package mutating func add(_ nanos: UInt64, count n: UInt64 = 1) {
        guard n > 0 else { return }
        recordExtremes(count: n, min: nanos, max: nanos, sum: nanos.multipliedReportingOverflow(by: n).overflow ? .max : nanos * n)
        if nanos == 0 {
            zeroCount += n
        } else {
            addToBin(Self.bucketIndex(min(nanos, 1 << 53)), n)
        }
    }

    package mutating func merge(_ other: LatencySketch) {
        guard other.count > 0 else { return }
        recordExtremes(count: other.count, min: other.minNanos, max: other.maxNanos, sum: other.sumNanos)
        zeroCount += other.zeroCount
        for (position, binCount) in other.bins.enumerated() where binCount > 0 {
            addToBin(other.offset + position, binCount)
        }
    }

    private mutating func recordExtremes(count n: UInt64, min low: UInt64, max high: UInt64, sum: UInt64) {
        count += n
        minNanos = Swift.min(minNanos, low)
        maxNanos = Swift.max(maxNanos, high)
        let (total, overflow) = sumNanos.addingReportingOverflow(sum)
        sumNanos = overflow ? .max : total
    }

    private mutating func addToBin(_ index: Int, _ n: UInt64) {
        let index = Swift.min(Swift.max(index, 0), Self.maxIndex)
        if bins.isEmpty {
            offset = index
            bins = [n]
            return
        }
        if index < offset {
            bins.insert(contentsOf: repeatElement(0, count: offset - index), at: 0)
            offset = index
        } else if index >= offset + bins.count {
            bins.append(contentsOf: repeatElement(0, count: index - offset - bins.count + 1))
        }
        bins[index - offset] += n
    }

    /// The 1-based nearest rank of quantile `q` among `n` values: ceil(q·n), at least 1. The
    /// product is nudged down by a relative 1e-12 so that 0.07 × 100 (7.000000000000001 in
    /// binary floating point) ranks 7, not 8.
    package static func nearestRank(_ q: Double, of n: UInt64) -> UInt64 {
        let product = q * Double(n) * (1 - 1e-12)
        return Swift.min(n, Swift.max(1, UInt64(product.rounded(.up))))
    }

    /// The duration at quantile `q` in [0, 1] in nanoseconds, or nil when empty.
    package func quantile(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = Self.nearestRank(q, of: count)
        if rank <= zeroCount { return 0 }
        var cumulative = zeroCount
        for (position, binCount) in bins.enumerated() {
            cumulative += binCount
            if cumulative >= rank {
                let estimate = Self.representative(offset + position)
                return Swift.min(Swift.max(estimate, Double(minNanos)), Double(maxNanos))
            }
        }
        return Double(maxNanos)
    }

    package var meanNanos: Double? { count == 0 ? nil : Double(sumNanos) / Double(count) }

    // MARK: encoding
    //
    // count · zeroCount · min · max · sum · number of non-empty buckets · then per bucket the
    // gap from the previous index (the first: the index itself) and its count; all varints.

    package func encode(into bytes: inout [UInt8]) {
        Varint.append(count, to: &bytes)
        Varint.append(zeroCount, to: &bytes)
        Varint.append(count == 0 ? 0 : minNanos, to: &bytes)
        Varint.append(maxNanos, to: &bytes)
        Varint.append(sumNanos, to: &bytes)
        Varint.append(UInt64(bins.count(where: { $0 > 0 })), to: &bytes)
        var previous = 0
        for (position, binCount) in bins.enumerated() where binCount > 0 {
            Varint.append(UInt64(offset + position - previous), to: &bytes)
            Varint.append(binCount, to: &bytes)
            previous = offset + position
        }
    }

    /// Adds an encoded sketch read at `position` (advancing it) to this one, without building
    /// an intermediate sketch. On malformed bytes it returns false and changes nothing.
    package mutating func merge(encoded bytes: UnsafeRawBufferPointer, at position: inout Int) -> Bool {
        var check = position
        guard Self.parse(bytes, at: &check, apply: nil) else { return false }
        return Self.parse(bytes, at: &position, apply: &self)
    }

    /// Checks an encoded sketch at `position` and moves past it, changing nothing.
    package static func validate(encoded bytes: UnsafeRawBufferPointer, at position: inout Int) -> Bool {
        parse(bytes, at: &position, apply: nil)
    }

    /// Reads one encoded sketch; adds it to `sketch` when given, else only checks it.
    private static func parse(_ bytes: UnsafeRawBufferPointer, at position: inout Int, apply sketch: UnsafeMutablePointer<LatencySketch>?) -> Bool {
        guard let n = Varint.read(bytes, at: &position), let zeros = Varint.read(bytes, at: &position),
              let low = Varint.read(bytes, at: &position), let high = Varint.read(bytes, at: &position),
              let sum = Varint.read(bytes, at: &position), let buckets = Varint.read(bytes, at: &position),
              zeros <= n, buckets <= n else { return false }
        guard n > 0 else { return buckets == 0 }
        sketch?.pointee.recordExtremes(count: n, min: low, max: high, sum: sum)
        sketch?.pointee.zeroCount += zeros
        var index = 0
        var total = zeros
        for _ in 0..<buckets {
            guard let gap = Varint.read(bytes, at: &position), let binCount = Varint.read(bytes, at: &position),
                  gap <= UInt64(maxIndex) else { return false }
            index += Int(gap)
            let (sum, overflow) = total.addingReportingOverflow(binCount)
            guard !overflow else { return false }
            total = sum
            sketch?.pointee.addToBin(index, binCount)
        }
        return total == n
    }
}
