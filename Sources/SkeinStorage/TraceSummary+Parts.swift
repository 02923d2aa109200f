import SkeinCore

/// One batch's contribution to a trace summary, stored under `KeyLayout.summaryPrefix`.
struct TraceSummaryPart: Equatable {
    var startNanos: UInt64 = .max
    var endNanos: UInt64 = 0
    var spanCount = 0
    var errorCount = 0
    /// Start of the earliest root span in the batch, `.max` when it has none.
    var rootStartNanos: UInt64 = .max
    var rootService = ""
    var rootOperation = ""
    var services: [String] = []

    mutating func add(_ span: BatchSpan, service: String) {
        startNanos = min(startNanos, span.startNanos)
        endNanos = max(endNanos, span.endNanos)
        spanCount += 1
        if span.isError { errorCount += 1 }
        if span.isRoot && span.startNanos < rootStartNanos {
            rootStartNanos = span.startNanos
            rootService = service
            rootOperation = span.name
        }
        if !services.contains(service) { services.append(service) }
    }

    // VALUE: start:8 end:8 spans:4 errors:4 rootStart:8 rootService rootOperation count:2 services…
    var encoded: [UInt8] {
        var out = [UInt8]()
        BigEndian.append(startNanos, to: &out)
        BigEndian.append(endNanos, to: &out)
        BigEndian.append(UInt64(spanCount) << 32 | UInt64(errorCount), to: &out)
        BigEndian.append(rootStartNanos, to: &out)
        KeyLayout.string(rootService, into: &out)
        KeyLayout.string(rootOperation, into: &out)
        BigEndian.append(UInt16(min(services.count, Int(UInt16.max))), to: &out)
        for service in services.prefix(Int(UInt16.max)) { KeyLayout.string(service, into: &out) }
        return out
    }

    init() {}

    init?(decoding bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 32 else { return nil }
        startNanos = BigEndian.uint64(bytes, at: 0)
        endNanos = BigEndian.uint64(bytes, at: 8)
        let counts = BigEndian.uint64(bytes, at: 16)
        spanCount = Int(counts >> 32)
        errorCount = Int(counts & 0xFFFF_FFFF)
        rootStartNanos = BigEndian.uint64(bytes, at: 24)
        var offset = 32
        guard let service = KeyLayout.readString(bytes, at: &offset),
              let operation = KeyLayout.readString(bytes, at: &offset), offset + 2 <= bytes.count else { return nil }
        rootService = service
        rootOperation = operation
        let count = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
        offset += 2
        for _ in 0..<count {
            guard let name = KeyLayout.readString(bytes, at: &offset) else { return nil }
            services.append(name)
        }
    }
}

extension TraceSummary {
    /// Merges the parts of one trace.
    init?(traceID: TraceID, parts: [TraceSummaryPart]) {
        guard !parts.isEmpty else { return nil }
        var services = Set<String>()
        var root: TraceSummaryPart? = nil
        for part in parts where part.rootStartNanos != .max {
            if root == nil || part.rootStartNanos < root!.rootStartNanos { root = part }
        }
        for part in parts { services.formUnion(part.services) }
        self.init(traceID: traceID, rootService: root?.rootService ?? "", rootOperation: root?.rootOperation ?? "",
                  startNanos: parts.map(\.startNanos).min()!, endNanos: parts.map(\.endNanos).max()!,
                  spanCount: parts.reduce(0) { $0 + $1.spanCount }, errorCount: parts.reduce(0) { $0 + $1.errorCount },
                  services: services.sorted())
    }
}

/// The value of a candidate index entry: what it knows of its group's spans, for pruning.
struct IndexEntryValue {
    var latestStartNanos: UInt64
    var minDurationNanos: UInt64
    var maxDurationNanos: UInt64

    init(_ span: BatchSpan) {
        latestStartNanos = span.startNanos
        minDurationNanos = span.durationNanos
        maxDurationNanos = span.durationNanos
    }

    mutating func add(_ span: BatchSpan) {
        latestStartNanos = max(latestStartNanos, span.startNanos)
        minDurationNanos = min(minDurationNanos, span.durationNanos)
        maxDurationNanos = max(maxDurationNanos, span.durationNanos)
    }

    // VALUE: latestStart:8 minDuration:8 maxDuration:8
    var encoded: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(24)
        BigEndian.append(latestStartNanos, to: &out)
        BigEndian.append(minDurationNanos, to: &out)
        BigEndian.append(maxDurationNanos, to: &out)
        return out
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, startNanos: UInt64) -> (UInt64, UInt64, UInt64) {
        guard bytes.count >= 24 else { return (startNanos + 60_000_000_000, 0, .max) }  // unknown: prune nothing
        return (BigEndian.uint64(bytes, at: 0), BigEndian.uint64(bytes, at: 8), BigEndian.uint64(bytes, at: 16))
    }
}
