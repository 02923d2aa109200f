import Foundation

/// Wall-clock time in nanoseconds since the Unix epoch: the default clock of every component
/// that takes an injectable `now` (tests pass their own).
package enum WallClock {
    package static func nowNanos() -> UInt64 { UInt64(Date().timeIntervalSince1970 * 1_000_000_000) }
}
