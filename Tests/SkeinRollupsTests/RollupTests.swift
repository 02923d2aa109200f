import SkeinCore
import SkeinRollups
import SkeinTesting
import Synchronization
import Testing

/// A clock tests move by hand.
final class ManualClock: Sendable {
    private let nanos = Mutex<UInt64>(1_000_000_000_000)
    var now: UInt64 { nanos.withLock { $0 } }
    func advance(seconds: UInt64) { nanos.withLock { $0 += seconds * 1_000_000_000 } }
}

struct OperationRollupsTests {
    @Test func oneDeltaPerServiceKindOperationAndMinute() {
        let batch = Spans.batch([
            ("cart", [Spans.span(1, millis: 5), Spans.span(2, millis: 7, error: true), Spans.span(3, startSeconds: 185)]),
            ("cart", [Spans.span(4, kind: .client, millis: 1)]),
            ("web", [Spans.span(5, name: "GET /")]),
        ])
        let deltas = OperationRollups.deltas(for: batch)
        #expect(deltas.count == 8)  // 4 operation deltas, 4 per-service totals
        let cartTotal = deltas.first { $0.subject == .service(service: "cart", kind: .server) && $0.minute == 2 }
        #expect(cartTotal?.value.calls == 2)
        let cartMinute2 = deltas.first { $0.subject == .operation(service: "cart", kind: .server, name: "op") && $0.minute == 2 }
        #expect(cartMinute2?.value.calls == 2)
        #expect(cartMinute2?.value.errors == 1)
        #expect(cartMinute2?.value.latency.maxNanos == 7_000_000)
        #expect(deltas.contains { $0.minute == 3 && $0.value.calls == 1 })
        #expect(deltas.contains { $0.subject == .operation(service: "cart", kind: .client, name: "op") })
    }

    @Test func combiningMergesEqualSubjectsAndMinutes() {
        var one = RollupValue()
        one.add(durationNanos: 5, isError: true)
        let delta = RollupDelta(subject: .edge(parent: "a", child: "b"), minute: 9, value: one)
        let combined = RollupDelta.combined([delta, delta, RollupDelta(subject: .edge(parent: "a", child: "c"), minute: 9, value: one)])
        #expect(combined.count == 2)
        #expect(combined[0].value.calls == 2 && combined[0].value.errors == 2)
    }
}

struct DependencyTrackerTests {
    func tracker(_ clock: ManualClock, capacity: Int = 1_000) -> DependencyTracker {
        DependencyTracker(configuration: .init(waitNanos: 30_000_000_000, capacity: capacity), now: { clock.now })
    }

    @Test func parentFirstGivesAnEdgeWhenTheRemoteChildArrives() {
        let clock = ManualClock()
        let tracker = tracker(clock)
        #expect(tracker.observe(Spans.batch([("web", [Spans.span(1, kind: .client, peer: "cart")])])).isEmpty)
        let edges = tracker.observe(Spans.batch([("cart", [Spans.span(2, parent: 1, millis: 40, error: true)])]))
        #expect(edges.count == 1)
        #expect(edges.first?.subject == .edge(parent: "web", child: "cart"))
        #expect(edges.first?.value.errors == 1)
        #expect(edges.first?.value.latency.maxNanos == 40_000_000)
        // The client span was claimed by its callee: no second edge from peer.service later.
        clock.advance(seconds: 31)
        #expect(tracker.takeExpiredEdges().isEmpty)
    }

    @Test func childFirstWaitsForItsParent() {
        let clock = ManualClock()
        let tracker = tracker(clock)
        #expect(tracker.observe(Spans.batch([("cart", [Spans.span(2, parent: 1)])])).isEmpty)
        clock.advance(seconds: 10)
        let edges = tracker.observe(Spans.batch([("web", [Spans.span(1, kind: .client)])]))
        #expect(edges.map(\.subject) == [.edge(parent: "web", child: "cart")])
        #expect(tracker.counters.parentChildEdges == 1)
    }

    @Test func sameServiceChildrenAreNotEdges() {
        let tracker = tracker(ManualClock())
        let edges = tracker.observe(Spans.batch([("web", [Spans.span(1), Spans.span(2, parent: 1, kind: .internal),
                                                         Spans.span(3, parent: 2, kind: .client)])]))
        #expect(edges.isEmpty)
    }

    @Test func aCalleeThatNeverReportsBecomesAnEdgeFromPeerService() {
        let clock = ManualClock()
        let tracker = tracker(clock)
        _ = tracker.observe(Spans.batch([("checkout", [Spans.span(1, kind: .client, millis: 3, peer: "payments-db")])]))
        clock.advance(seconds: 29)
        #expect(tracker.takeExpiredEdges().isEmpty)
        clock.advance(seconds: 2)
        let edges = tracker.takeExpiredEdges()[.single] ?? []
        #expect(edges.map(\.subject) == [.edge(parent: "checkout", child: "payments-db")])
        #expect(tracker.counters.peerEdges == 1)
    }

    @Test func orphansWhoseParentNeverComesAreCountedAndForgotten() {
        let clock = ManualClock()
        let tracker = tracker(clock)
        _ = tracker.observe(Spans.batch([("cart", [Spans.span(2, parent: 1)])]))
        clock.advance(seconds: 31)
        _ = tracker.observe(Spans.batch([("web", [Spans.span(1, kind: .client)])]))
        #expect(tracker.counters.orphansExpired == 1)
        #expect(tracker.counters.parentChildEdges == 0)
    }

    @Test func tenantsNeverCompleteEachOthersEdges() {
        let tracker = tracker(ManualClock())
        _ = tracker.observe(Spans.batch([("web", [Spans.span(1, kind: .client)])], tenant: Tenant("a")))
        #expect(tracker.observe(Spans.batch([("cart", [Spans.span(2, parent: 1)])], tenant: Tenant("b"))).isEmpty)
    }

    @Test func memoryIsBoundedByExpiringTheOldestEarly() {
        let clock = ManualClock()
        let tracker = tracker(clock, capacity: 100)
        for id in 1...1_000 {
            _ = tracker.observe(Spans.batch([("web", [Spans.span(UInt64(id), kind: .client, peer: "db")])]))
        }
        #expect(tracker.size <= 100)
        #expect(tracker.counters.evictedEarly >= 900)
        #expect(tracker.counters.peerEdges >= 900)
    }

    @Test func drainEndsEveryWait() {
        let tracker = tracker(ManualClock())
        _ = tracker.observe(Spans.batch([("web", [Spans.span(1, kind: .client, peer: "db")])]))
        #expect(tracker.drain()[.single]?.count == 1)
        #expect(tracker.drain().isEmpty)
    }
}
