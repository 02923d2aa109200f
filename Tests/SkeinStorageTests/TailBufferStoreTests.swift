import Foundation
import SkeinCore
import SkeinTesting
import Testing
@testable import SkeinStorage

/// The durable tail-sampling buffer against a real RocksDB in a temporary directory.
@Suite struct TailBufferStoreTests {
    func fragment(_ trace: TraceID, sequence: UInt64, tenant: Tenant = .single) throws -> HeldFragment {
        var span = OTLPBuilders.span(trace: trace, id: sequence, parent: sequence == 1 ? nil : 1, name: "op\(sequence)", kind: .client,
                                     startNanos: 1_000 + sequence, attributes: [OTLPBuilders.attribute("peer.service", "db"),
                                                                                OTLPBuilders.attribute("k", "v")], error: sequence == 2)
        span.traceState = "ot=th:c"
        let batch = try OTLPBuilders.batch(OTLPBuilders.request([OTLPBuilders.resourceSpans(
            service: "svc", spans: [span], resourceAttributes: [OTLPBuilders.attribute("host.name", "h1")])]), tenant: tenant)
        return HeldFragment(id: .init(tenant: tenant, traceID: trace, sequence: sequence), receivedNanos: 5_000 + sequence,
                            group: batch.groups[0])
    }

    @Test func heldFragmentsSurviveAReopenWithEveryFieldAndGoWhenReleased() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let trace = TraceID(high: 1, low: 2)
        let fragments = [try fragment(trace, sequence: 1), try fragment(trace, sequence: 2),
                         try fragment(TraceID(high: 3, low: 4), sequence: 3, tenant: Tenant("acme"))]
        do {
            let store = try SpanStore(configuration: .init(dataDirectory: directory.path))
            defer { store.close() }
            let buffer = try TailBufferStore(store: store)
            try await buffer.hold(fragments)
        }
        let store = try SpanStore(configuration: .init(dataDirectory: directory.path))
        defer { store.close() }
        let buffer = try #require(try TailBufferStore(existingIn: store))
        let loaded = try buffer.loadAll()
        #expect(loaded.unreadable == 0)
        #expect(loaded.fragments.map(\.id) == fragments.map(\.id))  // key order: tenant, trace, sequence
        for fragment in fragments {
            let back = try #require(loaded.fragments.first { $0.id == fragment.id })
            #expect(back.receivedNanos == fragment.receivedNanos)
            #expect(back.group.serviceName == fragment.group.serviceName)
            #expect(back.group.encodedResourceScope == fragment.group.encodedResourceScope)
            #expect(back.group.resourceAttributes == fragment.group.resourceAttributes)
            let (a, b) = (back.group.spans[0], fragment.group.spans[0])
            #expect(a.traceID == b.traceID && a.spanID == b.spanID && a.parentSpanID == b.parentSpanID && a.name == b.name)
            #expect(a.kind == b.kind && a.startNanos == b.startNanos && a.endNanos == b.endNanos && a.isError == b.isError)
            #expect(a.traceState == b.traceState && a.peerService == b.peerService && a.attributes == b.attributes)
            #expect(a.encodedSpan == b.encodedSpan)
        }
        try await buffer.release([fragments[0].id, fragments[2].id])
        #expect(try buffer.loadAll().fragments.map(\.id) == [fragments[1].id])
    }

    @Test func anUnreadableRecordIsRemovedNotFatal() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SpanStore(configuration: .init(dataDirectory: directory.path))
        defer { store.close() }
        #expect(try TailBufferStore(existingIn: store) == nil)
        let buffer = try TailBufferStore(store: store)
        let good = try fragment(TraceID(high: 1, low: 1), sequence: 1)
        try await buffer.hold([good])
        try store.db.using {
            let family = store.db.family("tail")!
            let batch = WriteBatch()
            var value = HeldFragmentCodec.value(try fragment(TraceID(high: 2, low: 2), sequence: 2))
            value.removeLast(5)
            batch.put(family, HeldFragmentCodec.key(.init(tenant: .single, traceID: TraceID(high: 2, low: 2), sequence: 2)), value)
            batch.put(family, [0, 1, 2], [1])
            try store.db.write(batch)
        }
        let loaded = try buffer.loadAll()
        #expect(loaded.fragments.map(\.id) == [good.id] && loaded.unreadable == 2)
        #expect(try buffer.loadAll().unreadable == 0)
    }
}
