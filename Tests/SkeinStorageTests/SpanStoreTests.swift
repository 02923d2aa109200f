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
            let stored = try await store.trace(trace, tenant: .single, limit: 100)
            let spans = stored.spans
            #expect(spans.count == 2 && stored.totalSpans == 2)
            #expect(spans[0].envelopeReference == spans[1].envelopeReference)
            #expect(!spans[0].envelope.isEmpty)
            #expect(try await store.trace(TraceID(high: 9, low: 9), tenant: .single, limit: 100).spans.isEmpty)
        }
    }

    @Test func aRetriedSpanOverwritesItself() async throws {
        try await withStore { store, _ in
            let once = try batch(service: "cart", trace: trace, spans: [(1, "a", 10)])
            try await store.consume(once)
            try await store.consume(once)
            #expect(try await store.trace(trace, tenant: .single, limit: 100).spans.count == 1)
        }
    }

    @Test func aSpanSentAgainInAnotherBatchIsOneSpan() async throws {
        try await withStore { store, _ in
            // An intermediary that regroups spans can resend span 2 next to a new span 3.
            try await store.consume(batch(service: "cart", trace: trace, spans: [(1, "a", 10), (2, "b", 20)]))
            try await store.consume(batch(service: "cart", trace: trace, spans: [(2, "b", 20), (3, "c", 30)]))
            let stored = try await store.trace(trace, tenant: .single, limit: 100)
            #expect(stored.spans.count == 3 && stored.totalSpans == 3)
            #expect(try await store.trace(trace, tenant: .single, limit: 2).totalSpans == 3)
        }
    }

    @Test func oneEntryListsEveryTraceOfTheBatch() async throws {
        try await withStore { store, _ in
            let traces = (1...3).map { TraceID(high: 7, low: UInt64($0)) }
            var request = OTLPBuilders.request([])
            for (index, id) in traces.enumerated() {
                request.resourceSpans.append(OTLPBuilders.resourceSpans(service: "api", spans: [
                    OTLPBuilders.span(trace: id, id: 1, startNanos: 1_000 + UInt64(index) * 10, durationNanos: 5)]))
            }
            let batch = try OTLPBuilders.batch(request)
            #expect(SpanStore.recordWrites(for: batch).spanRecords == 3)
            try await store.consume(batch)
            let hits = try await store.candidates(.service("api"), tenant: .single, newestStartNanos: .max, oldestStartNanos: 0).next(10)
            #expect(Set(hits.map(\.traceID)) == Set(traces))
            #expect(hits.allSatisfy { $0.entryNanos == 1_020 } && hits.map(\.startNanos) == [1_020, 1_010, 1_000])
        }
    }

    @Test func aStoreWithAnotherKeyFormatIsRefused() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SpanStore(configuration: .init(dataDirectory: directory.path))
        try store.db.using {
            let batch = WriteBatch()
            batch.put(store.db.family("default")!, KeyLayout.schemaVersionKey, [1])
            try store.db.write(batch)
        }
        store.close()
        #expect {
            try SpanStore(configuration: .init(dataDirectory: directory.path))
        } throws: { error in
            "\(error)".contains("key format [1], this skein reads [2]")
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

    @Test func candidateScansAreNewestFirstAndPage() async throws {
        try await withStore { store, _ in
            for index in 1...25 {
                let id = TraceID(high: 0, low: UInt64(index))
                try await store.consume(batch(service: "api", trace: id, spans: [(1, "op", UInt64(index) * 1_000_000_000_000)]))
            }
            let stream = try await store.candidates(.service("api"), tenant: .single, newestStartNanos: 20_000_000_000_000,
                                                    oldestStartNanos: 5_000_000_000_000)
            var seen: [UInt64] = []
            while true {
                let page = try await stream.next(4)
                if page.isEmpty { break }
                seen += page.map(\.traceID.low)
            }
            #expect(seen == Array((5...20).reversed()))
            let everything = try await store.candidates(.allServices, tenant: .single, newestStartNanos: .max, oldestStartNanos: 0)
            #expect(try await everything.next(100).count == 25)
        }
    }

    @Test func summariesMergeBatchesAndIgnoreRetries() async throws {
        try await withStore { store, _ in
            let first = try OTLPBuilders.batch(OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "web", spans: [
                OTLPBuilders.span(trace: trace, id: 1, name: "GET /", startNanos: 1_000, durationNanos: 10_000),
            ])]))
            let second = try OTLPBuilders.batch(OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "db", spans: [
                OTLPBuilders.span(trace: trace, id: 2, parent: 1, name: "SELECT", kind: .client, startNanos: 2_000, durationNanos: 20_000, error: true),
            ])]))
            try await store.consume(first)
            try await store.consume(second)
            try await store.consume(second)  // a retry
            let summary = try #require(try await store.summary(of: trace, tenant: .single))
            #expect(summary.rootService == "web" && summary.rootOperation == "GET /")
            #expect(summary.startNanos == 1_000 && summary.endNanos == 22_000)
            #expect(summary.spanCount == 2 && summary.errorCount == 1)
            #expect(summary.services == ["db", "web"])
            #expect(try await store.summary(of: TraceID(high: 5, low: 5), tenant: .single) == nil)
        }
    }

    @Test func attributeKeysAndValuesForAutocompletion() async throws {
        try await withStore { store, _ in
            let spans = (1...5).map { index in
                OTLPBuilders.span(trace: trace, id: UInt64(index), startNanos: 1_000, attributes: [
                    OTLPBuilders.attribute("http.route", "/r\(index % 2)"), OTLPBuilders.attribute("a=b&c", "x#y+z?"),
                ])
            }
            try await store.consume(OTLPBuilders.batch(OTLPBuilders.request([OTLPBuilders.resourceSpans(
                service: "web", spans: spans, resourceAttributes: [OTLPBuilders.attribute("host.name", "n1")])])))
            #expect(try await store.attributeKeys(service: "web", tenant: .single, limit: 10) == ["a=b&c", "host.name", "http.route"])
            #expect(try await store.attributeValues(service: "web", key: "http.route", tenant: .single, limit: 10) == ["/r0", "/r1"])
            #expect(try await store.attributeValues(service: "web", key: "http.route", tenant: .single, limit: 1) == ["/r0"])
            #expect(try await store.attributeKeys(service: "other", tenant: .single, limit: 10).isEmpty)
        }
    }

    @Test func aTraceCanBeCappedAndStillCounted() async throws {
        try await withStore { store, _ in
            try await store.consume(batch(service: "big", trace: trace, spans: (1...30).map { (UInt64($0), "op", UInt64($0)) }))
            let capped = try await store.trace(trace, tenant: .single, limit: 10)
            #expect(capped.spans.count == 10 && capped.totalSpans == 30)
        }
    }

    @Test func tenantsDoNotSeeEachOther() async throws {
        try await withStore { store, _ in
            try await store.consume(batch(service: "a", trace: trace, spans: [(1, "op", 10)], tenant: Tenant("acme")))
            #expect(try await store.services(tenant: .single).isEmpty)
            #expect(try await store.trace(trace, tenant: .single, limit: 100).spans.isEmpty)
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
        #expect(try await reopened.trace(trace, tenant: .single, limit: 100).spans.count == 1)
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


}
