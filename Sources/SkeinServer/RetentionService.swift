import Logging
import ServiceLifecycle
import SkeinStorage

/// Drops expired partitions at start and then every five minutes, until shutdown.
struct RetentionService: Service {
    let store: SpanStore
    let logger: Logger
    static let interval: Duration = .seconds(300)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let dropped = try await store.expirePartitions()
                    if dropped > 0 { logger.info("retention dropped expired partitions", metadata: ["count": "\(dropped)"]) }
                } catch {
                    logger.warning("retention run failed; will retry", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: Self.interval)
            }
        }
    }
}
