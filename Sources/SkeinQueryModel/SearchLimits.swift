/// How much one search may ask for (`query.max_search_limit`, `query.max_search_range`).
/// Checked once in `QueryService.search`, so every search endpoint refuses the same way.
package struct SearchLimits: Sendable, Equatable {
    /// Most traces one search may return. Default 1,500, the largest limit Jaeger's UI offers;
    /// never below 100, the limit a search without one gets.
    package var maxLimit: Int
    /// Longest `end - start` of a search, in nanoseconds; 0 for no limit beyond retention
    /// (the default: a search reads only what is stored, and retention bounds that).
    package var maxRangeNanos: UInt64

    package init(maxLimit: Int = 1_500, maxRangeNanos: UInt64 = 0) {
        self.maxLimit = maxLimit
        self.maxRangeNanos = maxRangeNanos
    }

    package func check(_ query: TraceQuery) throws(ParameterError) {
        guard query.limit <= maxLimit else {
            throw ParameterError("'limit' \(query.limit) is more than this server returns at once (query.max_search_limit: \(maxLimit)); ask for fewer traces")
        }
        let range = query.startMaxNanos >= query.startMinNanos ? query.startMaxNanos - query.startMinNanos : 0
        guard maxRangeNanos == 0 || range <= maxRangeNanos else {
            throw ParameterError("the time range from start to end is longer than this server searches at once (query.max_search_range: \(Self.hours(maxRangeNanos))); narrow it")
        }
    }

    private static func hours(_ nanos: UInt64) -> String {
        let hours = Double(nanos) / 3_600_000_000_000
        return hours >= 48 ? "\(Int(hours / 24))d" : hours >= 1 ? "\(Int(hours))h" : "\(Int(hours * 60))m"
    }
}
