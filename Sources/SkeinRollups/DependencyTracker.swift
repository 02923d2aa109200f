package import SkeinCore
import Synchronization

/// Finds service-to-service calls as spans arrive: an edge parent service → child service for
/// every span whose parent span belongs to another service.
///
/// The parent and the child usually reach Skein in different requests, and the child (a server
/// span, which ends first) often comes first. So recent spans are remembered for `wait`, and a
/// server or consumer span whose parent is not known yet waits as an orphan for its parent.
/// A client or producer span that names its callee (`peer.service`, …) and that no remote
/// child claimed within `wait` becomes an edge to that callee: the callee never reported.
///
/// Memory is bounded by `capacity` entries; past it the oldest are expired early (and counted).
/// The state lives in memory: a call whose two halves arrive on either side of a restart is
/// not counted.
package final class DependencyTracker: Sendable {
    package struct Configuration: Sendable {
        /// How long a span waits for its other half. Default 30 s.
        package var waitNanos: UInt64 = 30_000_000_000
        /// Most spans and orphans remembered at once. Default 500,000 (about 60 MiB).
        package var capacity = 500_000

        package init(waitNanos: UInt64 = 30_000_000_000, capacity: Int = 500_000) {
            self.waitNanos = waitNanos
            self.capacity = capacity
        }
    }

    /// Counters for status pages and tests.
    package struct Counters: Sendable, Equatable {
        /// Edges found from parent/child spans in different services.
        package var parentChildEdges: UInt64 = 0
        /// Edges to a callee named by a client span that no remote child claimed.
        package var peerEdges: UInt64 = 0
        /// Orphans whose parent never arrived in time.
        package var orphansExpired: UInt64 = 0
        /// Entries expired before `wait` because the tracker was full.
        package var evictedEarly: UInt64 = 0
    }

    private struct SpanKey: Hashable {
        var tenant: Tenant
        var trace: TraceID
        var span: SpanID
    }

    /// A call's measured half: the minute, duration and status an edge is recorded with.
    private struct Call {
        var service: String
        var minute: UInt64
        var durationNanos: UInt64
        var isError: Bool
    }

    private struct Known {
        var call: Call
        var peer: String?
        var claimedByRemoteChild = false
    }

    private struct Orphan {
        var spanID: SpanID
        var call: Call
    }

    private struct State {
        var known: [SpanKey: Known] = [:]
        var orphans: [SpanKey: [Orphan]] = [:]
        /// Keys in arrival order with their expiry time; `head` is the oldest still queued.
        var queue: [(key: SpanKey, expires: UInt64, isOrphan: Bool)] = []
        var head = 0
        var size = 0
        var counters = Counters()
        /// Edges found by expiry, not yet handed out.
        var expiredEdges: [Tenant: [RollupDelta]] = [:]
    }

    private let configuration: Configuration
    private let now: @Sendable () -> UInt64
    private let state = Mutex(State())

    package init(configuration: Configuration = Configuration(), now: @escaping @Sendable () -> UInt64) {
        self.configuration = configuration
        self.now = now
    }

    package var counters: Counters { state.withLock { $0.counters } }

    /// Spans and orphans held.
    package var size: Int { state.withLock { $0.size } }

    /// Records the batch's spans and returns the edges they complete, each as a one-call delta.
    package func observe(_ batch: SpanBatch) -> [RollupDelta] {
        let time = now()
        let expires = time + configuration.waitNanos
        return state.withLock { state in
            // Waits that are over end before this batch is matched against them.
            expire(&state, at: time)
            var edges: [RollupDelta] = []
            for group in batch.groups {
                for span in group.spans {
                    let call = Call(service: group.serviceName, minute: span.startNanos / OperationRollups.nanosPerMinute,
                                    durationNanos: span.durationNanos, isError: span.isError)
                    if let parent = span.parentSpanID {
                        let parentKey = SpanKey(tenant: batch.tenant, trace: span.traceID, span: parent)
                        if var known = state.known[parentKey] {
                            if known.call.service != call.service {
                                edges.append(Self.edge(from: known.call.service, to: call))
                                state.counters.parentChildEdges += 1
                                known.claimedByRemoteChild = true
                                state.known[parentKey] = known
                            }
                        } else if span.kind == .server || span.kind == .consumer {
                            // Entry spans usually have a remote parent that may still come.
                            if state.orphans[parentKey]?.contains(where: { $0.spanID == span.spanID }) != true {
                                if state.orphans[parentKey] == nil { Self.enqueue(&state, parentKey, expires, isOrphan: true) }
                                state.orphans[parentKey, default: []].append(Orphan(spanID: span.spanID, call: call))
                            }
                        }
                    }
                    let key = SpanKey(tenant: batch.tenant, trace: span.traceID, span: span.spanID)
                    var known = Known(call: call, peer: span.peerService)
                    if let waiting = state.orphans.removeValue(forKey: key) {
                        for orphan in waiting where orphan.call.service != call.service {
                            edges.append(Self.edge(from: call.service, to: orphan.call))
                            state.counters.parentChildEdges += 1
                            known.claimedByRemoteChild = true
                        }
                    }
                    if state.known[key] == nil { Self.enqueue(&state, key, expires, isOrphan: false) }
                    state.known[key] = known
                }
            }
            expire(&state, at: time)
            return edges
        }
    }

    /// Edges completed by expiry (callees that never reported), grouped by tenant, and forgotten.
    package func takeExpiredEdges() -> [Tenant: [RollupDelta]] {
        let time = now()
        return state.withLock { state in
            expire(&state, at: time)
            defer { state.expiredEdges = [:] }
            return state.expiredEdges
        }
    }

    /// Hands back edges that could not be written, to be taken again later.
    package func restore(_ edges: [Tenant: [RollupDelta]]) {
        state.withLock { state in
            for (tenant, deltas) in edges { state.expiredEdges[tenant, default: []].append(contentsOf: deltas) }
        }
    }

    /// Ends every wait now (for a graceful shutdown) and returns the edges that completes.
    package func drain() -> [Tenant: [RollupDelta]] {
        state.withLock { state in
            expire(&state, at: .max)
            defer { state.expiredEdges = [:] }
            return state.expiredEdges
        }
    }

    private static func enqueue(_ state: inout State, _ key: SpanKey, _ expires: UInt64, isOrphan: Bool) {
        state.queue.append((key, expires, isOrphan))
        state.size += 1
    }

    private func expire(_ state: inout State, at time: UInt64) {
        while state.head < state.queue.count {
            let entry = state.queue[state.head]
            let overCapacity = state.size > configuration.capacity
            guard entry.expires <= time || overCapacity else { break }
            if overCapacity && entry.expires > time { state.counters.evictedEarly += 1 }
            state.head += 1
            state.size -= 1
            if entry.isOrphan {
                if state.orphans.removeValue(forKey: entry.key) != nil { state.counters.orphansExpired += 1 }
            } else if let known = state.known.removeValue(forKey: entry.key),
                      let peer = known.peer, !known.claimedByRemoteChild, peer != known.call.service {
                var edge = known.call
                edge.service = peer
                state.expiredEdges[entry.key.tenant, default: []].append(Self.edge(from: known.call.service, to: edge))
                state.counters.peerEdges += 1
            }
        }
        // Reclaim the consumed front of the queue once it is the larger part.
        if state.head > 1024 && state.head * 2 > state.queue.count {
            state.queue.removeFirst(state.head)
            state.head = 0
        }
    }

    private static func edge(from parent: String, to child: Call) -> RollupDelta {
        var value = RollupValue()
        value.add(durationNanos: child.durationNanos, isError: child.isError)
        return RollupDelta(subject: .edge(parent: parent, child: child.service), minute: child.minute, value: value)
    }
}
