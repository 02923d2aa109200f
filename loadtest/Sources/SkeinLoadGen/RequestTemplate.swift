package import SkeinCore

/// The wire encoding of a request body.
package enum BodyEncoding: Sendable {
    case protobuf
    case json

    package var contentType: String { self == .protobuf ? "application/x-protobuf" : "application/json" }
}

/// An encoded export request plus where its per-request values sit, so each send can reuse
/// the bytes and only rewrite those values: fresh random trace IDs (every trace sent is a new
/// trace), span IDs XORed with a per-request mask (parents and links get the same mask, so
/// they still resolve), and every timestamp shifted to the present. Rewriting is a copy plus
/// a few hundred small writes, which keeps the generator far cheaper than the server under
/// test. All sites have a fixed width in both encodings (raw bytes and fixed64 in protobuf;
/// 32/16 hex digits and 19-digit decimal strings in OTLP/JSON), so the length never changes.
package struct RequestTemplate: Sendable {
    package var encoding: BodyEncoding
    package var bytes: [UInt8]
    /// Per trace (in `spanCounts` order): offsets of its trace ID, links to it included.
    package var traceIDSites: [[Int]]
    package var spanIDSites: [Int]
    package var timeSites: [Int]
    /// The spans each trace has in this request.
    package var spanCounts: [Int]

    package var spanCount: Int { spanCounts.reduce(0, +) }
    package var traceCount: Int { spanCounts.count }

    /// One send's body and the traces it carries.
    package struct Instance: Sendable {
        package var body: [UInt8]
        package var traceIDs: [TraceID]
        package var spanCounts: [Int]
    }

    /// The body with fresh IDs drawn from `random` and times moved by `shiftNanos`.
    package func instantiate(random: inout LoadRandom, shiftNanos: Int64) -> Instance {
        var traceIDs: [TraceID] = []
        traceIDs.reserveCapacity(traceIDSites.count)
        for _ in traceIDSites.indices { traceIDs.append(TraceID(high: random.next(), low: random.nonZero())) }
        // A zero result would need a span ID equal to the mask: odds of 2^-64 per span.
        let mask = random.nonZero()
        var body = bytes
        body.withUnsafeMutableBufferPointer { buffer in
            switch encoding {
            case .protobuf:
                for (trace, sites) in traceIDSites.enumerated() {
                    for site in sites { Patch.writeBigEndian(traceIDs[trace], at: site, in: buffer) }
                }
                for site in spanIDSites { Patch.xorBigEndian(mask, at: site, in: buffer) }
                for site in timeSites { Patch.addLittleEndian(shiftNanos, at: site, in: buffer) }
            case .json:
                for (trace, sites) in traceIDSites.enumerated() {
                    for site in sites { Patch.writeHex(traceIDs[trace], at: site, in: buffer) }
                }
                for site in spanIDSites { Patch.xorHex(mask, at: site, in: buffer) }
                for site in timeSites { Patch.addDecimal19(shiftNanos, at: site, in: buffer) }
            }
        }
        return Instance(body: body, traceIDs: traceIDs, spanCounts: spanCounts)
    }
}

/// Fixed-width, in-place rewrites of the values `RequestTemplate` tracks.
enum Patch {
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func writeBigEndian(_ id: TraceID, at offset: Int, in buffer: UnsafeMutableBufferPointer<UInt8>) {
        for index in 0..<8 {
            buffer[offset + index] = UInt8(truncatingIfNeeded: id.high >> UInt64(56 - 8 * index))
            buffer[offset + 8 + index] = UInt8(truncatingIfNeeded: id.low >> UInt64(56 - 8 * index))
        }
    }

    static func xorBigEndian(_ mask: UInt64, at offset: Int, in buffer: UnsafeMutableBufferPointer<UInt8>) {
        for index in 0..<8 { buffer[offset + index] ^= UInt8(truncatingIfNeeded: mask >> UInt64(56 - 8 * index)) }
    }

    static func addLittleEndian(_ shift: Int64, at offset: Int, in buffer: UnsafeMutableBufferPointer<UInt8>) {
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(buffer[offset + index]) << UInt64(8 * index) }
        value = value &+ UInt64(bitPattern: shift)
        for index in 0..<8 { buffer[offset + index] = UInt8(truncatingIfNeeded: value >> UInt64(8 * index)) }
    }

    static func writeHex(_ id: TraceID, at offset: Int, in buffer: UnsafeMutableBufferPointer<UInt8>) {
        for index in 0..<16 {
            buffer[offset + index] = hexDigits[Int((id.high >> UInt64(60 - 4 * index)) & 0xF)]
            buffer[offset + 16 + index] = hexDigits[Int((id.low >> UInt64(60 - 4 * index)) & 0xF)]
        }
    }

    static func xorHex(_ mask: UInt64, at offset: Int, in buffer: UnsafeMutableBufferPointer<UInt8>) {
        for index in 0..<16 {
            let nibble = Hex.nibble(buffer[offset + index]) ?? 0
            buffer[offset + index] = hexDigits[Int(nibble ^ UInt8((mask >> UInt64(60 - 4 * index)) & 0xF))]
        }
    }

    /// Adds to a 19-digit decimal (Unix nanoseconds from 2001 to 2286); leaves it alone if the
    /// sum would not have 19 digits, so the body's length never changes.
    static func addDecimal19(_ shift: Int64, at offset: Int, in buffer: UnsafeMutableBufferPointer<UInt8>) {
        var value: UInt64 = 0
        for index in 0..<19 { value = value &* 10 &+ UInt64(buffer[offset + index] &- UInt8(ascii: "0")) }
        let shifted = value &+ UInt64(bitPattern: shift)
        guard shifted >= 1_000_000_000_000_000_000, shifted <= 9_999_999_999_999_999_999 else { return }
        var rest = shifted
        for index in stride(from: 18, through: 0, by: -1) {
            buffer[offset + index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
    }
}
