package import Logging
package import SkeinCore
package import SkeinOTLP

/// The one export path every OTLP transport calls: validate, convert, hand to the next consumer,
/// and build the response with partial success (as the Collector's `internal/trace/otlp.go`).
package struct TraceExportHandler: Sendable {
    private let consumer: any SpanBatchConsumer
    private let logger: Logger

    package init(consumer: any SpanBatchConsumer, logger: Logger) {
        self.consumer = consumer
        self.logger = logger
    }

    /// Returns only after every accepted span is durable; throws `IngestError` when nothing was
    /// acknowledged. Spans with invalid IDs are refused through `partial_success`.
    package func export(_ request: ExportTraceRequest, tenant: Tenant) async throws(IngestError) -> ExportTraceResponse {
        let validated: ValidatedExport
        do {
            validated = try ValidatedExport(request: request, tenant: tenant)
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
}
