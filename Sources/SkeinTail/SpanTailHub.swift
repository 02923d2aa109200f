package import SkeinCore
import Synchronization

/// The broadcast point between ingest and the live tail: the pipeline publishes every stored
/// batch, each subscriber gets the spans its filter matches.
///
/// Publishing never waits for a subscriber. Each has a buffer of `bufferSize` spans; when a
/// subscriber reads more slowly than spans arrive, spans that find its buffer full are dropped
/// and counted, and the subscriber learns how many (`TailSubscription.takeDropped`). A batch's
/// matching spans travel as one event, so a reader writes them in one go. With no subscribers
/// a publish is one atomic load.
package final class SpanTailHub: Sendable {
    package let maxSubscribers: Int
    package let bufferSize: Int
    private let subscribers = Mutex<(open: Bool, all: [Int: Subscriber])>((true, [:]))
    private let count = Atomic<Int>(0)
    private let nextID = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)

    package struct TooManySubscribers: Error, CustomStringConvertible {
        package let limit: Int
        package var description: String { "the live tail already has its \(limit) subscribers (or the server is stopping); try again later" }
    }

    private struct Subscriber: Sendable {
        var filter: TailFilter
        var continuation: AsyncStream<TailEvent>.Continuation
        var load: SubscriberLoad
    }

    package init(maxSubscribers: Int = 64, bufferSize: Int = 1_000) {
        self.maxSubscribers = maxSubscribers
        self.bufferSize = bufferSize
    }

    /// Subscribers right now.
    package var subscriberCount: Int { count.load(ordering: .relaxed) }

    /// Spans dropped for full buffers since startup, over every subscriber (for the metrics;
    /// each subscriber learns its own share from `TailSubscription.takeDropped`).
    package var spansDropped: Int { dropped.load(ordering: .relaxed) }

    /// A new subscription; the caller must `cancel()` it when done (a finished stream also ends it).
    package func subscribe(_ filter: TailFilter) throws(TooManySubscribers) -> TailSubscription {
        let id = nextID.add(1, ordering: .relaxed).newValue
        // Unbounded in events; `SubscriberLoad` bounds the spans they hold.
        let (stream, continuation) = AsyncStream.makeStream(of: TailEvent.self)
        let load = SubscriberLoad()
        let admitted = subscribers.withLock { subscribers in
            guard subscribers.open, subscribers.all.count < maxSubscribers else { return false }
            subscribers.all[id] = Subscriber(filter: filter, continuation: continuation, load: load)
            count.store(subscribers.all.count, ordering: .relaxed)
            return true
        }
        guard admitted else {
            continuation.finish()
            throw TooManySubscribers(limit: maxSubscribers)
        }
        continuation.onTermination = { [weak self] _ in self?.remove(id) }
        return TailSubscription(events: stream, continuation: continuation, load: load)
    }

    private func remove(_ id: Int) {
        subscribers.withLock { subscribers in
            subscribers.all[id] = nil
            count.store(subscribers.all.count, ordering: .relaxed)
        }
    }

    /// Ends every subscription and admits no more (at shutdown, so open streams let the query
    /// server stop).
    package func close() {
        let open = subscribers.withLock { subscribers in
            subscribers.open = false
            return Array(subscribers.all.values)
        }
        for subscriber in open { subscriber.continuation.finish() }
    }

    /// Hands the batch's spans to every subscriber whose filter matches them.
    package func publish(_ batch: SpanBatch) {
        guard count.load(ordering: .relaxed) > 0 else { return }
        let current = subscribers.withLock { Array($0.all.values) }
        for subscriber in current where subscriber.filter.tenant == batch.tenant {
            var matching: [TailSpan] = []
            for group in batch.groups where subscriber.filter.matches(service: group.serviceName) {
                for span in group.spans where subscriber.filter.matches(span) {
                    matching.append(TailSpan(span, service: group.serviceName))
                }
            }
            let admitted = subscriber.load.admit(matching.count, limit: bufferSize)
            guard admitted > 0 else { continue }
            if admitted < matching.count {
                dropped.add(matching.count - admitted, ordering: .relaxed)
                matching.removeLast(matching.count - admitted)
            }
            subscriber.continuation.yield(.spans(matching))
        }
    }
}

/// What a subscription's stream carries: the matching spans of one stored batch, and the
/// heartbeats its reader asks for.
package enum TailEvent: Sendable, Equatable {
    case spans([TailSpan])
    case heartbeat
}

/// One subscriber's end of the hub.
package struct TailSubscription: Sendable {
    package let events: AsyncStream<TailEvent>
    fileprivate let continuation: AsyncStream<TailEvent>.Continuation
    fileprivate let load: SubscriberLoad

    /// Spans dropped for this subscriber since the last call.
    package func takeDropped() -> UInt64 { load.takeDropped() }

    /// Tells the hub the reader has taken `count` spans out of the stream, freeing their room.
    package func consumed(_ count: Int) { load.release(count) }

    /// Puts a heartbeat in the stream (a timer of the reader's calls this, so a quiet stream
    /// still writes, which is how a reader learns its client has gone).
    package func heartbeat() { continuation.yield(.heartbeat) }

    /// Ends the subscription and leaves the hub.
    package func cancel() { continuation.finish() }
}

/// How many spans a subscriber's stream holds, and how many found it full.
private final class SubscriberLoad: Sendable {
    private let held = Atomic<Int>(0)
    private let dropped = Atomic<UInt64>(0)

    /// Reserves room for up to `count` spans and returns how many fit; the rest are counted as
    /// dropped. Reserving first and giving back the excess keeps the bound with concurrent
    /// publishers.
    func admit(_ count: Int, limit: Int) -> Int {
        guard count > 0 else { return 0 }
        let total = held.add(count, ordering: .relaxed).newValue
        let excess = min(count, max(0, total - limit))
        if excess > 0 {
            held.subtract(excess, ordering: .relaxed)
            dropped.add(UInt64(excess), ordering: .relaxed)
        }
        return count - excess
    }

    func release(_ count: Int) { held.subtract(count, ordering: .relaxed) }
    func takeDropped() -> UInt64 { dropped.exchange(0, ordering: .relaxed) }
}
