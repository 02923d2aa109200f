/// Section `sampling` of the configuration file. The default keeps every span: no head rate
/// below 1 and the tail buffer off, so the sampling stage is not even installed.
package struct SamplingConfiguration: Sendable, Equatable {
    package var head = HeadSamplingConfiguration()
    package var tail = TailSamplingConfiguration()

    package init(head: HeadSamplingConfiguration = HeadSamplingConfiguration(),
                 tail: TailSamplingConfiguration = TailSamplingConfiguration()) {
        self.head = head
        self.tail = tail
    }

    /// True when some span could be dropped or held, i.e. the stage has work to do.
    package var isActive: Bool { head.isActive || tail.enabled }
}

/// Consistent probability sampling by trace ID at ingest (`sampling.head.*`).
package struct HeadSamplingConfiguration: Sendable, Equatable {
    /// Probability of keeping a trace, 0 to 1 (`sampling.head.default_rate`,
    /// `--sampling-head-default-rate`). Default 1: keep everything.
    package var defaultRate: Double
    /// Per-service probabilities that replace the default for spans of that service
    /// (`sampling.head.service_rates`, `--sampling-head-service-rate name=rate`). Default none.
    package var serviceRates: [String: Double]

    package init(defaultRate: Double = 1, serviceRates: [String: Double] = [:]) {
        self.defaultRate = defaultRate
        self.serviceRates = serviceRates
    }

    package var isActive: Bool { defaultRate < 1 || serviceRates.values.contains { $0 < 1 } }
}

/// Per-trace buffering and policy decisions (`sampling.tail.*`).
package struct TailSamplingConfiguration: Sendable, Equatable {
    /// Hold spans and decide per trace (`sampling.tail.enabled`, `--sampling-tail-enabled`).
    /// Default false.
    package var enabled: Bool
    /// How long after a trace's first span its decision is made (`sampling.tail.decision_wait`).
    /// Default 10 s.
    package var decisionWaitNanos: UInt64
    /// Most traces held at once (`sampling.tail.max_traces`); above it the oldest are decided
    /// early. Default 100,000.
    package var maxTraces: Int
    /// Most span bytes held at once (`sampling.tail.max_bytes`); above it the oldest traces are
    /// decided early. Default 256 MiB.
    package var maxBytes: Int
    /// Decisions remembered for spans that arrive after their trace was decided
    /// (`sampling.tail.decision_cache_size`). Default 100,000 (about 10 MB).
    package var decisionCacheSize: Int
    /// The policies, in order; a trace is kept when any keeps it (`sampling.tail.policies`).
    package var policies: [TailPolicy]

    package init(enabled: Bool = false, decisionWaitNanos: UInt64 = 10_000_000_000, maxTraces: Int = 100_000,
                 maxBytes: Int = 256 << 20, decisionCacheSize: Int = 100_000, policies: [TailPolicy] = []) {
        self.enabled = enabled
        self.decisionWaitNanos = decisionWaitNanos
        self.maxTraces = maxTraces
        self.maxBytes = maxBytes
        self.decisionCacheSize = decisionCacheSize
        self.policies = policies
    }
}

/// A named top-level policy; its name is the reason recorded for the traces it keeps.
package struct TailPolicy: Sendable, Equatable {
    package var name: String
    package var rule: PolicyRule

    package init(name: String, rule: PolicyRule) {
        self.name = name
        self.rule = rule
    }
}

/// What a policy checks. Every rule but `probabilistic`, `rateLimit` and composites holding them
/// depends only on the trace's spans.
package indirect enum PolicyRule: Sendable, Equatable {
    /// Keeps every trace.
    case always
    /// Keeps traces with a span whose status is ERROR.
    case error
    /// Keeps traces whose duration (last end minus first start), or one of whose spans'
    /// durations, is at least the threshold.
    case duration(thresholdNanos: UInt64, of: DurationScope)
    /// Keeps traces with a span (or resource) attribute that matches.
    case attribute(AttributeCondition)
    /// Keeps a consistent share of traces, chosen by the trace's randomness (otlp-wire.md §5.4).
    case probabilistic(rate: Double)
    /// Keeps at most this many traces a second for each root service.
    case rateLimit(tracesPerSecond: Double)
    /// Keeps traces with a span from one of these services.
    case services([String])
    /// Keeps a trace when every rule keeps it (checked in order, stopping at the first that drops).
    case and([PolicyRule])
    /// Keeps a trace when the rule does not.
    case not(PolicyRule)

    package enum DurationScope: String, Sendable, Equatable, CaseIterable {
        case trace, span
    }

    /// The configuration's name for the rule (`type:`).
    package var typeName: String {
        switch self {
        case .always: "always"
        case .error: "error"
        case .duration: "duration"
        case .attribute: "attribute"
        case .probabilistic: "probabilistic"
        case .rateLimit: "rate_limit"
        case .services: "services"
        case .and: "and"
        case .not: "not"
        }
    }

    /// True when the rule's answer depends on state beyond the trace (a rate limit's budget).
    var isStateful: Bool {
        switch self {
        case .rateLimit: true
        case .and(let rules): rules.contains { $0.isStateful }
        case .not(let rule): rule.isStateful
        default: false
        }
    }
}

/// An attribute test: `key` on spans, resources or either, compared by one `Match`.
package struct AttributeCondition: Sendable, Equatable {
    package enum Match: Sendable, Equatable {
        /// The value's text (strings as written, numbers and booleans as text) equals this.
        case equals(String)
        /// The value's text contains a match of this regular expression (anchor it with ^…$).
        case regex(String)
        /// An int or double value within [min, max]; a missing bound is open.
        case range(min: Double?, max: Double?)
    }

    package enum Scope: String, Sendable, Equatable, CaseIterable {
        case span, resource, any
    }

    package var key: String
    package var match: Match
    package var scope: Scope

    package init(key: String, match: Match, scope: Scope = .any) {
        self.key = key
        self.match = match
        self.scope = scope
    }
}
