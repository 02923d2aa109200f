// skein-bench-rollups: how long the SRE questions take over a full day of rollups.
//
// Writes 24 hours of per-minute rollups for a few services, as ingest does (each with
// `--operations` operations and both server and client kinds, plus the per-service totals; ~200 calls per operation-minute with log-normal
// latencies), flushes and compacts, then times: the 24 h latency series of one service
// (default step → 288 points), its operations table, and the services table. Prints p50 / p95 /
// max over `--repeat` runs of each.
//
//   skein-bench-rollups [--services 10] [--operations 20] [--repeat 50] [--dir /tmp/skein-bench-rollups]
import Foundation
import SkeinCore
import SkeinQuery
import SkeinQueryModel
import SkeinStorage

func argument(_ name: String, _ fallback: Int) -> Int {
    guard let index = CommandLine.arguments.firstIndex(of: name), index + 1 < CommandLine.arguments.count,
          let value = Int(CommandLine.arguments[index + 1]), value > 0 else { return fallback }
    return value
}

let serviceCount = argument("--services", 10)
let operationCount = argument("--operations", 20)
let repeats = argument("--repeat", 50)
let directory = CommandLine.arguments.firstIndex(of: "--dir").map { CommandLine.arguments[$0 + 1] } ?? NSTemporaryDirectory() + "skein-bench-rollups"
try? FileManager.default.removeItem(atPath: directory)

let nowNanos = UInt64(Date().timeIntervalSince1970 * 1e9)
let lastMinute = nowNanos / 60_000_000_000
let firstMinute = lastMinute - 1_439
let store = try SpanStore(configuration: StorageConfiguration(dataDirectory: directory))

// Deterministic log-normal latencies around 20 ms.
struct Random {
    var state: UInt64 = 42
    mutating func unit() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }
}
var random = Random()
let writeStart = Date()
var records = 0
for minute in firstMinute...lastMinute {
    var deltas: [RollupDelta] = []
    for service in 0..<serviceCount {
        for kind in [SpanKind.server, .client] {
            var total = RollupValue()
            for operation in 0..<operationCount {
                var value = RollupValue()
                for _ in 0..<200 {
                    let normal = sqrt(-2 * log(max(random.unit(), 1e-300))) * cos(2 * .pi * random.unit())
                    value.add(durationNanos: UInt64(exp(16.8 + 0.8 * normal)), isError: random.unit() < 0.01)
                }
                deltas.append(RollupDelta(subject: .operation(service: "service-\(service)", kind: kind, name: "operation-\(operation)"),
                                          minute: minute, value: value))
                total.merge(value)
            }
            deltas.append(RollupDelta(subject: .service(service: "service-\(service)", kind: kind), minute: minute, value: total))
        }
    }
    records += deltas.count
    try await store.consume(SpanBatch(tenant: .single, groups: [], rollups: deltas))
}
try store.flush()
print(String(format: "wrote %d rollup records (%d services × %d operations × 2 kinds × 1440 minutes) in %.1f s; %.1f MB on disk",
             records, serviceCount, operationCount, Date().timeIntervalSince(writeStart), Double(store.diskUsageBytes()) / 1e6))

let metrics = ServiceMetrics(reader: store)
let window = try MetricsWindow(startNanos: firstMinute * 60_000_000_000, endNanos: (lastMinute + 1) * 60_000_000_000, nowNanos: nowNanos)

func time(_ name: String, _ body: () async throws -> Void) async throws {
    var millis: [Double] = []
    for _ in 0..<repeats {
        let start = Date()
        try await body()
        millis.append(Date().timeIntervalSince(start) * 1_000)
    }
    millis.sort()
    print(String(format: "%-44@ p50 %6.2f ms   p95 %6.2f ms   max %6.2f ms", name as NSString,
                 millis[millis.count / 2], millis[min(millis.count - 1, Int(Double(millis.count) * 0.95))], millis.last!))
}

try await time("24 h latency series, one service (288 points)") {
    let report = try await metrics.latency(tenant: .single, service: "service-0", window: window, quantiles: [0.5, 0.9, 0.95, 0.99],
                                           operation: nil, kinds: ServiceMetrics.defaultKinds)
    precondition(report.series.count >= 288 && report.summary.calls == UInt64(operationCount * 1_440 * 200))
}
try await time("24 h operations table, one service") {
    _ = try await metrics.operations(tenant: .single, service: "service-0", window: window, kinds: ServiceMetrics.defaultKinds)
}
try await time("24 h services table (\(serviceCount) services)") {
    _ = try await metrics.services(tenant: .single, window: window, kinds: ServiceMetrics.defaultKinds)
}
store.close()
try? FileManager.default.removeItem(atPath: directory)
