/// A bounds-checked reader over protobuf wire bytes (otlp-wire.md §1.2): tags, varints, fixed
/// fields and length-delimited ranges. Every read either stays inside `end` or throws, so no
/// input can make it read past the buffer, loop forever or allocate.
struct ProtobufCursor {
    let bytes: UnsafeRawBufferPointer
    var offset: Int
    let end: Int

    init(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) {
        self.bytes = bytes
        self.offset = range.lowerBound
        self.end = range.upperBound
    }

    var isAtEnd: Bool { offset >= end }

    /// Why a read failed; the message reader adds where.
    struct Malformed: Error {
        var reason: String
    }

    mutating func varint() throws(Malformed) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < end {
            let byte = bytes[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw Malformed(reason: "a varint is longer than 64 bits") }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
            if shift > 63 { throw Malformed(reason: "a varint is longer than 10 bytes") }
        }
        throw Malformed(reason: "the bytes end inside a varint")
    }

    /// The next field's number and wire type.
    mutating func tag() throws(Malformed) -> (field: UInt64, wireType: UInt8) {
        let start = offset
        let tag = try varint()
        // A tag is a 32-bit varint: at most 5 bytes, so a padded or longer one is refused, as
        // swift-protobuf refuses it (found by fuzz-otlp-protobuf).
        guard offset - start <= 5, tag <= UInt64(UInt32.max) else { throw Malformed(reason: "a field tag is longer than 32 bits") }
        let field = tag >> 3
        guard field > 0, field <= 536_870_911 else { throw Malformed(reason: "a field number is out of range (\(field))") }
        return (field, UInt8(tag & 7))
    }

    mutating func fixed64() throws(Malformed) -> UInt64 {
        guard end - offset >= 8 else { throw Malformed(reason: "the bytes end inside a 64-bit field") }
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        return UInt64(littleEndian: value)
    }

    /// The range of a length-delimited value.
    mutating func delimited() throws(Malformed) -> Range<Int> {
        let length = try varint()
        guard length <= UInt64(end - offset) else { throw Malformed(reason: "a field's length runs past the end of its message") }
        let range = offset..<(offset + Int(length))
        offset = range.upperBound
        return range
    }

    /// Moves past one value of a field that is unknown (or ignored), checking only its framing.
    /// Groups (wire types 3 and 4) are refused: OTLP has none, and no current encoder writes them.
    mutating func skip(_ wireType: UInt8) throws(Malformed) {
        switch wireType {
        case 0: _ = try varint()
        case 1:
            guard end - offset >= 8 else { throw Malformed(reason: "the bytes end inside a 64-bit field") }
            offset += 8
        case 2: _ = try delimited()
        case 5:
            guard end - offset >= 4 else { throw Malformed(reason: "the bytes end inside a 32-bit field") }
            offset += 4
        default: throw Malformed(reason: "wire type \(wireType) is not valid here")
        }
    }

    /// Checks that a known field has the wire type its schema says.
    static func expect(_ wireType: UInt8, _ expected: UInt8, field: UInt64) throws(Malformed) {
        guard wireType == expected else {
            throw Malformed(reason: "field \(field) has wire type \(wireType), its type needs \(expected)")
        }
    }

    func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[range]) }

    /// A string field's text, which protobuf requires to be UTF-8.
    func string(_ range: Range<Int>) throws(Malformed) -> String {
        let slice = slice(range)
        guard UTF8Check.isValid(slice) else { throw Malformed(reason: "a string field is not valid UTF-8") }
        return String(decoding: slice, as: UTF8.self)
    }

    /// Checks a string field without making a String of it.
    func validateString(_ range: Range<Int>) throws(Malformed) {
        guard UTF8Check.isValid(slice(range)) else { throw Malformed(reason: "a string field is not valid UTF-8") }
    }
}

enum UTF8Check {
    /// ASCII, the common case, is checked eight bytes at a time; anything else by the standard library.
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index + 8 <= count {
            if bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return validateSlow(bytes) }
            index += 8
        }
        while index < count {
            if bytes[index] >= 0x80 { return validateSlow(bytes) }
            index += 1
        }
        return true
    }

    private static func validateSlow(_ bytes: UnsafeRawBufferPointer) -> Bool {
        String(validating: bytes.bindMemory(to: UInt8.self), as: UTF8.self) != nil
    }
}
