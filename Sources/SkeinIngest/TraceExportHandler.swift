package import Logging
package import SkeinCore
package import SkeinOTLP
import SwiftProtobuf

/// How an export request body is encoded.
package enum PayloadEncoding: Sendable {
    case protobuf, json
}

/// The one export path every OTLP transport calls (as the Collector's `internal/trace/otlp.go`):
/// admit the bytes against the in-flight budget, decode, validate, hand the batch to the next
/// consumer, and build the response with partial success. gRPC and HTTP differ only in framing
/// and in how `IngestError+Status` maps the errors.
package struct TraceExportHandler: Sendable {
    private let consumer: any SpanBatchConsumer
    private let limiter: InFlightLimiter
    private let logger: Logger
    /// Seconds a refused sender should wait before retrying when over the in-flight budget.
    private let retryAfterSeconds: Int
    /// Which attributes get index entries.
    private let indexPolicy: AttributeIndexPolicy
    /// Redaction and span limits, applied while decoding so no later stage sees the raw values.
    private let rewrite: IngestRewrite

    package init(consumer: any SpanBatchConsumer, limiter: InFlightLimiter, retryAfterSeconds: Int = 1,
                 indexPolicy: AttributeIndexPolicy = AttributeIndexPolicy(), rewrite: IngestRewrite = .none, logger: Logger) {
        self.consumer = consumer
        self.limiter = limiter
        self.retryAfterSeconds = retryAfterSeconds
        self.indexPolicy = indexPolicy
        self.rewrite = rewrite
        self.logger = logger
    }

    /// Returns only after every accepted span is durable; throws `IngestError` when nothing was
    /// acknowledged (nothing was written either: a batch is one atomic write). Spans with invalid
    /// IDs are refused through `partial_success`.
    package func export(_ body: [UInt8], encoding: PayloadEncoding, tenant: Tenant) async throws(IngestError) -> ExportTraceResponse {
        guard limiter.tryAcquire(body.count) else {
            throw .unavailable("over the in-flight limit of \(limiter.limitBytes) bytes of requests being written",
                               retryAfterSeconds: retryAfterSeconds)
        }
        defer { limiter.release(body.count) }
        let validated = try validate(body, as: encoding, tenant: tenant)
        do {
            try await consumer.consume(validated.batch)
        } catch let error as any RetryableError {
            logger.warning("export refused, retryable", metadata: ["error": "\(error)"])
            throw .unavailable("\(error)", retryAfterSeconds: error.retryAfterSeconds)
        } catch {
            logger.error("export failed", metadata: ["error": "\(error)"])
            throw .internal("\(error)")
        }
        var response = ExportTraceResponse()
        if validated.rejectedSpans > 0 {
            response.partialSuccess.rejectedSpans = Int64(validated.rejectedSpans)
            response.partialSuccess.errorMessage = validated.rejectionMessage
        }
        return response
    }

    /// Protobuf is read straight from its bytes; JSON is decoded into messages first.
    private func validate(_ body: [UInt8], as encoding: PayloadEncoding, tenant: Tenant) throws(IngestError) -> ValidatedExport {
        switch encoding {
        case .protobuf:
            do {
                return try ValidatedExport(protobuf: body, tenant: tenant, indexPolicy: indexPolicy, rewrite: rewrite)
            } catch {
                throw .undecodable(error.message)
            }
        case .json:
            let request: ExportTraceRequest
            do {
                request = try OTLPJSONDecoder.decodeExportRequest(body)
            } catch {
                throw .undecodable(error.message)
            }
            do {
                return try ValidatedExport(request: request, tenant: tenant, indexPolicy: indexPolicy, rewrite: rewrite)
            } catch let error as OTLPDecodingError {
                throw .undecodable(error.message)
            } catch {
                throw .internal("cannot re-encode the request: \(error)")
            }
        }
    }
}
