import Foundation
import Hummingbird
import SkeinCore

/// Small helpers every route uses to answer.
enum APIResponse {
    /// A JSON answer; `prettyPrint=true` re-renders it indented.
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, pretty: Bool = false) -> Response {
        var body = bytes
        if pretty, let parsed = try? JSONValue(parsing: bytes) { body = Array(parsed.render(indent: 2).utf8) }
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// Jaeger's error answer: the envelope with `data: null`, sent as text/plain with a trailing
    /// newline and the status code repeated in the body (jaeger-api.md §1).
    static func jaegerError(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let bytes = JaegerJSON.envelope(errors: [.init(code: status.code, message: message)]) { $0.null() }
        return Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes + [0x0A])))
    }

    /// The `/api/v3` error shape: `{"error": {"httpCode": …, "message": …}}`.
    static func v3Error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var json = JSONWriter()
        json.object { json in
            json.key("error")
            json.object { json in
                json.key("httpCode"); json.value(status.code)
                json.key("message"); json.value(message)
            }
        }
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: json.bytes)))
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A path parameter, percent-decoded (Hummingbird hands over the raw segment).
    static func pathParameter(_ name: String, _ context: some RequestContext) -> String {
        let raw = context.parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }
}

