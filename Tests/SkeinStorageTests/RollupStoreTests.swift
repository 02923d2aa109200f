import Foundation
import SkeinCore
import SkeinTesting
import Synchronization
import Testing
@testable import SkeinStorage

/// Rollups through RocksDB's merge operator: deltas of many batches add up, across flushes,
/// compactions, reopening and partitions, and expire with their partition.
@Suite struct RollupStoreTests {
    static func delta(_ service: String, minute: UInt64, millis: [UInt64], errors: Int = 0, name: String = "op") -> RollupDelta {
        var value = RollupValue()
        for (index, duration) in millis.enumerated() { value.add(durationNanos: duration * 1_000_000, isError: index < errors) }
        return RollupDelta(subject: .operation(service: service, kind: .server, name: name), minute: minute, value: value)
    }

    static func edge(_ parent: String, _ child: String, minute: UInt64) -> RollupDelta {
        var value = RollupValue()
        value.add(durationNanos: 1_000, isError: false)
        return RollupDelta(subject: .edge(parent: parent, child: child), minute: minute, value: value)
    }

    func total(_ store: SpanStore, _ service: String, _ minutes: Range<UInt64>) async throws -> RollupValue {
        try await store.operationRollups(tenant: .single, service: service, minutes: minutes, hourly: false) { _, _, _ in 0 }[0] ?? RollupValue()
    }

    @Test func deltasAddUpAcrossBatchesFlushesAndReopening() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var expected = RollupValue()
        do {
            let store = try SpanStore(configuration: .init(dataDirectory: directory.path))
            for round in 0..<50 {
                let millis = (1...7).map { UInt64($0 * (round + 1)) }
                let delta = Self.delta("checkout", minute: 100 + UInt64(round % 3), millis: millis, errors: round % 2)
                expected.merge(delta.value)
                // A batch with no spans still writes its rollups (sampling may have dropped them all).
                try await store.consume(SpanBatch(tenant: .single, groups: [], rollups: [delta, Self.delta("other", minute: 100, millis: [1])]))
                if round % 10 == 9 { try store.flush() }
            }
            try await store.consume(SpanBatch(tenant: .single, groups: [], rollups: [Self.edge("web", "checkout", minute: 101)]))
            #expect(try await total(store, "checkout", 100..<103) == expected)
            store.close()
        }
        let store = try SpanStore(configuration: .init(dataDirectory: directory.path))
        defer { store.close() }
        #expect(try await total(store, "checkout", 100..<103) == expected)
        #expect(try await store.rollupServices(tenant: .single) == ["checkout", "other"])
        // Minute ranges are half-open and group as asked.
        let perMinute = try await store.operationRollups(tenant: .single, service: "checkout", minutes: 101..<103, hourly: false) { minute, _, _ in minute }
        #expect(Set(perMinute.keys) == [101, 102])
        #expect(try await total(store, "checkout", 0..<100).calls == 0)
        let edges = try await store.edgeRollups(tenant: .single, minutes: 0..<1_000) { _, parent, child in "\(parent)>\(child)" }
        #expect(edges.mapValues(\.calls) == ["web>checkout": 1])
        // Tenants never see each other's rollups.
        #expect(try await store.rollupServices(tenant: Tenant("other-tenant")).isEmpty)
    }

    @Test func hourlyRecordsGiveTheSameSumsAsMinutesForAnyRange() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SpanStore(configuration: .init(dataDirectory: directory.path))
        defer { store.close() }
        for minute in UInt64(50)..<250 {
            var total = RollupValue()
            let delta = Self.delta("svc", minute: minute, millis: [minute, minute * 3], errors: Int(minute % 2))
            total.merge(delta.value)
            try await store.consume(SpanBatch(tenant: .single, groups: [], rollups: [
                delta, RollupDelta(subject: .service(service: "svc", kind: .server), minute: minute, value: total),
            ]))
        }
        for range in [UInt64(0)..<300, 55..<125, 60..<180, 61..<179, 100..<110, 120..<240] {
            let byMinute = try await store.operationRollups(tenant: .single, service: "svc", minutes: range, hourly: false) { _, _, _ in 0 }[0]
            let byHour = try await store.operationRollups(tenant: .single, service: "svc", minutes: range, hourly: true) { _, _, _ in 0 }[0]
            #expect(byMinute == byHour, "\(range)")
            let totals = try await store.serviceRollups(tenant: .single, service: "svc", minutes: range, hourly: true) { _, _ in 0 }[0]
            #expect(totals == byMinute, "\(range)")
            // Whole hours arrive at their first minute.
            let keys = try await store.operationRollups(tenant: .single, service: "svc", minutes: range, hourly: true) { minute, _, _ in minute }.keys
            #expect(keys.allSatisfy { range.contains($0) })
        }
    }

    @Test func rollupsExpireWithTheirPartition() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = RetentionTests.TestClock()
        let day: UInt64 = 24 * 3_600 * 1_000_000_000
        let store = try SpanStore(configuration: .init(dataDirectory: directory.path, retentionNanos: day), now: clock.now)
        defer { store.close() }
        try await store.consume(SpanBatch(tenant: .single, groups: [], rollups: [Self.delta("old", minute: 5, millis: [3])]))
        clock.advance(hours: 30)
        try await store.consume(SpanBatch(tenant: .single, groups: [], rollups: [Self.delta("young", minute: 5, millis: [4])]))
        #expect(try await store.expirePartitions() == 1)
        #expect(try await store.rollupServices(tenant: .single) == ["young"])
        #expect(try await total(store, "old", 0..<10).calls == 0)
        #expect(try await total(store, "young", 0..<10).calls == 1)
    }
}
