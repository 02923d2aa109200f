import Logging
import SkeinCore
import SkeinSampling
import SkeinStorage

/// Builds the sampling stage in front of the store: nothing when sampling is off (the store is
/// the consumer), otherwise head sampling and, when enabled, the tail sampler with its durable
/// buffer in the store's database, reloaded from what an earlier run held.
struct SamplingWiring {
    /// What the stage before sampling hands its batches to.
    let consumer: any SpanBatchConsumer
    /// Runs the tail sampler's decision passes (and drains an abandoned buffer).
    let service: TailSamplingService
    /// The `GET /api/v1/sampling` document.
    let status: @Sendable () -> [UInt8]
    /// The stage, when sampling is on: its counters and tail buffer are exported as metrics.
    let stage: SamplingStage?

    init(configuration: SamplingConfiguration, next: any SpanBatchConsumer, store: SpanStore,
         clock: any SamplingClock, logger: Logger) throws {
        var storage: TailBufferStore?
        var reloaded: [HeldFragment] = []
        if configuration.tail.enabled {
            storage = try TailBufferStore(store: store)
        } else {
            storage = try TailBufferStore(existingIn: store)
        }
        if let storage {
            let (fragments, unreadable) = try storage.loadAll()
            if unreadable > 0 { logger.error("removed unreadable records from the tail sampling buffer", metadata: ["count": "\(unreadable)"]) }
            reloaded = fragments
        }
        guard configuration.isActive else {
            consumer = next
            // Spans held by an earlier run with tail sampling on: keeping everything is the policy now.
            service = TailSamplingService(sampler: nil, leftovers: storage.map { ($0, reloaded) }, next: next, logger: logger)
            status = { SamplingStage.statusJSON(configuration: configuration) }
            self.stage = nil
            return
        }
        let stage = try SamplingStage(configuration: configuration, next: next,
                                      storage: configuration.tail.enabled ? storage.map(StoredTailBuffer.init) : nil,
                                      reloaded: reloaded, clock: clock, logger: logger)
        if let tail = stage.tail, !reloaded.isEmpty {
            logger.info("tail sampling reloaded held spans", metadata: ["traces": "\(tail.bufferStatus.traces)", "spans": "\(tail.bufferStatus.spans)"])
        }
        consumer = stage
        service = TailSamplingService(sampler: stage.tail,
                                      leftovers: configuration.tail.enabled ? nil : storage.map { ($0, reloaded) },
                                      next: next, logger: logger)
        status = { stage.statusJSON() }
        self.stage = stage
    }
}

/// SkeinStorage's buffer as the sampler's durable storage.
struct StoredTailBuffer: TailBufferStorage {
    let store: TailBufferStore

    func hold(_ fragments: [HeldFragment]) async throws { try await store.hold(fragments) }
    func release(_ ids: [HeldFragment.ID]) async throws { try await store.release(ids) }
}
