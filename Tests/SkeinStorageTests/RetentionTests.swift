import Foundation
import SkeinCore
import SkeinTesting
import Synchronization
import Testing
@testable import SkeinStorage

/// Retention with an injected clock, against a real RocksDB: expired data is gone from every
/// read and its SST files are deleted.
@Suite struct RetentionTests {
    final class TestClock: Sendable {
        let nanos = Mutex<UInt64>(1_800_000_000 * 1_000_000_000)
        func advance(hours: UInt64) { nanos.withLock { $0 += hours * 3_600 * 1_000_000_000 } }
        var now: @Sendable () -> UInt64 { { self.nanos.withLock { $0 } } }
    }

    @Test func expiredPartitionsAreDroppedAndTheirFilesDeleted() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = TestClock()
        let day: UInt64 = 24 * 3_600 * 1_000_000_000
        let store = try SpanStore(configuration: .init(dataDirectory: directory.path, retentionNanos: 2 * day), now: clock.now)
        defer { store.close() }
        #expect(store.configuration.partitionHours == 6)

        // Old timestamps on purpose: retention counts from receipt, not from span time.
        func write(_ trace: TraceID, service: String) async throws {
            let spans = (1...200).map { OTLPBuilders.span(trace: trace, id: UInt64($0), startNanos: 1_000 + UInt64($0),
                                                          attributes: [OTLPBuilders.attribute("payload", String(repeating: "x", count: 200) + "\($0)")]) }
            try await store.consume(OTLPBuilders.batch(OTLPBuilders.request([OTLPBuilders.resourceSpans(service: service, spans: spans)])))
        }
        let old = TraceID(high: 1, low: 1)
        let young = TraceID(high: 2, low: 2)
        try await write(old, service: "old-service")
        try store.flush()
        clock.advance(hours: 30)
        try await write(young, service: "young-service")
        try store.flush()
        let before = store.diskUsageBytes()

        #expect(try await store.expirePartitions() == 0)  // 30 h < 2 days
        clock.advance(hours: 24)  // the first partition ended 48 h + change ago
        #expect(try await store.expirePartitions() == 1)

        #expect(try await store.trace(old, tenant: .single, limit: 1_000).spans.isEmpty)
        #expect(try await store.summary(of: old, tenant: .single) == nil)
        #expect(try await store.services(tenant: .single) == ["young-service"])
        #expect(try await store.trace(young, tenant: .single, limit: 1_000).spans.count == 200)
        let stream = try await store.candidates(.service("old-service"), tenant: .single, newestStartNanos: .max, oldestStartNanos: 0)
        #expect(try await stream.next(10).isEmpty)
        let after = store.diskUsageBytes()
        #expect(after < before, "live SST bytes \(before) -> \(after)")
        // The partition's column families are gone from the directory's manifest too.
        let reopened = store.db.familyNames.filter { $0.hasPrefix("p") }
        #expect(reopened.count == Partition.Family.allCases.count)
    }

    @Test func reopeningFindsEveryPartitionWithoutScanning() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = TestClock()
        do {
            let store = try SpanStore(configuration: .init(dataDirectory: directory.path), now: clock.now)
            for hour in 0..<3 {
                try await store.consume(OTLPBuilders.batch(OTLPBuilders.request([OTLPBuilders.resourceSpans(
                    service: "s\(hour)", spans: [OTLPBuilders.span(trace: TraceID(high: 9, low: UInt64(hour + 1)), id: 1, startNanos: 5)])])))
                clock.advance(hours: 24)
            }
            store.close()
        }
        let store = try SpanStore(configuration: .init(dataDirectory: directory.path), now: clock.now)
        defer { store.close() }
        #expect(try await store.services(tenant: .single) == ["s0", "s1", "s2"])
        #expect(store.readablePartitions.count == 3)
    }
}
