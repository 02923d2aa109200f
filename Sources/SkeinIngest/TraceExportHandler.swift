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

    package init(consumer: any SpanBatchConsumer, limiter: InFlightLimiter, retryAfterSeconds: Int = 1,
                 indexPolicy: AttributeIndexPolicy = AttributeIndexPolicy(), logger: Logger) {
        self.consumer = consumer
        self.limiter = limiter
        self.retryAfterSeconds = retryAfterSeconds
        self.indexPolicy = indexPolicy
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
        let request = try decode(body, as: encoding)
        let validated: ValidatedExport
        do {
            validated = try ValidatedExport(request: request, tenant: tenant, indexPolicy: indexPolicy)
        } catch {
            throw .internal("cannot re-encode spans: \(error)")
        }
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

    private func decode(_ body: [UInt8], as encoding: PayloadEncoding) throws(IngestError) -> ExportTraceRequest {
        switch encoding {
        case .json:
            do {
                return try OTLPJSONDecoder.decodeExportRequest(body)
            } catch {
                throw .undecodable(error.message)
            }
        case .protobuf:
            do {
                return try ExportTraceRequest(serializedBytes: body)
            } catch {
                throw .undecodable("not a valid protobuf ExportTraceServiceRequest (\(error))")
            }
        }
    }
}
