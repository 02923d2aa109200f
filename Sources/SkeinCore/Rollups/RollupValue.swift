/// What a rollup keeps per (service, operation, span kind, minute) and per dependency edge and
/// minute: the calls with their latency distribution, and how many of them were errors.
package struct RollupValue: Sendable, Equatable {
    package var latency = LatencySketch()
    package private(set) var errors: UInt64 = 0

    package init() {}

    package var calls: UInt64 { latency.count }

    package mutating func add(durationNanos: UInt64, isError: Bool) {
        latency.add(durationNanos)
        if isError { errors += 1 }
    }

    package mutating func merge(_ other: RollupValue) {
        latency.merge(other.latency)
        errors += other.errors
    }

    /// Format byte, then the error count, then the sketch (see `LatencySketch.encode`).
    static let format: UInt8 = 1

    package var encoded: [UInt8] {
        var bytes = [Self.format]
        Varint.append(errors, to: &bytes)
        latency.encode(into: &bytes)
        return bytes
    }

    /// Adds an encoded value to this one. On bytes this version cannot read it returns false
    /// and changes nothing.
    package mutating func merge(encoded bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.first == Self.format else { return false }
        var position = 1
        guard let moreErrors = Varint.read(bytes, at: &position) else { return false }
        guard latency.merge(encoded: bytes, at: &position, end: bytes.count) else { return false }
        errors += moreErrors
        return true
    }

    package init?(encoded bytes: [UInt8]) {
        self.init()
        guard bytes.withUnsafeBytes({ merge(encoded: $0) }) else { return nil }
    }
}

/// One change to the rollups produced at ingest, carried in the `SpanBatch` so it is written in
/// the same atomic write that acknowledges the batch (and so survives kill -9 like the spans).
package struct RollupDelta: Sendable, Equatable {
    package enum Subject: Hashable, Sendable {
        /// Spans of one service, kind and operation (span name).
        case operation(service: String, kind: SpanKind, name: String)
        /// Spans of one service and kind, all operations together: what the services table and a
        /// service's latency read, so a day of them is 1,440 records per kind, not per operation.
        case service(service: String, kind: SpanKind)
        /// Calls from one service to another (a dependency edge).
        case edge(parent: String, child: String)
    }

    package var subject: Subject
    /// Minutes since the Unix epoch of the spans' start times.
    package var minute: UInt64
    package var value: RollupValue

    package init(subject: Subject, minute: UInt64, value: RollupValue) {
        self.subject = subject
        self.minute = minute
        self.value = value
    }
}

extension RollupDelta {
    /// The same changes with one delta per (subject, minute).
    package static func combined(_ deltas: [RollupDelta]) -> [RollupDelta] {
        struct Key: Hashable {
            var subject: Subject
            var minute: UInt64
        }
        var merged: [Key: RollupValue] = [:]
        var order: [Key] = []
        for delta in deltas {
            let key = Key(subject: delta.subject, minute: delta.minute)
            if merged[key] == nil { order.append(key) }
            merged[key, default: RollupValue()].merge(delta.value)
        }
        return order.map { RollupDelta(subject: $0.subject, minute: $0.minute, value: merged[$0]!) }
    }
}
