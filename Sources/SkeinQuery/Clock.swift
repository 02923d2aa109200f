import Foundation

/// Wall-clock time in the units the APIs use.
package enum Clock {
    package static func nowNanos() -> UInt64 { UInt64(Date().timeIntervalSince1970 * 1_000_000_000) }
}
