import AsyncHTTPClient
import Foundation
import SkeinCore
import SkeinOTLP
import SwiftProtobuf

/// OTLP/HTTP `POST /v1/traces` through a shared AsyncHTTPClient (otlp-wire.md §3).
struct HTTPExportSender: ExportSender {
    let client: HTTPClient
    let url: String
    let encoding: BodyEncoding
    let gzip: Bool
    let timeoutSeconds: Int64

    func send(_ body: [UInt8]) async -> ExportOutcome {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: encoding.contentType)
        if gzip { request.headers.add(name: "Content-Encoding", value: "gzip") }
        request.body = .bytes(body)
        do {
            let response = try await client.execute(request, timeout: .seconds(timeoutSeconds))
            // Responses are small (4 MiB is the spec's cap); read all of it so the connection is reused.
            let buffer = try await response.body.collect(upTo: 4 << 20)
            return Self.classify(status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"),
                                 body: Array(buffer.readableBytesView), encoding: encoding)
        } catch {
            // No answer at all (refused, reset, timed out): OTLP clients retry with backoff (§3.2).
            return .retryable(code: "connection error", retryAfter: nil)
        }
    }

    /// Maps an HTTP answer to an outcome: 2xx is stored (partial success read from the body),
    /// 429/502/503/504 are retryable honouring `Retry-After`, everything else is permanent.
    static func classify(status: Int, retryAfter: String?, body: [UInt8], encoding: BodyEncoding,
                         now: Date = Date()) -> ExportOutcome {
        switch status {
        case 200..<300:
            return .accepted(rejectedSpans: rejectedSpans(in: body, encoding: encoding))
        case 429, 502, 503, 504:
            return .retryable(code: "HTTP \(status)", retryAfter: retryAfter.flatMap { RetryAfter.parse($0, now: now) })
        default:
            return .permanent(code: "HTTP \(status)")
        }
    }

    /// `partialSuccess.rejectedSpans` of an `ExportTraceServiceResponse`; 0 when absent or
    /// unreadable (the status already said the request was stored).
    static func rejectedSpans(in body: [UInt8], encoding: BodyEncoding) -> Int {
        guard !body.isEmpty else { return 0 }
        switch encoding {
        case .protobuf:
            return Int((try? ExportTraceResponse(serializedBytes: body))?.partialSuccess.rejectedSpans ?? 0)
        case .json:
            guard let json = try? JSONValue(parsing: body), let partial = json["partialSuccess"] else { return 0 }
            switch partial["rejectedSpans"] ?? partial["rejected_spans"] {
            case .string(let text)?, .number(let text)?: return Int(text) ?? 0
            default: return 0
            }
        }
    }
}
