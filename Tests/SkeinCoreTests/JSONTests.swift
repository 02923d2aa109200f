import Testing
@testable import SkeinCore

@Suite struct JSONTests {
    @Test func writerProducesCompactJSONWithCommas() {
        var json = JSONWriter()
        json.object { json in
            json.key("a"); json.value(1)
            json.key("b"); json.array { json in json.value("x"); json.value(true); json.null() }
            json.key("c"); json.object { _ in }
            json.key("d"); json.value(72.5)
        }
        #expect(json.string == #"{"a":1,"b":["x",true,null],"c":{},"d":72.5}"#)
    }

    @Test func writerEscapesStrings() {
        var json = JSONWriter()
        json.value("q\"\\\n\u{01}<")
        #expect(json.string == #""q\"\\\n\u0001<""#)
    }

    @Test func parserKeepsBigIntegersAsText() throws {
        let value = try JSONValue(parsing: #"{"t": 1767225600000000001, "s": "x\u00e9\ud83d\ude00", "n": null, "a": [1.5e3, -2]}"#)
        #expect(value["t"] == .number("1767225600000000001"))
        #expect(value["s"] == .string("xé😀"))
        #expect(value["n"] == .null)
        #expect(value["a"] == .array([.number("1.5e3"), .number("-2")]))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "01x", "{} {}", "\"\u{01}\""])
    func parserRefusesInvalidJSON(text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: text) }
    }

    @Test func parserRefusesDeepNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: deep) }
    }

    @Test func renderRoundTripsAndPrettyPrints() throws {
        let text = #"{"a":[1,{"b":"c"}],"d":{}}"#
        let value = try JSONValue(parsing: text)
        #expect(value.render() == text)
        #expect(value.render(indent: 2).contains("\n    1,"))
    }
}
