import SkeinOTLP

/// What one export attempt came to, classified the way an OTLP exporter must treat it
/// (otlp-wire.md §2.2-§2.3 for gRPC, §3.2 for HTTP).
package enum ExportOutcome: Sendable, Equatable {
    /// Stored; `rejectedSpans` were refused through partial success and must not be retried.
    case accepted(rejectedSpans: Int)
    /// Refused for now (overload, unavailable, lost connection): retry after `retryAfter` if
    /// the server gave one, else after an exponential backoff.
    case retryable(code: String, retryAfter: Duration?)
    /// Refused for good (bad data, too large, unknown path): never retried.
    case permanent(code: String)
}

/// Sends one encoded export request. Implementations never throw: every failure is an
/// outcome, so the worker's retry loop is the single place that decides what happens next.
package protocol ExportSender: Sendable {
    /// `body` is the request exactly as it goes on the wire (already gzipped for OTLP/HTTP
    /// when `--gzip` is on; the gRPC transport compresses its own messages).
    func send(_ body: [UInt8]) async -> ExportOutcome
}

/// `--sink null`: acknowledges everything without sending, so a run measures only the
/// generator (rewriting bodies and, with `--gzip`, compressing them).
package struct NullSender: ExportSender {
    /// Compress here what the gRPC transport would compress when sending for real.
    var compresses: Bool

    package func send(_ body: [UInt8]) async -> ExportOutcome {
        if compresses { _ = Gzip.compress(body) }
        return .accepted(rejectedSpans: 0)
    }
}
