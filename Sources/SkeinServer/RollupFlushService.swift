import Logging
import ServiceLifecycle
import SkeinRollups

/// Writes the rollups gathered in memory every `interval` (with the dependency edges whose wait
/// is over); at shutdown, after the receivers stopped, it ends every wait and writes what is
/// left, so a graceful restart loses nothing.
struct RollupFlushService: Service {
    let stage: RollupStage
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await flush(drain: false)
            }
        }
        await flush(drain: true)
    }

    private func flush(drain: Bool) async {
        do {
            try await stage.flush(drain: drain)
        } catch {
            logger.warning("writing rollups failed; will retry", metadata: ["error": "\(error)"])
        }
    }
}
