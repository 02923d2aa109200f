import SkeinCore

/// The value of a candidate index entry: the traces of one batch that have the entry's subject
/// in one start minute, and what the entry knows of each trace's spans of that subject, so a
/// search can skip traces that cannot match without reading them.
///
/// VALUE: count(varint) · per trace: traceID(16) · time − earliest(varint) · latest − earliest(varint)
///        · shortest duration(varint) · longest − shortest(varint)
/// where time is the entry key's time (the latest of the traces' earliest starts).
struct Posting {
    struct Trace: Equatable {
        var traceID: TraceID
        /// Earliest and latest start of the trace's spans of this subject in this minute.
        var earliestStartNanos: UInt64
        var latestStartNanos: UInt64
        var minDurationNanos: UInt64
        var maxDurationNanos: UInt64

        init(_ traceID: TraceID, _ span: BatchSpan) {
            self.traceID = traceID
            earliestStartNanos = span.startNanos
            latestStartNanos = span.startNanos
            minDurationNanos = span.durationNanos
            maxDurationNanos = span.durationNanos
        }

        init(traceID: TraceID, earliestStartNanos: UInt64, latestStartNanos: UInt64, minDurationNanos: UInt64, maxDurationNanos: UInt64) {
            self.traceID = traceID
            self.earliestStartNanos = earliestStartNanos
            self.latestStartNanos = latestStartNanos
            self.minDurationNanos = minDurationNanos
            self.maxDurationNanos = maxDurationNanos
        }

        mutating func add(_ span: BatchSpan) {
            earliestStartNanos = min(earliestStartNanos, span.startNanos)
            latestStartNanos = max(latestStartNanos, span.startNanos)
            minDurationNanos = min(minDurationNanos, span.durationNanos)
            maxDurationNanos = max(maxDurationNanos, span.durationNanos)
        }
    }

    var traces: [Trace] = []

    /// The entry's time: no trace in it starts later.
    var timeNanos: UInt64 { traces.lazy.map(\.earliestStartNanos).max() ?? 0 }

    /// Adds a span of `traceID`; spans of one trace usually come together, so the last trace
    /// is checked first.
    mutating func add(_ traceID: TraceID, _ span: BatchSpan) {
        if let last = traces.indices.last, traces[last].traceID == traceID {
            traces[last].add(span)
        } else if let index = traces.firstIndex(where: { $0.traceID == traceID }) {
            traces[index].add(span)
        } else {
            traces.append(Trace(traceID, span))
        }
    }

    func encoded(timeNanos time: UInt64) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(1 + traces.count * 28)
        Varint.append(UInt64(traces.count), to: &out)
        for trace in traces {
            BigEndian.append(trace.traceID.high, to: &out)
            BigEndian.append(trace.traceID.low, to: &out)
            Varint.append(time - trace.earliestStartNanos, to: &out)
            Varint.append(trace.latestStartNanos - trace.earliestStartNanos, to: &out)
            Varint.append(trace.minDurationNanos, to: &out)
            Varint.append(trace.maxDurationNanos - trace.minDurationNanos, to: &out)
        }
        return out
    }

    /// The traces of an entry whose key time is `time`; nil when the value is malformed.
    static func decode(_ bytes: UnsafeRawBufferPointer, timeNanos time: UInt64) -> [Trace]? {
        var offset = 0
        guard let count = Varint.read(bytes, at: &offset), count <= UInt64(bytes.count) else { return nil }
        var traces: [Trace] = []
        traces.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard offset + 16 <= bytes.count else { return nil }
            let traceID = TraceID(high: BigEndian.uint64(bytes, at: offset), low: BigEndian.uint64(bytes, at: offset + 8))
            offset += 16
            guard let sinceEarliest = Varint.read(bytes, at: &offset), sinceEarliest <= time,
                  let spread = Varint.read(bytes, at: &offset),
                  let shortest = Varint.read(bytes, at: &offset),
                  let range = Varint.read(bytes, at: &offset) else { return nil }
            let earliest = time - sinceEarliest
            let (latest, latestOverflow) = earliest.addingReportingOverflow(spread)
            let (longest, longestOverflow) = shortest.addingReportingOverflow(range)
            guard !latestOverflow, !longestOverflow else { return nil }
            traces.append(Trace(traceID: traceID, earliestStartNanos: earliest, latestStartNanos: latest,
                                minDurationNanos: shortest, maxDurationNanos: longest))
        }
        return offset == bytes.count ? traces : nil
    }
}
