import CZlib

/// gzip for request bodies, with a hard cap on the inflated size so a small "zip bomb" cannot
/// make the server allocate more than the cap.
package enum Gzip {
    package enum Failure: Error, Equatable {
        /// The inflated body would exceed `limit` bytes.
        case tooLarge(limit: Int)
        /// The bytes are not a valid gzip stream (the message says what zlib reported).
        case corrupt(String)
    }

    /// Inflates one or more concatenated gzip members; stops as soon as the output passes `limit`.
    package static func decompress(_ input: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header and trailer.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        let chunk = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: chunk)
        var consumed = 0
        var result: Int32 = Z_OK
        try input.withUnsafeBufferPointer { (inputBuffer: UnsafeBufferPointer<UInt8>) throws(Failure) in
            while true {
                stream.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress.map { $0 + consumed })
                stream.avail_in = UInt32(inputBuffer.count - consumed)
                let before = stream.avail_in
                let produced = buffer.withUnsafeMutableBufferPointer { out -> Int in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(chunk)
                    result = inflate(&stream, Z_NO_FLUSH)
                    return chunk - Int(stream.avail_out)
                }
                consumed += Int(before - stream.avail_in)
                if output.count + produced > limit { throw .tooLarge(limit: limit) }
                output.append(contentsOf: buffer[0..<produced])
                switch result {
                case Z_STREAM_END:
                    // Another gzip member may follow (concatenated gzip is valid).
                    guard consumed < inputBuffer.count else { return }
                    inflateReset(&stream)
                case Z_OK:
                    if consumed == inputBuffer.count && produced == 0 { throw .corrupt("the gzip stream is truncated") }
                case Z_BUF_ERROR:
                    if consumed == inputBuffer.count { throw .corrupt("the gzip stream is truncated") }
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(result)"
                    throw .corrupt(message)
                }
            }
        }
        return output
    }

    /// Compresses `input` into one gzip member (used by tests and the load generator).
    package static func compress(_ input: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                      ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 32)
        let written = input.withUnsafeBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { out -> Int in
                stream.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
                stream.avail_in = UInt32(inputBuffer.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                deflate(&stream, Z_FINISH)
                return out.count - Int(stream.avail_out)
            }
        }
        return Array(output[0..<written])
    }
}
