import Foundation

/// Request latencies in log-spaced buckets 1 % wide, from 1 µs to about 7 hours: constant
/// memory however long the run, and percentiles accurate to 1 % (HdrHistogram's idea,
/// simplified). Recording is O(1).
package struct LatencyHistogram: Sendable, Equatable {
    private static let growth = 1.01
    private static let bucketCount = 2_500
    private var buckets = [UInt64](repeating: 0, count: bucketCount)
    package private(set) var count: UInt64 = 0
    package private(set) var maximumNanos: UInt64 = 0
    package private(set) var totalNanos: Double = 0

    package init() {}

    package mutating func record(nanos: UInt64) {
        buckets[Self.bucket(for: nanos)] += 1
        count += 1
        maximumNanos = max(maximumNanos, nanos)
        totalNanos += Double(nanos)
    }

    package mutating func record(_ duration: Duration) {
        let parts = duration.components
        let nanos = max(0, parts.seconds) * 1_000_000_000 + parts.attoseconds / 1_000_000_000
        record(nanos: UInt64(max(0, nanos)))
    }

    /// The latency below which `fraction` (0-1) of the recorded requests fall, in
    /// nanoseconds (the upper edge of the bucket, never above the maximum seen); 0 if empty.
    package func percentile(_ fraction: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = max(1, UInt64((Double(count) * fraction).rounded(.up)))
        var seen: UInt64 = 0
        for (index, bucketCount) in buckets.enumerated() {
            seen += bucketCount
            if seen >= rank { return min(Self.upperEdge(of: index), maximumNanos) }
        }
        return maximumNanos
    }

    private static func bucket(for nanos: UInt64) -> Int {
        guard nanos > 1_000 else { return 0 }
        let index = Int(Foundation.log(Double(nanos) / 1_000) / Foundation.log(growth)) + 1
        return min(index, bucketCount - 1)
    }

    private static func upperEdge(of bucket: Int) -> UInt64 {
        UInt64(1_000 * Foundation.pow(growth, Double(bucket)))
    }
}
