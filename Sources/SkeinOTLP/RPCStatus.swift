package import SkeinCore

/// `google.rpc.Status`, the body of every OTLP/HTTP error (otlp-wire.md §1.7, §3.2), in
/// protobuf or JSON. It has two fields here: the gRPC code and a message for people.
package struct RPCStatus: Sendable, Equatable {
    package var code: Int32
    package var message: String

    package init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    /// Protobuf encoding: field 1 varint, field 2 length-delimited string.
    package var protobuf: [UInt8] {
        var out = [UInt8]()
        if code != 0 {
            out.append(0x08)
            appendVarint(UInt64(bitPattern: Int64(code)), to: &out)
        }
        if !message.isEmpty {
            out.append(0x12)
            appendVarint(UInt64(message.utf8.count), to: &out)
            out.append(contentsOf: message.utf8)
        }
        return out
    }

    package var json: [UInt8] {
        var writer = JSONWriter(capacity: 64 + message.utf8.count)
        writer.object { json in
            if code != 0 { json.key("code"); json.value(Int(code)) }
            json.key("message"); json.value(message)
        }
        return writer.bytes
    }

    private func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }
}
