package import Hummingbird
package import GRPCProtobuf
package import GRPCCore

/// The single place that maps ingest errors to transport status codes (otlp-wire.md §2.2, §3.2).
extension IngestError {
    /// HTTP status for OTLP/HTTP.
    package var httpStatus: HTTPResponse.Status {
        switch self {
        case .undecodable, .unsupportedEncoding: .badRequest
        case .tooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .unavailable, .overloaded: .serviceUnavailable
        case .internal: .internalServerError
        case .denied(let denial): denial.isUnauthenticated ? .unauthorized : .badRequest
        }
    }

    /// The gRPC code, also written (as its number) into the OTLP/HTTP `google.rpc.Status` body.
    package var grpcCode: RPCError.Code {
        switch self {
        case .undecodable, .unsupportedEncoding, .unsupportedMediaType: .invalidArgument
        case .tooLarge: .resourceExhausted  // without RetryInfo: it can never fit
        case .unavailable, .overloaded: .unavailable  // retryable
        case .internal: .internalError
        case .denied(let denial): denial.isUnauthenticated ? .unauthenticated : .invalidArgument
        }
    }

    /// The `WWW-Authenticate` challenge for a refused or missing token (RFC 6750 §3).
    package var bearerChallenge: String? {
        switch self {
        case .denied(.missingToken): "Bearer realm=\"skein-otlp\""
        case .denied(.wrongToken): "Bearer realm=\"skein-otlp\", error=\"invalid_token\""
        default: nil
        }
    }

    /// `Retry-After` seconds for retryable errors; nil otherwise.
    package var retryAfterSeconds: Int? {
        switch self {
        case .unavailable(_, let seconds), .overloaded(_, let seconds): seconds
        default: nil
        }
    }
}

extension IngestError {
    /// The gRPC status to end the call with. Only retryable errors carry a RetryInfo detail:
    /// spec clients retry RESOURCE_EXHAUSTED only with one, and UNAVAILABLE honours its delay.
    package var grpcStatus: GoogleRPCStatus {
        if let seconds = retryAfterSeconds {
            return GoogleRPCStatus(code: grpcCode, message: description, details: [.retryInfo(delay: .seconds(seconds))])
        }
        return GoogleRPCStatus(code: grpcCode, message: description, details: [])
    }
}
