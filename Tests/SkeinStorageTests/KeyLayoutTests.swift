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

    @Test func newerStartsSortFirstAndTailsParseBack() {
        let trace = TraceID(high: 0xFF, low: 0xEE)
        let prefix = KeyLayout.serviceIndexPrefix(.single, "s")
        let newer = KeyLayout.indexEntry(prefix, startNanos: 2_000, trace, batch: 7)
        let older = KeyLayout.indexEntry(prefix, startNanos: 1_000, trace, batch: 1)
        #expect(newer.lexicographicallyPrecedes(older))
        newer.withUnsafeBytes { bytes in
            let tail = KeyLayout.parseIndexTail(bytes)
            #expect(tail?.startNanos == 2_000 && tail?.traceID == trace)
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
