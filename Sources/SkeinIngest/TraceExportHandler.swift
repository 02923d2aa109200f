package import Logging
package import SkeinCore
package import SkeinOTLP
package import SkeinTelemetry
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
    /// The ingest token and the tenant header.
    private let access: AccessPolicy
    private let metrics: IngestMetrics
    /// Redaction and span limits, applied while decoding so no later stage sees the raw values.
    private let rewrite: IngestRewrite
    /// The cap on spans per trace; nil for none.
    private let traceBudget: TraceSpanBudget?

    /// `telemetry` receives the ingest metrics; without one they go to a registry of their own
    /// that nothing reads.
    package init(consumer: any SpanBatchConsumer, limiter: InFlightLimiter, retryAfterSeconds: Int = 1,
                 indexPolicy: AttributeIndexPolicy = AttributeIndexPolicy(), access: AccessPolicy = AccessPolicy(),
                 rewrite: IngestRewrite = .none, traceBudget: TraceSpanBudget? = nil, telemetry: Telemetry = Telemetry(), logger: Logger) {
        self.traceBudget = traceBudget
        self.consumer = consumer
        self.access = access
        self.limiter = limiter
        self.retryAfterSeconds = retryAfterSeconds
        self.indexPolicy = indexPolicy
        self.metrics = IngestMetrics(telemetry: telemetry)
        self.rewrite = rewrite
        self.logger = logger
    }

    /// The header naming the tenant, when tenancy is on; transports read it for `admit`.
    package var tenantHeader: String? { access.tenantHeader }

    /// The tenant of a request with these header values, or the refusal; transports call it
    /// before reading the body, so a refused sender costs no decoding.
    package func admit(authorization: String?, tenant: String?) throws(IngestError) -> Tenant {
        do throws(AccessPolicy.Denial) {
            return try access.admit(authorization: authorization, tenant: tenant)
        } catch {
            throw .denied(error)
        }
    }

    /// Runs one request's transport work (reading the body included) and records its outcome
    /// and duration, so both transports count requests the same way.
    package func measure<T>(_ transport: IngestTransport, _ request: () async throws(IngestError) -> T) async throws(IngestError) -> T {
        let start = ContinuousClock.now
        do throws(IngestError) {
            let result = try await request()
            metrics.requestFinished(transport, error: nil, duration: .now - start)
            return result
        } catch {
            metrics.requestFinished(transport, error: error, duration: .now - start)
            throw error
        }
    }

    /// Returns only after every accepted span is durable; throws `IngestError` when nothing was
    /// acknowledged (nothing was written either: a batch is one atomic write). Spans with invalid
    /// IDs are refused through `partial_success`.
    package func export(_ body: [UInt8], encoding: PayloadEncoding, tenant: Tenant,
                        transport: IngestTransport) async throws(IngestError) -> ExportTraceResponse {
        guard limiter.tryAcquire(body.count) else {
            throw .overloaded(limitBytes: limiter.limitBytes, retryAfterSeconds: retryAfterSeconds)
        }
        defer { limiter.release(body.count) }
        let validated = try validate(body, as: encoding, tenant: tenant)
        let admission = traceBudget?.admit(validated.batch)
        let batch = admission?.batch ?? validated.batch
        let overTraceLimit = admission?.refused ?? 0
        let spans = batch.spanCount
        metrics.spansDecoded(transport, received: spans + validated.rejectedSpans + overTraceLimit, rejected: validated.rejectedSpans,
                             overTraceLimit: overTraceLimit)
        do {
            try await consumer.consume(batch)
        } catch {
            // Nothing was stored: the sender retries, and its spans must find their budget again.
            if let admission { traceBudget?.refund(admission) }
            throw handOffFailure(error, spans: spans, transport: transport)
        }
        metrics.spansHandedOff(transport, count: spans, error: nil)
        var response = ExportTraceResponse()
        let rejected = validated.rejectedSpans + overTraceLimit
        if rejected > 0 {
            var messages = validated.rejectedSpans > 0 ? [validated.rejectionMessage] : []
            if overTraceLimit > 0, let limit = traceBudget?.limit {
                messages.append("\(overTraceLimit) spans refused: their trace already has \(limit) spans (otlp.limits.max_spans_per_trace)")
            }
            response.partialSuccess.rejectedSpans = Int64(rejected)
            response.partialSuccess.errorMessage = messages.joined(separator: "; ")
        }
        return response
    }

    /// The refusal for a batch the next stage did not take, logged and counted.
    private func handOffFailure(_ error: any Error, spans: Int, transport: IngestTransport) -> IngestError {
        let refusal: IngestError
        if let retryable = error as? any RetryableError {
            // Debug, not warning: under overload this happens per request, and
            // skein_ingest_requests_total{outcome="unavailable"} counts it anyway.
            logger.debug("export refused, retryable", metadata: ["error": "\(error)", "spans": "\(spans)"])
            refusal = .unavailable("\(error)", retryAfterSeconds: retryable.retryAfterSeconds)
        } else {
            logger.error("export failed", metadata: ["error": "\(error)", "spans": "\(spans)"])
            refusal = .internal("\(error)")
        }
        metrics.spansHandedOff(transport, count: spans, error: refusal)
        return refusal
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
