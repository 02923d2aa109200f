import SkeinCore
import Testing
@testable import SkeinStorage

/// Length prefixes keep every pair of distinct subjects apart, whatever bytes they contain.
@Suite struct KeyLayoutTests {
    @Test(arguments: [
        ("svc", "svc1"), ("a", "a\u{0}"), ("", "x"), ("svc\u{0}\u{1}", "svc"), ("ü", "u"),
    ])
    func servicePrefixesNeverNest(a: String, b: String) {
        let left = KeyLayout.serviceIndexPrefix(.single, a)
        let right = KeyLayout.serviceIndexPrefix(.single, b)
        #expect(!left.starts(with: right) && !right.starts(with: left))
    }

    @Test func attributeKeyAndValueBoundariesAreUnambiguous() {
        // "k" + "=v" against "k=" + "v": same characters, different split.
        let one = KeyLayout.attributeIndexPrefix(.single, "s", "k", "=v")
        let two = KeyLayout.attributeIndexPrefix(.single, "s", "k=", "v")
        #expect(one != two && !one.starts(with: two) && !two.starts(with: one))
        let service = KeyLayout.attributeIndexPrefix(.single, "s", "k", "v")
        let otherService = KeyLayout.attributeIndexPrefix(.single, "s\u{0}\u{1}k", "", "v")
        #expect(service != otherService)
    }

    @Test func tenantsNeverShareAPrefix() {
        let a = KeyLayout.tracePrefix(Tenant("ab"), TraceID(high: 1, low: 2))
        let b = KeyLayout.tracePrefix(Tenant("a"), TraceID(high: 1, low: 2))
        #expect(!a.starts(with: b) && !b.starts(with: a))
        #expect(KeyLayout.servicesPrefix(.single) != KeyLayout.servicesPrefix(Tenant("\u{0}")))
    }

    @Test func newerTimesSortFirstAndTailsParseBack() {
        let prefix = KeyLayout.serviceIndexPrefix(.single, "s")
        let newer = KeyLayout.indexEntry(prefix, timeNanos: 2_000, batch: 7)
        let older = KeyLayout.indexEntry(prefix, timeNanos: 1_000, batch: 1)
        let sameTimeOtherBatch = KeyLayout.indexEntry(prefix, timeNanos: 2_000, batch: 8)
        #expect(newer.lexicographicallyPrecedes(older))
        #expect(newer != sameTimeOtherBatch && newer.count == sameTimeOtherBatch.count)
        newer.withUnsafeBytes { bytes in #expect(KeyLayout.parseIndexTail(bytes) == 2_000) }
    }

    @Test func postingsRoundTripAndRefuseTruncation() {
        var posting = Posting()
        let a = TraceID(high: 1, low: 2), b = TraceID(high: 3, low: 4)
        func span(_ start: UInt64, _ duration: UInt64) -> BatchSpan {
            BatchSpan(traceID: a, spanID: SpanID(start), name: "n", kind: .server, startNanos: start,
                      endNanos: start + duration, encodedSpan: [])
        }
        posting.add(a, span(1_000, 5))
        posting.add(b, span(3_000, 70))
        posting.add(a, span(1_500, 9))
        #expect(posting.timeNanos == 3_000)
        let encoded = posting.encoded(timeNanos: posting.timeNanos)
        let decoded = encoded.withUnsafeBytes { Posting.decode($0, timeNanos: 3_000) }
        #expect(decoded == [
            Posting.Trace(traceID: a, earliestStartNanos: 1_000, latestStartNanos: 1_500, minDurationNanos: 5, maxDurationNanos: 9),
            Posting.Trace(traceID: b, earliestStartNanos: 3_000, latestStartNanos: 3_000, minDurationNanos: 70, maxDurationNanos: 70),
        ])
        for cut in 0..<encoded.count {
            #expect(Array(encoded.prefix(cut)).withUnsafeBytes { Posting.decode($0, timeNanos: 3_000) } == nil)
        }
    }

    @Test func spanGroupsRoundTripAndRefuseTruncation() {
        let members: [(spanID: UInt64, envelopeReference: UInt64, span: [UInt8])] = [(1, 9, [1, 2, 3]), (2, 9, []), (3, 8, [7])]
        let encoded = SpanGroup.encode(members)
        var decoded: [SpanGroup.Member] = []
        #expect(encoded.withUnsafeBytes { SpanGroup.decode($0) { decoded.append($0) } })
        #expect(decoded.map(\.spanID) == [1, 2, 3] && decoded.map(\.span) == [[1, 2, 3], [], [7]])
        #expect(encoded.withUnsafeBytes { SpanGroup.count($0) } == 3)
        for cut in 0..<encoded.count {
            #expect(!Array(encoded.prefix(cut)).withUnsafeBytes { SpanGroup.decode($0) { _ in } })
        }
    }

    @Test func prefixEndsAreExclusiveUpperBounds() {
        #expect(KeyLayout.end(ofPrefix: [1, 0xFF]) == [2])
        #expect(KeyLayout.end(ofPrefix: [1, 2]) == [1, 3])
        #expect([1, 2, 0xFF, 0xFF].lexicographicallyPrecedes(KeyLayout.end(ofPrefix: [1, 2])))
    }

    @Test func partitionsRoundTripTheirFamilyNames() {
        let partition = Partition(startHour: 493_872)
        #expect(Partition.parse(familyName: partition.familyName(.index))! == (partition, .index))
        #expect(Partition.parse(familyName: "default") == nil)
        #expect(Partition.parse(familyName: "pXY.spans") == nil)
        #expect(Partition.current(nowNanos: 25 * 3_600 * 1_000_000_000 + 5, hours: 24) == Partition(startHour: 24))
    }
}
