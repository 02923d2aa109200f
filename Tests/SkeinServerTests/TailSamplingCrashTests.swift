import Foundation
import OTLPProto
import SkeinCore
import SkeinSampling
import SkeinTesting
import SwiftProtobuf
import Testing

/// kill -9 while traces wait for their tail-sampling decision, then restart: the held spans come
/// back from RocksDB's write-ahead log, are decided, and the kept traces appear whole.
@Suite(.serialized) struct TailSamplingCrashTests {
    static let traceCount = 400

    @Test func heldTracesSurviveKillNineAndAreDecidedAfterRestart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.path + "/skein.yaml"
        try """
        query:
          max_search_limit: 10000
        sampling:
          tail:
            enabled: true
            decision_wait: 10m
            policies:
              - {name: errors, type: error}
              - {name: quarter, type: probabilistic, rate: 0.25}
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let arguments = ["--config", config, "--data-dir", directory.path + "/data"]

        var ids = SeededTraceIDs(seed: 9)
        let traces = (0..<Self.traceCount).map { _ in ids.next() }
        let start = UInt64(Date().timeIntervalSince1970 * 1e9) - 60_000_000_000
        let first = try await SkeinProcess(arguments: arguments, log: directory.path + "/first.log")
        do {
            for part in 0..<2 {
                for chunk in stride(from: 0, to: traces.count, by: 100) {
                    let request = OTLPBuilders.request((chunk..<chunk + 100).flatMap {
                        TailSamplingEndToEndTests.spans(traces[$0], index: $0, startNanos: start + UInt64($0) * 1_000, part: part)
                    })
                    #expect(try await first.otlp(try request.serializedData()).status == 200)
                }
            }
            let status = try JSONValue(parsing: Array(try await first.query("/api/v1/sampling").body))
            #expect(status["tail"]?["tracesHeld"] == .number("\(Self.traceCount)"))
        } catch {
            first.kill9()
            throw error
        }
        first.kill9()

        // The same store, now deciding 1 s after a trace's first span: every held trace is due.
        let second = try await SkeinProcess(arguments: arguments + ["--sampling-tail-decision-wait", "1s"],
                                            log: directory.path + "/second.log")
        do {
            var counters = JSONValue.null
            // A hang guard, not a speed check: the decisions take well under a second.
            let deadline = Date().addingTimeInterval(120)
            repeat {
                try await Task.sleep(nanoseconds: 50_000_000)
                counters = try JSONValue(parsing: Array(try await second.query("/api/v1/sampling").body))["counters"] ?? .null
                guard Date() < deadline else {
                    Issue.record("held traces were not decided after the restart: \(counters.render())")
                    _ = second.stop()
                    return
                }
            } while Self.decided(counters) < Self.traceCount
            #expect(counters["tracesReloaded"] == .number("\(Self.traceCount)"))

            let threshold = ConsistentProbability.threshold(probability: 0.25)
            let expected = Set(traces.enumerated().filter { index, trace in
                index % 100 == 0 || ConsistentProbability.randomness(trace, explicit: nil) >= threshold
            }.map(\.element))
            let reply = try await second.query("/api/v1/traces/summaries?service=frontend&limit=10000&lookback=2h")
            guard case .array(let items)? = try JSONValue(parsing: Array(reply.body))["data"] else {
                Issue.record("no summaries: \(reply.text)")
                return
            }
            var stored: [TraceID: String] = [:]
            for item in items {
                if case .string(let id)? = item["traceID"], let trace = TraceID(hex: id), case .number(let spans)? = item["spanCount"] {
                    stored[trace] = spans
                }
            }
            #expect(Set(stored.keys) == expected)
            #expect(stored.values.allSatisfy { $0 == "3" })
            #expect(!expected.isEmpty && expected.count < Self.traceCount)
        } catch {
            _ = second.stop()
            throw error
        }
        #expect(second.stop() == 0)
    }

    static func decided(_ counters: JSONValue) -> Int {
        var total = 0
        if case .number(let dropped)? = counters["tracesDropped"] { total += Int(dropped) ?? 0 }
        if case .object(let kept)? = counters["tracesKept"] {
            for member in kept { if case .number(let count) = member.value { total += Int(count) ?? 0 } }
        }
        return total
    }
}
