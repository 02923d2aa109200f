import Synchronization

/// Token buckets for `rate_limit` policies: one per (policy, service), refilled continuously
/// at the policy's rate and holding at most one second of it (at least one token), so a quiet
/// service can keep a short burst. Time comes from the caller, so tests control it.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updatedNanos: UInt64
    }

    private struct Key: Hashable {
        var policy: Int
        var service: String
    }

    /// More services than this (a flood of made-up names) resets the buckets rather than growing.
    static let maxBuckets = 10_000

    private let buckets = Mutex<[Key: Bucket]>([:])

    /// Takes a token from the bucket of `service` under policy `policy`; false when it is empty.
    func take(policy: Int, service: String, tracesPerSecond: Double, nowNanos: UInt64) -> Bool {
        let capacity = max(1, tracesPerSecond)
        return buckets.withLock { buckets in
            let key = Key(policy: policy, service: service)
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updatedNanos: nowNanos)
            if nowNanos > bucket.updatedNanos {
                let elapsed = Double(nowNanos - bucket.updatedNanos) / 1e9
                bucket.tokens = min(capacity, bucket.tokens + elapsed * tracesPerSecond)
                bucket.updatedNanos = nowNanos
            }
            let granted = bucket.tokens >= 1
            if granted { bucket.tokens -= 1 }
            if buckets[key] == nil, buckets.count >= Self.maxBuckets { buckets.removeAll(keepingCapacity: true) }
            buckets[key] = bucket
            return granted
        }
    }
}
