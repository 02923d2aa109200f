import Foundation

/// RFC 3339 times (`2026-11-22T10:00:00Z`, `…10:00:00.123456789+01:00`) to and from nanoseconds.
package enum RFC3339 {
    package static func parseNanos(_ text: String) -> UInt64? {
        // Split off the fraction ourselves: ISO8601DateFormatter keeps at most milliseconds.
        var whole = text
        var fractionNanos: UInt64 = 0
        if let dot = text.firstIndex(of: ".") {
            let digits = text[text.index(after: dot)...].prefix { $0.isNumber }
            guard !digits.isEmpty else { return nil }
            let padded = String(digits.prefix(9)).padding(toLength: 9, withPad: "0", startingAt: 0)
            fractionNanos = UInt64(padded) ?? 0
            whole = String(text[..<dot]) + String(text[text.index(after: dot)...].dropFirst(digits.count))
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: whole), date.timeIntervalSince1970 >= 0 else { return nil }
        // Past the year 2554 nanoseconds no longer fit 64 bits (found by the query-parameter fuzzer).
        let (nanos, overflow) = UInt64(date.timeIntervalSince1970).multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow, nanos <= UInt64.max - fractionNanos else { return nil }
        return nanos + fractionNanos
    }

    /// `2026-11-22T10:00:00Z`, to the second (UTC). Computed by hand (civil-from-days) rather
    /// than with a date formatter: a time series prints hundreds of these per answer.
    package static func format(nanos: UInt64) -> String {
        let seconds = Int64(nanos / 1_000_000_000)
        let days = seconds / 86_400
        let secondOfDay = seconds % 86_400
        // Days since 1970-01-01 to year/month/day (proleptic Gregorian; eras of 400 years).
        let shifted = days + 719_468
        let era = shifted / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3_600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z"
    }
}
