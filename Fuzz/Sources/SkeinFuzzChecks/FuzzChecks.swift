import OTLPProto
import SkeinCore
import SkeinOTLP
import SkeinQueryModel
import SwiftProtobuf

/// What must hold for any input to the decoders, checked by the libFuzzer targets (`make fuzz`)
/// and replayed over the committed corpus by `FuzzCorpusTests`. A broken property traps, which is
/// what libFuzzer reports as a crash; a decoder that throws is fine: that is a refusal.
package enum FuzzChecks {
    /// The protobuf reader: whatever it accepts, swift-protobuf reads too, with the same number
    /// of spans, and every stored span and envelope reads back (nothing unreadable is stored).
    package static func protobufRequest(_ bytes: [UInt8]) {
        guard let export = try? ValidatedExport(protobuf: bytes, tenant: .single) else { return }
        guard let reference = try? ExportTraceRequest(serializedBytes: bytes) else {
            fatalError("the reader accepted \(bytes.count) bytes that swift-protobuf refuses")
        }
        let referenceSpans = reference.resourceSpans.reduce(0) { total, resource in
            resource.scopeSpans.reduce(total) { $0 + $1.spans.count }
        }
        precondition(export.batch.spanCount + export.rejectedSpans == referenceSpans,
                     "the reader kept \(export.batch.spanCount) + refused \(export.rejectedSpans) of \(referenceSpans) spans")
        storedSpansReadBack(export.batch)
    }

    /// The OTLP/JSON decoder: it never traps, and what it accepts goes through the same
    /// validation as protobuf, whose stored bytes must read back.
    package static func jsonRequest(_ bytes: [UInt8]) {
        guard let request = try? OTLPJSONDecoder.decodeExportRequest(bytes),
              let export = try? ValidatedExport(request: request, tenant: .single) else { return }
        storedSpansReadBack(export.batch)
    }

    /// Gzip: decompression stays within its limit, and compressing any bytes round-trips.
    package static func gzip(_ bytes: [UInt8]) {
        let limit = 1 << 20
        if let plain = try? Gzip.decompress(bytes, limit: limit) {
            precondition(plain.count <= limit, "decompressed \(plain.count) bytes past the \(limit)-byte limit")
        }
        let sample = Array(bytes.prefix(64 << 10))
        let roundTrip = try? Gzip.decompress(Gzip.compress(sample), limit: sample.count + 1)
        precondition(roundTrip == sample, "gzip did not round-trip \(sample.count) bytes")
    }

    /// The query parameter parsers (Jaeger's search, trace IDs, metrics windows and their
    /// parameters, the search limits): any query string is read or refused with a message, and
    /// what is accepted is coherent.
    package static func queryString(_ bytes: [UInt8]) {
        let parameters = QueryParameters(String(decoding: bytes, as: UTF8.self))
        let now: UInt64 = 1_767_225_600_000_000_000
        if let query = try? JaegerSearchParameters.query(parameters, now: now) {
            precondition(query.startMinNanos <= query.startMaxNanos, "a search from \(query.startMinNanos) to \(query.startMaxNanos)")
            precondition(query.limit > 0, "a search with limit \(query.limit)")
            if let low = query.minDurationNanos, let high = query.maxDurationNanos {
                precondition(low <= high, "a search for durations from \(low) to \(high)")
            }
            _ = try? SearchLimits(maxLimit: 1_500, maxRangeNanos: 3_600_000_000_000).check(query)
        }
        _ = try? JaegerSearchParameters.traceIDs(parameters)
        if let window = try? MetricsWindow(parameters, nowNanos: now) {
            precondition(window.startMinute < window.endMinute, "a window from minute \(window.startMinute) to \(window.endMinute)")
            precondition(window.stepSeconds > 0 && window.stepSeconds % 60 == 0, "a step of \(window.stepSeconds) s")
        }
        _ = try? MetricsParameters.kinds(parameters, defaults: [.server])
        if let quantiles = try? MetricsParameters.quantiles(parameters["quantiles"], defaults: [0.99]) {
            precondition(quantiles.allSatisfy { $0 >= 0 && $0 <= 1 }, "quantiles \(quantiles)")
        }
        _ = try? MetricsParameters.millis(parameters, "lookback", default: 0)
    }

    private static func storedSpansReadBack(_ batch: SpanBatch) {
        for (index, group) in batch.groups.enumerated() {
            let items = group.spans.map {
                StoredTraceDecoder.Item(envelopeKey: [UInt8(truncatingIfNeeded: index)],
                                        envelope: group.encodedResourceScope, span: $0.encodedSpan)
            }
            do {
                _ = try StoredTraceDecoder.decode(items)
            } catch {
                fatalError("a stored span of group \(index) does not read back: \(error)")
            }
        }
    }
}
