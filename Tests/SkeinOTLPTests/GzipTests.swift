import Testing
@testable import SkeinOTLP

@Suite struct GzipTests {
    @Test func roundTrips() throws {
        let input = Array("hello spans ".utf8) + [UInt8](repeating: 7, count: 100_000)
        let compressed = Gzip.compress(input)
        #expect(compressed.count < input.count / 10)
        #expect(try Gzip.decompress(compressed, limit: 1 << 20) == input)
    }

    @Test func readsConcatenatedMembers() throws {
        let joined = Gzip.compress(Array("ab".utf8)) + Gzip.compress(Array("cd".utf8))
        #expect(try Gzip.decompress(joined, limit: 100) == Array("abcd".utf8))
    }

    @Test func stopsABombAtTheLimit() {
        // 64 MiB of zeros compresses to ~64 KiB; inflating must stop at the 1 MiB limit.
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 64 << 20))
        #expect(bomb.count < 100_000)
        #expect(throws: Gzip.Failure.tooLarge(limit: 1 << 20)) { try Gzip.decompress(bomb, limit: 1 << 20) }
    }

    @Test func refusesCorruptAndTruncatedStreams() {
        let good = Gzip.compress(Array("some text to compress".utf8))
        #expect { try Gzip.decompress(Array("not gzip".utf8), limit: 100) } throws: { error in
            if case .corrupt = error as? Gzip.Failure { return true } else { return false }
        }
        #expect { try Gzip.decompress(Array(good.prefix(good.count - 6)), limit: 100) } throws: { error in
            if case .corrupt = error as? Gzip.Failure { return true } else { return false }
        }
    }
}
