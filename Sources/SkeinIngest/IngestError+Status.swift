package import Hummingbird

/// The single place that maps ingest errors to transport status codes (otlp-wire.md §2.2, §3.2).
extension IngestError {
    /// HTTP status for OTLP/HTTP.
    package var httpStatus: HTTPResponse.Status {
        switch self {
        case .undecodable, .unsupportedEncoding: .badRequest
        case .tooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }

    /// The numeric gRPC code, also written into the `google.rpc.Status` error body.
    package var grpcCode: Int32 {
        switch self {
        case .undecodable, .unsupportedEncoding, .unsupportedMediaType: 3  // INVALID_ARGUMENT
        case .tooLarge: 8  // RESOURCE_EXHAUSTED, without RetryInfo: it can never fit
        case .unavailable: 14  // UNAVAILABLE, retryable
        case .internal: 13  // INTERNAL
        }
    }

    /// `Retry-After` seconds for retryable errors; nil otherwise.
    package var retryAfterSeconds: Int? {
        if case .unavailable(_, let seconds) = self { return seconds }
        return nil
    }
}
