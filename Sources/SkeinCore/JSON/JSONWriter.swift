/// Writes JSON text into a byte buffer, for answers whose exact shape matters (Jaeger and OTLP
/// JSON). Keys and values are appended in call order; the caller is responsible for commas via
/// `object`/`array`, which insert them.
package struct JSONWriter: Sendable {
    package private(set) var bytes: [UInt8] = []
    /// Whether the next member of the innermost open container needs a leading comma.
    private var needsComma: [Bool] = [false]

    package init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    package var string: String { String(decoding: bytes, as: UTF8.self) }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    /// Writes `{ … }`, running `body` to write its members.
    package mutating func object(_ body: (inout JSONWriter) -> Void) {
        beginValue()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
        body(&self)
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    /// Writes `[ … ]`, running `body` to write its elements.
    package mutating func array(_ body: (inout JSONWriter) -> Void) {
        beginValue()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
        body(&self)
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes a member key inside an object; the next value call writes its value.
    package mutating func key(_ key: String) {
        separate()
        appendQuoted(key)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// True between a key and its value, when the value must not be preceded by a comma.
    private var afterKey = false

    private mutating func beginValue() {
        if afterKey { afterKey = false } else { separate() }
    }

    package mutating func value(_ string: String) {
        beginValue()
        appendQuoted(string)
    }

    package mutating func value(_ bool: Bool) {
        beginValue()
        bytes.append(contentsOf: bool ? Array("true".utf8) : Array("false".utf8))
    }

    package mutating func value(_ int: Int64) {
        beginValue()
        bytes.append(contentsOf: String(int).utf8)
    }

    package mutating func value(_ int: UInt64) {
        beginValue()
        bytes.append(contentsOf: String(int).utf8)
    }

    package mutating func value(_ int: Int) { value(Int64(int)) }

    /// A finite double in its shortest round-trip form; NaN and infinities as strings, which is
    /// how proto3 JSON writes them (plain JSON has no literal for them).
    package mutating func value(_ double: Double) {
        guard double.isFinite else {
            value(double.isNaN ? "NaN" : (double > 0 ? "Infinity" : "-Infinity"))
            return
        }
        beginValue()
        bytes.append(contentsOf: JSONWriter.shortest(double).utf8)
    }

    package mutating func null() {
        beginValue()
        bytes.append(contentsOf: Array("null".utf8))
    }

    /// Splices already-encoded JSON text in as one value.
    package mutating func raw(_ json: some Sequence<UInt8>) {
        beginValue()
        bytes.append(contentsOf: json)
    }

    /// Shortest text that reads back as the same double, without a needless `.0`
    /// (`72.5`, `3`, `1e+21`), matching how Go and JavaScript print numbers.
    package static func shortest(_ double: Double) -> String {
        if double == double.rounded(), abs(double) < 1e18 {
            return String(Int64(double))
        }
        return "\(double)"
    }

    private mutating func appendQuoted(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(contentsOf: Array(Hex.string(bytes: [byte]).utf8))
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
