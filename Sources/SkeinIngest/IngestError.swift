package import SkeinCore

/// Why an export request was refused as a whole. Each case is either permanent (bad input:
/// the sender must not retry) or retryable (overload, storage trouble).
package enum IngestError: Error, Equatable, CustomStringConvertible {
    /// The body cannot be decoded; the message says what is wrong and where.
    case undecodable(String)
    /// The body is larger than the configured limit (after decompression).
    case tooLarge(limitBytes: Int)
    /// A `Content-Type` other than protobuf or JSON.
    case unsupportedMediaType(String)
    /// A `Content-Encoding` other than gzip or identity.
    case unsupportedEncoding(String)
    /// Temporarily unable to take the data; retry after the given number of seconds.
    case unavailable(String, retryAfterSeconds: Int)
    /// The bytes of requests in flight are at the limit (backpressure); retry after the given
    /// number of seconds. Its own case so the metrics tell overload from storage trouble.
    case overloaded(limitBytes: Int, retryAfterSeconds: Int)
    /// A failure that retrying will not fix.
    case `internal`(String)
    /// The access policy refused the request (token or tenant) before its body was read.
    case denied(AccessPolicy.Denial)

    package var description: String {
        switch self {
        case .undecodable(let reason): "cannot decode the request body: \(reason)"
        case .tooLarge(let limit): "the request is larger than \(limit) bytes after decompression; send smaller batches or raise the receiver's limit (otlp.http.max_body_mib, otlp.grpc.max_message_mib)"
        case .unsupportedMediaType(let type): "unsupported Content-Type '\(type)': send application/x-protobuf or application/json"
        case .unsupportedEncoding(let encoding): "unsupported Content-Encoding '\(encoding)': send gzip or no encoding"
        case .unavailable(let reason, _): "temporarily unavailable: \(reason); retry later"
        case .overloaded(let limit, _): "temporarily unavailable: over the in-flight limit of \(limit) bytes of requests being written; retry later"
        case .internal(let reason): "internal error: \(reason)"
        case .denied(let denial): denial.description
        }
    }

    /// Whether a sender may send the same data again.
    package var isRetryable: Bool {
        switch self {
        case .unavailable, .overloaded: true
        default: false
        }
    }

    /// The refusal's reason as a metric label value (`skein_ingest_requests_total{outcome}`).
    package var reason: String {
        switch self {
        case .undecodable: "undecodable"
        case .tooLarge: "too_large"
        case .unsupportedMediaType: "unsupported_media_type"
        case .unsupportedEncoding: "unsupported_encoding"
        case .unavailable: "unavailable"
        case .overloaded: "over_in_flight_limit"
        case .internal: "internal"
        case .denied(let denial): denial.isUnauthenticated ? "unauthenticated" : "invalid_tenant"
        }
    }

    /// Every `reason`, so metrics can create their series up front.
    static let reasons = ["undecodable", "too_large", "unsupported_media_type", "unsupported_encoding", "unavailable", "over_in_flight_limit", "internal",
                          "unauthenticated", "invalid_tenant"]
}
