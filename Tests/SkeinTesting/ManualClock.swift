import SkeinSampling
import Synchronization

/// A `SamplingClock` that moves only when a test advances it; sleepers wake when their deadline
/// is reached, or throw `CancellationError` when their task is cancelled.
package final class ManualClock: SamplingClock {
    private struct Sleeper {
        var id: Int
        var deadline: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: UInt64
        var sleepers: [Sleeper] = []
        var nextID = 0
        /// Sleepers cancelled before they registered.
        var cancelled: Set<Int> = []
    }

    private let state: Mutex<State>

    /// Starts at `nowNanos` (by default 2026-01-01T00:00:00Z).
    package init(nowNanos: UInt64 = 1_767_225_600_000_000_000) { state = Mutex(State(now: nowNanos)) }

    package func nowNanos() -> UInt64 { state.withLock { $0.now } }

    /// Number of tasks sleeping on this clock.
    package var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    package func advance(byNanos nanos: UInt64) {
        let due: [Sleeper] = state.withLock { state in
            state.now += nanos
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    package func advance(bySeconds seconds: Double) { advance(byNanos: UInt64(seconds * 1e9)) }

    package func sleep(nanoseconds: UInt64) async throws {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resume: (any Error)? = state.withLock { state in
                    if state.cancelled.remove(id) != nil { return CancellationError() }
                    state.sleepers.append(Sleeper(id: id, deadline: state.now + nanoseconds, continuation: continuation))
                    return nil
                }
                if let resume { continuation.resume(throwing: resume) }
            }
        } onCancel: {
            let sleeper: Sleeper? = state.withLock { state in
                if let index = state.sleepers.firstIndex(where: { $0.id == id }) { return state.sleepers.remove(at: index) }
                state.cancelled.insert(id)
                return nil
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }
}
