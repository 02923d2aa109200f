import Testing
@testable import SkeinCore

@Suite struct IDsTests {
    @Test func traceIDPrintsSixteenCharactersWhenHighBitsAreZero() {
        let short = TraceID(high: 0, low: 0x1)
        #expect(short.jaegerHex == "0000000000000001")
        #expect(short.hex == "00000000000000000000000000000001")
        let long = TraceID(high: 0x5b8efff798038103, low: 0xd269b633813fc60c)
        #expect(long.jaegerHex == "5b8efff798038103d269b633813fc60c")
    }

    @Test func traceIDParsesOneToThirtyTwoHexCharacters() {
        #expect(TraceID(hex: "1") == TraceID(high: 0, low: 1))
        #expect(TraceID(hex: "00000000000000ff") == TraceID(high: 0, low: 0xff))
        #expect(TraceID(hex: "5B8EFFF798038103D269B633813FC60C") == TraceID(high: 0x5b8efff798038103, low: 0xd269b633813fc60c))
        #expect(TraceID(hex: "123456789abcdef0123456789abcdef01") == nil)
        #expect(TraceID(hex: "xyz") == nil)
        #expect(TraceID(hex: "") == nil)
    }

    @Test func idsRoundTripThroughBytes() throws {
        let trace = TraceID(high: 0x0102030405060708, low: 0x090a0b0c0d0e0f10)
        #expect(TraceID(bytes: trace.bytes) == trace)
        #expect(TraceID(bytes: [1, 2, 3]) == nil)
        let span = SpanID(0xa1b2c3d4e5f60718)
        #expect(SpanID(bytes: span.bytes) == span)
        #expect(span.hex == "a1b2c3d4e5f60718")
        #expect(!TraceID(high: 0, low: 0).isValid)
        #expect(!SpanID(0).isValid)
    }

    @Test func hexDecodeRefusesOddLengthAndNonHex() {
        #expect(Hex.decode("0aFF") == [0x0a, 0xff])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("") == [])
    }

    @Test func base64AcceptsUrlSafeAndMissingPadding() {
        #expect(Base64.encode([0x01, 0x02, 0xfe, 0xff]) == "AQL+/w==")
        #expect(Base64.decode("AQL+/w==") == [0x01, 0x02, 0xfe, 0xff])
        #expect(Base64.decode("AQL-_w") == [0x01, 0x02, 0xfe, 0xff])
        #expect(Base64.decode("A") == nil)
        #expect(Base64.decode("A!==") == nil)
        #expect(Base64.encode([]) == "")
    }

    @Test(arguments: [
        ("1.2s", Int64(1_200_000_000)), ("100ms", 100_000_000), ("250us", 250_000), ("250µs", 250_000),
        ("1h2m", 3_720_000_000_000), ("0", 0), ("7ns", 7),
    ])
    func goDurationsParse(text: String, nanos: Int64) {
        #expect(GoDuration.parseNanos(text) == nanos)
    }

    @Test func goDurationsRejectNonsense() {
        #expect(GoDuration.parseNanos("12") == nil)
        #expect(GoDuration.parseNanos("1x") == nil)
        #expect(GoDuration.parseNanos("") == nil)
    }

    @Test func goDurationsFormatLikeGo() {
        #expect(GoDuration.format(nanos: 1_500_000) == "1.5ms")
        #expect(GoDuration.format(nanos: 2_000_000_000) == "2s")
        #expect(GoDuration.format(nanos: 90_500_000_000) == "1m30.5s")
        #expect(GoDuration.format(nanos: -250_000) == "-250µs")
        #expect(GoDuration.format(nanos: 0) == "0s")
    }
}
