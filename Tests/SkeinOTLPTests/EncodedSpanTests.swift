import Foundation
import OTLPProto
import SkeinOTLP
import SkeinTesting
import SwiftProtobuf
import Testing

@Suite struct EncodedSpanTests {
    static let span: OTLPSpan = {
        var span = OTLPBuilders.span(trace: .init(high: 1, low: 2), id: 3, parent: 4, name: "GET /", startNanos: 10,
                                     attributes: OTLPBuilders.everyValueKind, error: true)
        span.flags = 0x301
        span.events = [.with { $0.name = "e"; $0.timeUnixNano = 11 }]
        return span
    }()

    @Test(arguments: ["", "ot=th:c", "vendor=x,ot=th:c;rv:6e6d1a75832a2f"])
    func replacingTheTraceStateChangesNothingElse(before: String) throws {
        var span = Self.span
        span.traceState = before
        let bytes: [UInt8] = try span.serializedBytes()
        for after in ["", "ot=th:8", String(repeating: "k=v,", count: 40) + "ot=th:f"] {
            let edited = try EncodedSpan.replacingTraceState(bytes, with: after)
            var expected = span
            expected.traceState = after
            #expect(try OTLPSpan(serializedBytes: edited) == expected)
            #expect(edited == (try expected.serializedBytes()))  // same field order as swift-protobuf
        }
    }

    @Test func malformedBytesAreAnErrorNotACrash() {
        #expect(throws: OTLPDecodingError.self) { try EncodedSpan.replacingTraceState([0x0A, 0x10, 0x01], with: "x") }
        #expect(throws: OTLPDecodingError.self) { try EncodedSpan.replacingTraceState([0xFF], with: "x") }
        #expect(throws: OTLPDecodingError.self) { try EncodedSpan.replacingTraceState([0x0B], with: "x") }
    }
}
