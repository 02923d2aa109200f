import ServiceLifecycle
import SkeinStorage

/// Keeps the store open for the life of the group and closes it last: services shut down in
/// reverse start order, so the receivers have stopped (and their writes finished) by then.
struct StorageService: Service {
    let store: SpanStore

    func run() async throws {
        try? await gracefulShutdown()
        // The WAL already holds every acknowledged write; flushing memtables first means the next
        // start has no log to replay.
        try? store.flush()
        store.close()
    }
}
