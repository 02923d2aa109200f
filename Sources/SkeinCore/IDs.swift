/// A 128-bit trace identifier. Valid ones are 16 bytes with at least one non-zero byte
/// (otlp-wire.md §5.1); the type itself can hold zero so that invalid input can be reported.
package struct TraceID: Hashable, Comparable, Sendable {
    package var high: UInt64
    package var low: UInt64

    package init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Reads exactly 16 big-endian bytes; nil for any other length.
    package init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        var value: (UInt64, UInt64) = (0, 0)
        for (index, byte) in bytes.enumerated() {
            if index < 8 { value.0 = value.0 << 8 | UInt64(byte) } else { value.1 = value.1 << 8 | UInt64(byte) }
        }
        self.init(high: value.0, low: value.1)
    }

    /// Parses 1 to 32 hex characters, left-padded with zeros (Jaeger's rule for IDs in URLs).
    package init?(hex: Substring) {
        guard !hex.isEmpty, hex.utf8.count <= 32 else { return nil }
        let utf8 = Array(hex.utf8)
        let split = max(0, utf8.count - 16)
        guard let low = Hex.parseUInt64(utf8[split...]) else { return nil }
        let high: UInt64
        if split > 0 {
            guard let parsed = Hex.parseUInt64(utf8[..<split]) else { return nil }
            high = parsed
        } else {
            high = 0
        }
        self.init(high: high, low: low)
    }

    package init?(hex: String) { self.init(hex: Substring(hex)) }

    package var isValid: Bool { high != 0 || low != 0 }

    /// The 16 big-endian bytes.
    package var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(16)
        BigEndian.append(high, to: &out)
        BigEndian.append(low, to: &out)
        return out
    }

    /// 32 lower-case hex characters, as OTLP/JSON writes it.
    package var hex: String { Hex.string(high) + Hex.string(low) }

    /// Jaeger's form: 16 characters when the high 64 bits are zero, else 32 (jaeger-api.md §1).
    package var jaegerHex: String { high == 0 ? Hex.string(low) : hex }

    package static func < (lhs: TraceID, rhs: TraceID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

/// A 64-bit span identifier; valid ones are non-zero.
package struct SpanID: Hashable, Comparable, Sendable {
    package var value: UInt64

    package init(_ value: UInt64) { self.value = value }

    /// Reads exactly 8 big-endian bytes; nil for any other length.
    package init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 8 else { return nil }
        self.init(bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }

    /// Parses 1 to 16 hex characters, left-padded with zeros.
    package init?(hex: Substring) {
        guard !hex.isEmpty, let value = Hex.parseUInt64(Array(hex.utf8)[...]) else { return nil }
        self.init(value)
    }

    package var isValid: Bool { value != 0 }
    package var bytes: [UInt8] {
        var out = [UInt8]()
        BigEndian.append(value, to: &out)
        return out
    }
    package var hex: String { Hex.string(value) }

    package static func < (lhs: SpanID, rhs: SpanID) -> Bool { lhs.value < rhs.value }
}

/// Lower-case hex text for IDs.
package enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// 16 hex characters, zero-padded.
    package static func string(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            for index in 0..<16 {
                buffer[index] = digits[Int((value >> UInt64(60 - index * 4)) & 0xF)]
            }
            return 16
        }
    }

    /// Hex text for arbitrary bytes (two characters a byte).
    package static func string(bytes: some Sequence<UInt8>) -> String {
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The value of one hex digit (either case), or nil.
    package static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Up to 16 hex digits as a number; nil when empty, too long or not hex.
    package static func parseUInt64(_ utf8: ArraySlice<UInt8>) -> UInt64? {
        guard !utf8.isEmpty, utf8.count <= 16 else { return nil }
        var value: UInt64 = 0
        for char in utf8 {
            guard let nibble = nibble(char) else { return nil }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }

    /// Decodes an even-length hex string into bytes; nil when it is not hex.
    package static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let hi = nibble(utf8[index]), let lo = nibble(utf8[index + 1]) else { return nil }
            out.append(hi << 4 | lo)
            index += 2
        }
        return out
    }
}

/// Big-endian integer helpers for keys, where byte order must be numeric order.
package enum BigEndian {
    package static func append(_ value: UInt64, to out: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    package static func append(_ value: UInt16, to out: inout [UInt8]) {
        out.append(UInt8(value >> 8))
        out.append(UInt8(value & 0xFF))
    }

    /// Reads 8 bytes starting at `offset`; the caller guarantees they exist.
    package static func uint64(_ bytes: some RandomAccessCollection<UInt8>, at offset: Int) -> UInt64 {
        var value: UInt64 = 0
        var index = bytes.index(bytes.startIndex, offsetBy: offset)
        for _ in 0..<8 {
            value = value << 8 | UInt64(bytes[index])
            index = bytes.index(after: index)
        }
        return value
    }
}
