/// Request bodies generated before the run starts: a few dozen requests of whole traces,
/// encoded once, then rewritten for each send (`RequestTemplate`). Sends cycle through the
/// pool, so a run's traces repeat these shapes with fresh IDs and times.
package struct RequestPool: Sendable {
    package let templates: [RequestTemplate]
    /// The traces behind each template, to encode a shorter request for the last one of a
    /// `--traces` run.
    let plans: [[GeneratedTrace]]
    let instances: [[ServiceInstance]]
    package let encoding: BodyEncoding
    /// Wall-clock time (Unix nanoseconds) the templates' traces end just before; a send moves
    /// them by its own time minus this.
    package let baseNanos: UInt64

    /// How many requests to pre-generate: 64 (about a thousand distinct traces at the default
    /// batch), fewer for big batches so the pool stays near 256 Ki spans, but at least 4.
    package static func size(batch: Int) -> Int { min(64, max(4, 262_144 / max(batch, 1))) }

    /// Packs whole traces from `shapes` into requests of at most `batch` spans (a trace larger
    /// than `batch` travels alone) until there are `requests` of them, or `traceLimit`
    /// traces in all.
    package init(shapes: inout TraceShapes, encoding: BodyEncoding, batch: Int, requests: Int, traceLimit: Int?,
                 baseNanos: UInt64) {
        var plans: [[GeneratedTrace]] = []
        var current: [GeneratedTrace] = []
        var currentSpans = 0
        var traces = 0
        var carried: [GeneratedTrace]?
        while plans.count < requests, traces < (traceLimit ?? .max) || carried != nil {
            let unit = carried ?? shapes.nextUnit(endingBefore: baseNanos)
            carried = nil
            guard !unit.isEmpty else { break }
            let spans = unit.reduce(0) { $0 + $1.spans.count }
            if !current.isEmpty, currentSpans + spans > batch {
                plans.append(current)
                (current, currentSpans) = ([], 0)
                carried = unit
                continue
            }
            current += unit
            currentSpans += spans
            traces += unit.count
            if currentSpans >= batch {
                plans.append(current)
                (current, currentSpans) = ([], 0)
            }
        }
        if !current.isEmpty, plans.count < requests { plans.append(current) }
        self.plans = plans
        self.instances = shapes.instances
        self.encoding = encoding
        self.baseNanos = baseNanos
        templates = plans.map { Self.encode($0, instances: shapes.instances, encoding: encoding) }
    }

    /// Template `index`, cut to its first `traces` traces when that is fewer than it has (links
    /// only point backwards, so a prefix stays consistent).
    package func template(_ index: Int, traces: Int) -> RequestTemplate {
        guard traces < templates[index].traceCount else { return templates[index] }
        return Self.encode(Array(plans[index].prefix(traces)), instances: instances, encoding: encoding)
    }

    static func encode(_ traces: [GeneratedTrace], instances: [[ServiceInstance]], encoding: BodyEncoding) -> RequestTemplate {
        switch encoding {
        case .protobuf: ProtobufRequestEncoder.encode(traces, instances: instances)
        case .json: JSONRequestEncoder.encode(traces, instances: instances)
        }
    }
}
