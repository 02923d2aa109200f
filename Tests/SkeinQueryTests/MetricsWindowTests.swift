import Foundation
import SkeinCore
import SkeinQuery
import SkeinQueryModel
import Testing

struct RFC3339Tests {
    @Test func formattingAgreesWithFoundationAcrossCenturiesAndLeapDays() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var seconds: UInt64 = 0
        // Every ~13.7 days from 1970 to ~2248, plus the leap days around 2000 and 2100.
        var samples: [UInt64] = []
        while seconds < 8_800_000_000 {
            samples.append(seconds)
            seconds += 1_186_253
        }
        samples += [951_782_399, 951_782_400, 951_868_800, 4_107_542_399, 4_107_542_400, 1_767_225_599]
        for second in samples {
            #expect(RFC3339.format(nanos: second * 1_000_000_000 + 999) == formatter.string(from: Date(timeIntervalSince1970: Double(second))))
        }
        #expect(RFC3339.parseNanos(RFC3339.format(nanos: 1_767_225_600_000_000_000)) == 1_767_225_600_000_000_000)
    }
}

struct MetricsWindowTests {
    static let minute: UInt64 = 60_000_000_000

    @Test func windowsWidenToWholeMinutesAndStepsAlignToTheEpoch() throws {
        let start = 1_000 * Self.minute + 30_000_000_000  // half past minute 1000
        let end = 1_060 * Self.minute + 1                // just after minute 1060 began
        let window = try MetricsWindow(startNanos: start, endNanos: end, nowNanos: 2_000 * Self.minute, step: "15m")
        #expect(window.minutes == 1_000..<1_061)
        #expect(window.stepSeconds == 900)
        #expect(window.elapsedSeconds == 61 * 60)
        // 15-minute buckets start at multiples of 15 minutes since the epoch: 990, 1005, … 1050.
        #expect(window.startNanos == 1_000 * Self.minute)
    }

    @Test func defaultStepKeepsAtMost300Points() throws {
        for (hours, stepMinutes) in [(1, 1), (6, 2), (24, 5), (24 * 7, 60)] as [(UInt64, UInt64)] {
            let window = try MetricsWindow(startNanos: 0, endNanos: hours * 60 * Self.minute, nowNanos: .max)
            #expect(window.stepSeconds == stepMinutes * 60, "\(hours) h")
        }
    }

    @Test func aWindowEndingNowCountsOnlyTheTimeThatPassed() throws {
        let window = try MetricsWindow(startNanos: 0, endNanos: 10 * Self.minute, nowNanos: 5 * Self.minute + 30_000_000_000)
        #expect(window.elapsedSeconds == 330)
    }

    @Test func stepsThatAreNotWholeMinutesAreRefused() {
        #expect(throws: ParameterError.self) { try MetricsWindow(startNanos: 0, endNanos: Self.minute, nowNanos: 0, step: "90s") }
        #expect(throws: ParameterError.self) { try MetricsWindow(startNanos: 0, endNanos: 100_000 * Self.minute, nowNanos: 0, step: "1m") }
    }
}
