package import Foundation

/// Delays between retries of a refused export: exponential with jitter, never shorter than
/// the delay the server asked for (gRPC RetryInfo, HTTP Retry-After), as otlp-wire.md §2.3
/// and §3.2 require ("waits at least retry_delay and then backs off exponentially").
package struct Backoff: Sendable, Equatable {
    package var initial: Duration = .milliseconds(100)
    package var multiplier = 2.0
    package var maximum: Duration = .seconds(10)
    /// Each delay is scaled by a random factor in [1 - jitter, 1 + jitter], so workers refused
    /// together do not come back together.
    package var jitter = 0.2
    /// Longest server-requested delay honoured; a larger one is cut to this, so one odd
    /// Retry-After cannot stall a bounded run.
    package var maximumServerDelay: Duration = .seconds(60)

    package init() {}

    /// The wait before retry number `attempt` (1 for the first retry).
    package func delay(attempt: Int, serverDelay: Duration?, random: inout LoadRandom) -> Duration {
        let exponent = Double(max(0, min(attempt - 1, 60)))
        let base = min(initial.inSeconds * Foundation.pow(multiplier, exponent), maximum.inSeconds)
        let factor = 1 - jitter + 2 * jitter * random.unit()
        let backoff = Duration.seconds(base * factor)
        guard let serverDelay else { return backoff }
        return max(backoff, min(serverDelay, maximumServerDelay))
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    package var inSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}

/// HTTP `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, in any of the three
/// date forms recipients must accept.
package enum RetryAfter {
    /// The delay the header asks for, measured from `now`; nil when it cannot be read. A
    /// date in the past means "now" (zero).
    package static func parse(_ value: String, now: Date = Date()) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            guard let seconds = Int64(text) else { return .seconds(Int64.max / 2) }
            return .seconds(seconds)
        }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text.replacingOccurrences(of: "  ", with: " ")) {
                return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
            }
        }
        return nil
    }
}
