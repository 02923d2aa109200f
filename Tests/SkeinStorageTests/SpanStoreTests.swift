import Foundation
import SkeinCore
import SkeinTesting
import Testing
@testable import SkeinStorage

/// The store against a real RocksDB in a temporary directory.
@Suite struct SpanStoreTests {
    let trace = TraceID(high: 0xAB, low: 0xCD)

    func withStore(_ body: (SpanStore, TemporaryDirectory) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SpanStore(configuration: .init(dataDirectory: directory.path))
        defer { store.close() }
        try await body(store, directory)
    }

    func batch(service: String, trace: TraceID, spans: [(id: UInt64, name: String, start: UInt64)],
               tenant: Tenant = .single) throws -> SpanBatch {
        try OTLPBuilders.batch(OTLPBuilders.request([OTLPBuilders.resourceSpans(
            service: service,
            spans: spans.map { OTLPBuilders.span(trace: trace, id: $0.id, name: $0.name, startNanos: $0.start) })]), tenant: tenant)
    }

    @Test func writesAndReadsATraceWithItsEnvelope() async throws {
        try await withStore { store, _ in
            try await store.consume(batch(service: "cart", trace: trace, spans: [(2, "b", 20), (1, "a", 10)]))
            let spans = try await store.spans(of: trace, tenant: .single)
            #expect(spans.count == 2)
            #expect(spans[0].envelopeReference == spans[1].envelopeReference)
            #expect(!spans[0].envelope.isEmpty)
            #expect(try await store.spans(of: TraceID(high: 9, low: 9), tenant: .single).isEmpty)
        }
    }

    @Test func aRetriedSpanOverwritesItself() async throws {
        try await withStore { store, _ in
            let once = try batch(service: "cart", trace: trace, spans: [(1, "a", 10)])
            try await store.consume(once)
            try await store.consume(once)
            #expect(try await store.spans(of: trace, tenant: .single).count == 1)
        }
    }

    @Test func listsServicesAndOperationsWithoutDuplicates() async throws {
        try await withStore { store, _ in
            try await store.consume(batch(service: "svc1", trace: trace, spans: [(1, "GET /", 10), (2, "GET /", 11)]))
            try await store.consume(batch(service: "svc12", trace: trace, spans: [(3, "db", 12)]))
            try await store.consume(batch(service: "svc", trace: trace, spans: [(4, "x", 12)]))
            #expect(try await store.services(tenant: .single) == ["svc", "svc1", "svc12"])
            let operations = try await store.operations(of: "svc1", tenant: .single)
            #expect(operations == [StoredOperation(name: "GET /", kind: .server)])
            #expect(try await store.operations(of: "nobody", tenant: .single).isEmpty)
        }
    }

    @Test func serviceIndexIsNewestFirstAndPages() async throws {
        try await withStore { store, _ in
            for index in 1...25 {
                let id = TraceID(high: 0, low: UInt64(index))
                try await store.consume(batch(service: "api", trace: id, spans: [(1, "op", UInt64(index) * 1_000_000_000_000)]))
            }
            var cursor: IndexCursor? = nil
            var seen: [UInt64] = []
            repeat {
                let page = try await store.serviceIndex("api", tenant: .single, newestStartNanos: 20_000_000_000_000,
                                                        oldestStartNanos: 5_000_000_000_000, after: cursor, maxHits: 4)
                seen += page.hits.map(\.traceID.low)
                cursor = page.next
            } while cursor != nil
            #expect(seen == Array((5...20).reversed()))
        }
    }

    @Test func tenantsDoNotSeeEachOther() async throws {
        try await withStore { store, _ in
            try await store.consume(batch(service: "a", trace: trace, spans: [(1, "op", 10)], tenant: Tenant("acme")))
            #expect(try await store.services(tenant: .single).isEmpty)
            #expect(try await store.spans(of: trace, tenant: .single).isEmpty)
            #expect(try await store.services(tenant: Tenant("acme")) == ["a"])
        }
    }

    @Test func dataSurvivesReopening() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let store = try SpanStore(configuration: .init(dataDirectory: directory.path))
            try await store.consume(batch(service: "cart", trace: trace, spans: [(1, "a", 10)]))
            store.close()
            await #expect(throws: StorageError.self) { try await store.services(tenant: .single) }
        }
        let reopened = try SpanStore(configuration: .init(dataDirectory: directory.path))
        defer { reopened.close() }
        #expect(try await reopened.services(tenant: .single) == ["cart"])
        #expect(try await reopened.spans(of: trace, tenant: .single).count == 1)
    }

    @Test func aSecondOpenOfTheSameDirectoryFailsClearly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SpanStore(configuration: .init(dataDirectory: directory.path))
        defer { store.close() }
        #expect { try SpanStore(configuration: .init(dataDirectory: directory.path)) } throws: { error in
            "\(error)".contains("cannot open the store")
        }
    }

    @Test func keysKeepServiceNamesApart() {
        let short = KeyLayout.serviceIndexPrefix(.single, "svc")
        let long = KeyLayout.serviceIndexPrefix(.single, "svc1")
        #expect(!long.starts(with: short))
        #expect(KeyLayout.end(ofPrefix: [1, 0xFF]) == [2])
    }
}
