import Logging
import ServiceLifecycle
import SkeinCore
import SkeinSampling
import SkeinStorage

/// Runs the tail sampler's decision passes until shutdown; held traces stay in the durable
/// buffer and are reloaded at the next start. With tail sampling off it first stores whatever
/// an earlier run left held (nothing acknowledged is ever abandoned), then idles.
struct TailSamplingService: Service {
    let sampler: TailSampler?
    let leftovers: (store: TailBufferStore, fragments: [HeldFragment])?
    let next: any SpanBatchConsumer
    let logger: Logger

    func run() async throws {
        if let leftovers, !leftovers.fragments.isEmpty { await drain(leftovers.store, leftovers.fragments) }
        if let sampler {
            await cancelWhenGracefulShutdown { await sampler.run() }
        } else {
            try? await gracefulShutdown()
        }
    }

    /// Stores every leftover fragment, then removes it from the buffer; on failure they stay
    /// for the next start.
    private func drain(_ store: TailBufferStore, _ fragments: [HeldFragment]) async {
        do {
            for (tenant, fragments) in Dictionary(grouping: fragments, by: \.id.tenant) {
                var start = 0
                while start < fragments.count {
                    let chunk = fragments[start..<min(start + 1_000, fragments.count)]
                    try await next.consume(SpanBatch(tenant: tenant, groups: chunk.map(\.group)))
                    try await store.release(chunk.map(\.id))
                    start += chunk.count
                }
            }
            logger.info("stored spans an earlier run held for tail sampling, which is now off", metadata: ["fragments": "\(fragments.count)"])
        } catch {
            logger.error("cannot store spans left in the tail sampling buffer; will retry at the next start", metadata: ["error": "\(error)"])
        }
    }
}
