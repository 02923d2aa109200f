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
        return UInt64(date.timeIntervalSince1970) * 1_000_000_000 + fractionNanos
    }

    /// `2026-11-22T10:00:00Z`, to the second (UTC).
    package static func format(nanos: UInt64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: Double(nanos / 1_000_000_000)))
    }
}
