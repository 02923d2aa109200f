import Logging
import ServiceLifecycle
import SkeinRollups

/// Writes the dependency edges of callees that never reported once their wait is over, every
/// five seconds; at shutdown (after the receivers stopped) it ends every wait and writes what
/// is left, so a graceful restart loses no edge.
struct DependencyEdgeService: Service {
    let stage: RollupStage
    let logger: Logger
    static let interval: Duration = .seconds(5)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.interval)
                await write(drain: false)
            }
        }
        await write(drain: true)
    }

    private func write(drain: Bool) async {
        do {
            try await stage.writeExpiredEdges(drain: drain)
        } catch {
            logger.warning("writing dependency edges failed; will retry", metadata: ["error": "\(error)"])
        }
    }
}
