import Foundation
import Logging
import OTLPProto
import SkeinCore
import SkeinOTLP
import SkeinSampling
import SkeinTesting
import Synchronization

/// Test data and fakes for the sampling tests.
enum Fixtures {
    typealias TraceIDs = SeededTraceIDs

    /// A trace ID whose randomness R (its last 7 bytes) is `randomness`.
    static func traceID(randomness: UInt64, high: UInt64 = 0x0102_0304_0506_0708) -> TraceID {
        TraceID(high: high, low: 0x4200_0000_0000_0000 | (randomness & (ConsistentProbability.scale - 1)))
    }

    static func span(_ trace: TraceID, _ id: UInt64, parent: UInt64? = nil, startNanos: UInt64 = 1_000_000_000,
                     durationNanos: UInt64 = 1_000_000, error: Bool = false, attributes: [OTLPKeyValue] = [],
                     traceState: String = "", name: String = "op") -> OTLPSpan {
        var span = OTLPBuilders.span(trace: trace, id: id, parent: parent, name: name, startNanos: startNanos,
                                     durationNanos: durationNanos, attributes: attributes, error: error)
        span.traceState = traceState
        return span
    }

    /// A batch with one resource group per entry.
    static func batch(_ groups: [(service: String, spans: [OTLPSpan])], resourceAttributes: [OTLPKeyValue] = [],
                      tenant: Tenant = .single) throws -> SpanBatch {
        try OTLPBuilders.batch(OTLPBuilders.request(groups.map {
            OTLPBuilders.resourceSpans(service: $0.service, spans: $0.spans, resourceAttributes: resourceAttributes)
        }), tenant: tenant)
    }

    /// A whole small trace: a root in `service` and a child in `childService`.
    static func trace(_ trace: TraceID, service: String = "frontend", childService: String = "backend",
                      error: Bool = false) throws -> SpanBatch {
        try batch([(service, [span(trace, 1)]), (childService, [span(trace, 2, parent: 1, error: error)])])
    }

    static var logger: Logger {
        var logger = Logger(label: "sampling-test")
        logger.logLevel = .critical
        return logger
    }

    static func tailConfiguration(_ policies: [TailPolicy], waitSeconds: UInt64 = 10, maxTraces: Int = 1_000,
                                  maxBytes: Int = 64 << 20, cacheSize: Int = 1_000) -> TailSamplingConfiguration {
        TailSamplingConfiguration(enabled: true, decisionWaitNanos: waitSeconds * 1_000_000_000, maxTraces: maxTraces,
                                  maxBytes: maxBytes, decisionCacheSize: cacheSize, policies: policies)
    }
}

/// Records every batch it is handed; can be told to refuse.
final class RecordingConsumer: SpanBatchConsumer {
    struct Refusal: Error {}
    private let state = Mutex<(batches: [SpanBatch], refuse: Bool)>(([], false))

    var batches: [SpanBatch] { state.withLock { $0.batches } }
    var spans: [BatchSpan] { batches.flatMap { $0.groups.flatMap(\.spans) } }
    var traceIDs: Set<TraceID> { Set(spans.map(\.traceID)) }
    func setRefusing(_ refuse: Bool) { state.withLock { $0.refuse = refuse } }

    func consume(_ batch: SpanBatch) async throws {
        try state.withLock { state in
            if state.refuse { throw Refusal() }
            state.batches.append(batch)
        }
    }
}

/// The durable buffer as a dictionary; `beforeHold` runs inside `hold`, before it stores, so a
/// test can make something happen while fragments are being written.
final class MemoryTailStorage: TailBufferStorage {
    struct Refusal: Error {}
    private let state = Mutex<(fragments: [HeldFragment.ID: HeldFragment], refuse: Bool)>(([:], false))
    private let hook = Mutex<(@Sendable () async -> Void)?>(nil)

    var held: [HeldFragment] { state.withLock { Array($0.fragments.values) } }
    func setRefusing(_ refuse: Bool) { state.withLock { $0.refuse = refuse } }
    func setBeforeHold(_ body: (@Sendable () async -> Void)?) { hook.withLock { $0 = body } }

    func hold(_ fragments: [HeldFragment]) async throws {
        if let body = hook.withLock({ $0 }) { await body() }
        try state.withLock { state in
            if state.refuse { throw Refusal() }
            for fragment in fragments { state.fragments[fragment.id] = fragment }
        }
    }

    func release(_ ids: [HeldFragment.ID]) async throws {
        state.withLock { state in for id in ids { state.fragments.removeValue(forKey: id) } }
    }
}
