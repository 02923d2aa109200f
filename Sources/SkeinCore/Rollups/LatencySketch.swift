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
    // Written out rather than computed so the hot loops read constants, not lazily initialised
    // globals; a test checks them against the formulas.
    /// (1 + α) / (1 − α): the ratio between neighbouring bucket bounds.
    static let gamma = 1.0181634712411705
    /// ln(γ).
    static let logGamma = 0.018000486023620893
    /// Highest bucket index: durations are capped at 2^53 ns (104 days) before bucketing.
    static let maxIndex = 2_041

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
    /// an intermediate sketch. With `end`, the sketch must finish exactly there. On malformed
    /// bytes it returns false and changes nothing.
    ///
    /// This is the inner loop of every metrics query (a day of one service is thousands of
    /// records of hundreds of buckets), so it reads in two tight passes: the first checks the
    /// bytes and finds the bucket range, the second adds into bins sized once.
    package mutating func merge(encoded bytes: UnsafeRawBufferPointer, at position: inout Int, end: Int? = nil) -> Bool {
        guard let header = Self.check(bytes, from: position), end == nil || header.end == end else { return false }
        position = header.end
        guard header.count > 0 else { return true }
        recordExtremes(count: header.count, min: header.min, max: header.max, sum: header.sum)
        zeroCount += header.zeros
        guard header.buckets > 0 else { return true }
        reserveBins(header.lowIndex...header.highIndex)
        var cursor = header.bucketsStart
        var index = 0
        let base = offset
        bins.withUnsafeMutableBufferPointer { bins in
            for _ in 0..<header.buckets {
                index += Int(Self.readVarint(bytes, &cursor))
                bins[Swift.min(index, Self.maxIndex) - base] &+= Self.readVarint(bytes, &cursor)
            }
        }
        return true
    }

    /// Checks an encoded sketch at `position` and moves past it, changing nothing.
    package static func validate(encoded bytes: UnsafeRawBufferPointer, at position: inout Int) -> Bool {
        guard let header = check(bytes, from: position) else { return false }
        position = header.end
        return true
    }

    private struct Header {
        var count: UInt64, zeros: UInt64, min: UInt64, max: UInt64, sum: UInt64, buckets: Int
        var bucketsStart: Int, lowIndex: Int, highIndex: Int, end: Int
    }

    /// Reads the header and walks the buckets without storing them: counts must add up, every
    /// varint must be whole, indexes must stay in range.
    private static func check(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Header? {
        var position = start
        guard let n = Varint.read(bytes, at: &position), let zeros = Varint.read(bytes, at: &position),
              let low = Varint.read(bytes, at: &position), let high = Varint.read(bytes, at: &position),
              let sum = Varint.read(bytes, at: &position), let buckets = Varint.read(bytes, at: &position),
              zeros <= n, buckets <= n, n == 0 || low <= high else { return nil }
        if n == 0 { return buckets == 0 ? Header(count: 0, zeros: 0, min: 0, max: 0, sum: 0, buckets: 0, bucketsStart: position, lowIndex: 0, highIndex: 0, end: position) : nil }
        let limit = UInt64(maxIndex)
        let bucketsStart = position
        var index: UInt64 = 0
        var lowIndex: UInt64 = 0
        var total = zeros
        for bucket in 0..<Int(buckets) {
            guard let gap = Varint.read(bytes, at: &position), let binCount = Varint.read(bytes, at: &position) else { return nil }
            index += gap
            guard index <= limit, binCount > 0 else { return nil }
            if bucket == 0 { lowIndex = index }
            let (added, overflow) = total.addingReportingOverflow(binCount)
            guard !overflow else { return nil }
            total = added
        }
        guard total == n else { return nil }
        return Header(count: n, zeros: zeros, min: low, max: high, sum: sum, buckets: Int(buckets), bucketsStart: bucketsStart,
                      lowIndex: Int(lowIndex), highIndex: Int(index), end: position)
    }

    /// Grows `bins` once so that it covers `range`.
    private mutating func reserveBins(_ range: ClosedRange<Int>) {
        if bins.isEmpty {
            offset = range.lowerBound
            bins = Array(repeating: 0, count: range.count)
            return
        }
        if range.lowerBound < offset {
            bins.insert(contentsOf: repeatElement(0, count: offset - range.lowerBound), at: 0)
            offset = range.lowerBound
        }
        if range.upperBound >= offset + bins.count {
            bins.append(contentsOf: repeatElement(0, count: range.upperBound - offset - bins.count + 1))
        }
    }

    /// A varint already checked by `check`: no bounds or length tests.
    @inline(__always)
    private static func readVarint(_ bytes: UnsafeRawBufferPointer, _ position: inout Int) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }
}
