import Foundation
import OTLPProto
import SkeinCore
import SkeinTesting
import SwiftProtobuf
import Testing
@testable import SkeinOTLP

@Suite struct OTLPJSONDecoderTests {
    static let example = """
    {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
     "schemaUrl":"https://opentelemetry.io/schemas/1.40.0",
     "scopeSpans":[{"scope":{"name":"example.orders","version":"0.3.1"},"spans":[
      {"traceId":"5F1C0A9E3B7D4C21A8E6F0B2D4C69E17","spanId":"a1b2c3d4e5f60718","traceState":"ot=th:c","flags":259,
       "name":"POST /orders","kind":2,"startTimeUnixNano":"1767225600000000000","endTimeUnixNano":1767225600250000000,
       "attributes":[{"key":"http.response.status_code","value":{"intValue":"500"}},
                     {"key":"n","value":{"intValue":7}},
                     {"key":"d","value":{"doubleValue":"NaN"}},
                     {"key":"b","value":{"bytesValue":"AQL+/w=="}},
                     {"key":"a","value":{"arrayValue":{"values":[{"stringValue":"x"},{"boolValue":false}]}}},
                     {"key":"m","value":{"kvlistValue":{"values":[{"key":"k","value":{"intValue":"1"}}]}}},
                     {"key":"e","value":{}},
                     {"key":"novalue"}],
       "events":[{"timeUnixNano":"1767225600239000000","name":"exception","attributes":[]}],
       "links":[{"traceId":"00000000000000000000000000000001","spanId":"0000000000000002","flags":768}],
       "status":{"code":2,"message":"boom"},"futureField":{"x":1}},
      {"trace_id":"5f1c0a9e3b7d4c21a8e6f0b2d4c69e17","span_id":"0f1e2d3c4b5a6978","parent_span_id":"a1b2c3d4e5f60718",
       "kind":"SPAN_KIND_CLIENT","status":{"code":"STATUS_CODE_OK"},"start_time_unix_nano":1,"end_time_unix_nano":"2"}
     ]}]}]}
    """

    @Test func decodesHexIDsAsHexNotBase64() throws {
        let request = try OTLPJSONDecoder.decodeExportRequest(Array(Self.example.utf8))
        let span = request.resourceSpans[0].scopeSpans[0].spans[0]
        #expect(Array(span.traceID) == Hex.decode("5f1c0a9e3b7d4c21a8e6f0b2d4c69e17"))
        #expect(span.traceID.count == 16)
        #expect(Array(span.spanID) == Hex.decode("a1b2c3d4e5f60718"))
        // What a generic proto3 JSON reader would have produced: 24 wrong bytes.
        #expect(Data(base64Encoded: "5F1C0A9E3B7D4C21A8E6F0B2D4C69E17")?.count == 24)
    }

    @Test func readsEveryFieldAndValueKind() throws {
        let request = try OTLPJSONDecoder.decodeExportRequest(Array(Self.example.utf8))
        let resourceSpans = request.resourceSpans[0]
        #expect(resourceSpans.schemaURL == "https://opentelemetry.io/schemas/1.40.0")
        #expect(resourceSpans.scopeSpans[0].scope.version == "0.3.1")
        let span = resourceSpans.scopeSpans[0].spans[0]
        #expect(span.flags == 259)
        #expect(span.kind == .server)
        #expect(span.traceState == "ot=th:c")
        #expect(span.startTimeUnixNano == 1_767_225_600_000_000_000)
        #expect(span.endTimeUnixNano == 1_767_225_600_250_000_000)
        #expect(span.status.code == .error && span.status.message == "boom")
        let values = Dictionary(uniqueKeysWithValues: span.attributes.map { ($0.key, $0.value) })
        #expect(values["http.response.status_code"]?.intValue == 500)
        #expect(values["n"]?.intValue == 7)
        #expect(values["d"]?.doubleValue.isNaN == true)
        #expect(values["b"]?.bytesValue == Data([1, 2, 0xfe, 0xff]))
        #expect(values["a"]?.arrayValue.values.count == 2)
        #expect(values["m"]?.kvlistValue.values.first?.value.intValue == 1)
        #expect(values["e"]?.value == nil)
        #expect(values["novalue"]?.value == nil)
        #expect(span.events.first?.name == "exception")
        #expect(span.links.first?.flags == 768)
    }

    @Test func acceptsSnakeCaseKeysEnumNamesAndNumbersForIntegers() throws {
        let request = try OTLPJSONDecoder.decodeExportRequest(Array(Self.example.utf8))
        let span = request.resourceSpans[0].scopeSpans[0].spans[1]
        #expect(span.kind == .client)
        #expect(span.status.code == .ok)
        #expect(span.parentSpanID.count == 8)
        #expect(span.startTimeUnixNano == 1 && span.endTimeUnixNano == 2)
    }

    @Test(arguments: [
        (#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz"}]}]}]}"#, "resourceSpans[0].scopeSpans[0].spans[0].traceId"),
        (#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"abc"}]}]}]}"#, "spans[0].spanId"),
        (#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"soon"}]}]}]}"#, "startTimeUnixNano"),
        (#"{"resourceSpans":{}}"#, "resourceSpans: expected an array"),
        (#"{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":{"bytesValue":"!!"}}]}}]}"#, "bytesValue"),
        (#"{"resourceSpans":"#, "invalid JSON"),
    ])
    func refusesUndecodableBodiesNamingTheField(json: String, expected: String) {
        #expect {
            try OTLPJSONDecoder.decodeExportRequest(Array(json.utf8))
        } throws: { error in
            (error as? OTLPDecodingError)?.message.contains(expected) == true
        }
    }

    @Test func wrongLengthHexStillDecodesSoValidationCanRejectTheSpan() throws {
        let json = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"abcd","spanId":"0000000000000001"}]}]}]}"#
        let request = try OTLPJSONDecoder.decodeExportRequest(Array(json.utf8))
        #expect(request.resourceSpans[0].scopeSpans[0].spans[0].traceID.count == 2)
    }

    @Test func encoderOutputDecodesToTheSameMessage() throws {
        let request = try OTLPJSONDecoder.decodeExportRequest(Array(Self.example.utf8))
        var resourceSpans = request.resourceSpans
        // NaN never equals itself; compare the rest.
        resourceSpans[0].scopeSpans[0].spans[0].attributes.removeAll { $0.key == "d" }
        var json = JSONWriter()
        OTLPJSONEncoder.writeResourceSpans(resourceSpans, to: &json)
        let again = try OTLPJSONDecoder.decodeExportRequest(json.bytes)
        #expect(again.resourceSpans == resourceSpans)
        #expect(json.string.contains(#""traceId":"5f1c0a9e3b7d4c21a8e6f0b2d4c69e17""#))
        #expect(json.string.contains(#""startTimeUnixNano":"1767225600000000000""#))
        #expect(json.string.contains(#""kind":2"#))
    }

    @Test func exportResponseJSON() {
        #expect(String(decoding: OTLPJSONEncoder.exportResponse(ExportTraceResponse()), as: UTF8.self) == "{}")
        var partial = ExportTraceResponse()
        partial.partialSuccess.rejectedSpans = 3
        partial.partialSuccess.errorMessage = "why"
        #expect(String(decoding: OTLPJSONEncoder.exportResponse(partial), as: UTF8.self)
                == #"{"partialSuccess":{"rejectedSpans":"3","errorMessage":"why"}}"#)
    }
}
