package import SkeinCore

/// The time range of a metrics question, widened to whole minutes (the rollups' resolution),
/// with the step of its time series.
package struct MetricsWindow: Sendable, Equatable {
    /// First minute (since the epoch) included.
    package var startMinute: UInt64
    /// Minute after the last one included.
    package var endMinute: UInt64
    /// Seconds between points of a time series; a whole number of minutes.
    package var stepSeconds: UInt64
    /// Seconds the window has actually lasted (a window that ends in the future, or in the
    /// current minute, counts only up to now): the denominator of rates.
    package var elapsedSeconds: Double

    package var minutes: Range<UInt64> { startMinute..<endMinute }
    package var stepMinutes: UInt64 { stepSeconds / 60 }
    package var startNanos: UInt64 { startMinute * 60_000_000_000 }
    package var endNanos: UInt64 { endMinute * 60_000_000_000 }

    /// Steps a window may use by default: the smallest giving at most `maxPoints` points wins.
    package static let niceStepsMinutes: [UInt64] = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1_440, 2_880, 10_080]
    package static let maxPoints: UInt64 = 300
    package static let defaultSpanNanos: UInt64 = 3_600_000_000_000

    /// Reads `start`/`end` (µs since the epoch, or RFC 3339) or `since` (a Go duration before
    /// now; default 1h), and `step` (a Go duration of whole minutes; default: at most 300 points).
    package init(_ parameters: QueryParameters, nowNanos: UInt64) throws(ParameterError) {
        let end = try Self.time(parameters["end"], name: "end") ?? nowNanos
        let start: UInt64
        if let text = parameters["start"], !text.isEmpty {
            guard parameters["since"] == nil || parameters["since"] == "" else {
                throw ParameterError("give either 'since' or 'start', not both")
            }
            start = try Self.time(text, name: "start")!
        } else if let since = parameters["since"], !since.isEmpty {
            guard let span = GoDuration.parseNanos(since), span > 0 else {
                throw ParameterError("unable to parse param 'since': '\(since)' is not a positive duration such as 15m, 1h or 24h")
            }
            start = end >= UInt64(span) ? end - UInt64(span) : 0
        } else {
            start = end >= Self.defaultSpanNanos ? end - Self.defaultSpanNanos : 0
        }
        guard end > start else { throw ParameterError("'end' must be after 'start'") }
        try self.init(startNanos: start, endNanos: end, nowNanos: nowNanos, step: parameters["step"])
    }

    package init(startNanos: UInt64, endNanos: UInt64, nowNanos: UInt64, step: String? = nil) throws(ParameterError) {
        startMinute = startNanos / 60_000_000_000
        endMinute = (endNanos + 59_999_999_999) / 60_000_000_000
        let until = min(endMinute * 60_000_000_000, max(nowNanos, startMinute * 60_000_000_000 + 1_000_000_000))
        elapsedSeconds = Double(until - startMinute * 60_000_000_000) / 1e9
        let spanMinutes = endMinute - startMinute
        if let step, !step.isEmpty {
            guard let nanos = GoDuration.parseNanos(step), nanos > 0, nanos % 60_000_000_000 == 0 else {
                throw ParameterError("unable to parse param 'step': '\(step)' must be a whole number of minutes, such as 1m, 5m or 1h")
            }
            stepSeconds = UInt64(nanos) / 1_000_000_000
            guard spanMinutes / (stepSeconds / 60) <= 10_000 else {
                throw ParameterError("'step' \(step) gives more than 10000 points over this window; use a larger step")
            }
        } else {
            let minutes = Self.niceStepsMinutes.first { (spanMinutes + $0 - 1) / $0 <= Self.maxPoints } ?? (spanMinutes + Self.maxPoints - 1) / Self.maxPoints
            stepSeconds = minutes * 60
        }
    }

    /// A time as µs since the epoch (Jaeger's search convention) or RFC 3339.
    package static func time(_ text: String?, name: String) throws(ParameterError) -> UInt64? {
        guard let text, !text.isEmpty else { return nil }
        if text.allSatisfy(\.isNumber), let micros = UInt64(text), micros <= UInt64.max / 1_000 { return micros * 1_000 }
        if let nanos = RFC3339.parseNanos(text) { return nanos }
        throw ParameterError("unable to parse param '\(name)': '\(text)' is neither microseconds since the epoch nor an RFC 3339 time")
    }

    /// The first minute of the step bucket holding `minute`; buckets are aligned to the epoch,
    /// so the same step always cuts time at the same places.
    package func bucket(of minute: UInt64) -> UInt64 { minute - minute % stepMinutes }

    /// First minutes of every step bucket the window touches, oldest first.
    package var buckets: [UInt64] { Array(stride(from: bucket(of: startMinute), to: endMinute, by: Int(stepMinutes))) }
}
