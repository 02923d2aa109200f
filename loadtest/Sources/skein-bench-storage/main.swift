// skein-bench-storage: the storage write path against its physical floor, in one run.
//
// Pre-generates e-commerce traces with the load generator's shapes, decodes and validates them
// once (as the receivers do), then writes the same batches into two fresh stores with the same
// RocksDB options: (1) span records only — one put per span, its key and bytes; (2) the real
// `consume` path with envelopes, every index and summaries; (3) the same behind the rollup
// stage (operation rollups and dependency edges in the same write). Prints spans/s for each,
// their ratios, the decode+validate and rollup CPU per span, index writes per span and bytes on
// disk per span.
//
//   skein-bench-storage [--spans N] [--batch 200] [--writers 4] [--rounds 3] [--dir /tmp/skein-bench]
//   skein-bench-storage --rewrite-compare [--spans N] [--rounds 5]
//
// --rewrite-compare times only decode+validate, in alternating rounds, without any rewrite,
// with the default span limits, and with the limits and a typical redaction rule set, then exits.
import Foundation
import SkeinCore
import SkeinLoadGen
import SkeinOTLP
import SkeinRedaction
import SkeinRollups
import SkeinStorage
import Synchronization

func argument(_ name: String, _ fallback: Int) -> Int {
    guard let index = CommandLine.arguments.firstIndex(of: name), index + 1 < CommandLine.arguments.count,
          let value = Int(CommandLine.arguments[index + 1]), value > 0 else { return fallback }
    return value
}

let totalSpans = argument("--spans", 400_000)
let batchSize = argument("--batch", 200)
let writers = argument("--writers", 4)
let root = CommandLine.arguments.firstIndex(of: "--dir").map { CommandLine.arguments[$0 + 1] } ?? NSTemporaryDirectory() + "skein-bench-storage"

// Generate and encode requests, then decode and validate each once (timed: the receivers' CPU).
var shapes = TraceShapes(graph: .ecommerce(), errorRate: 0.05, seed: 42)
let now = UInt64(Date().timeIntervalSince1970 * 1e9)
let pool = RequestPool(shapes: &shapes, encoding: .protobuf, batch: batchSize, requests: RequestPool.size(batch: batchSize),
                       traceLimit: nil, baseNanos: now)
var random = LoadRandom(seed: 7)
var bodies: [[UInt8]] = []
var spans = 0
var receivedBytes = 0
while spans < totalSpans {
    let template = pool.templates[bodies.count % pool.templates.count]
    let instance = template.instantiate(random: &random, shiftNanos: 0)
    bodies.append(instance.body)
    spans += template.spanCount
    receivedBytes += instance.body.count
}
if CommandLine.arguments.contains("--rewrite-compare") {
    // A realistic rule set for these shapes: a mask scanning every url.full (none match), a
    // hash of every resource's service.instance.id (every envelope rewritten), a drop of
    // messaging.message.id (those spans rewritten) and a key pattern tried on every distinct key.
    let rules = try RedactionRules(rules: [
        RedactionRule(selector: .key("url.full"), action: .mask, pattern: #"[^@\s]+@[^@\s]+"#),
        RedactionRule(selector: .key("service.instance.id"), action: .hash),
        RedactionRule(selector: .key("messaging.message.id"), action: .drop),
        RedactionRule(selector: .keyPattern(#"^enduser\."#), action: .hash),
    ], hashSalt: "bench")
    let variants: [(String, IngestRewrite)] = [
        ("no rewrite", .none), ("default span limits", IngestRewrite(limits: SpanLimits())),
        ("limits + 4 redaction rules", IngestRewrite(redactor: rules, limits: SpanLimits(), counters: RedactionCounters())),
        ("limits + the mask rule alone", IngestRewrite(redactor: try RedactionRules(rules: [rules.rules[0]]), limits: SpanLimits())),
        ("limits + the hash rule alone", IngestRewrite(redactor: try RedactionRules(rules: [rules.rules[1]]), limits: SpanLimits())),
        ("limits + the key pattern alone", IngestRewrite(redactor: try RedactionRules(rules: [rules.rules[3]]), limits: SpanLimits())),
    ]
    var seconds = Array(repeating: [Double](), count: variants.count)
    for _ in 0..<argument("--rounds", 5) {
        for (index, variant) in variants.enumerated() {
            let start = Date()
            for body in bodies { _ = try ValidatedExport(protobuf: body, tenant: .single, rewrite: variant.1) }
            seconds[index].append(Date().timeIntervalSince(start))
        }
    }
    let counts = variants[2].1.counters!.snapshot
    print("spans: \(spans) in \(bodies.count) requests; medians of \(seconds[0].count) alternating rounds")
    for (index, variant) in variants.enumerated() {
        let median = seconds[index].sorted()[seconds[index].count / 2]
        print(String(format: "decode+validate, %@: %.2f µs/span (%.0f spans/s on one core)", variant.0, median * 1e6 / Double(spans), Double(spans) / median))
    }
    print("redaction per round: \(counts.attributesDropped / seconds[0].count) dropped, \(counts.valuesHashed / seconds[0].count) hashed, \(counts.valuesMasked / seconds[0].count) masked")
    exit(0)
}
let decodeStart = Date()
var batches: [SpanBatch] = []
for body in bodies {
    batches.append(try ValidatedExport(protobuf: body, tenant: .single).batch)
}
let decodeSeconds = Date().timeIntervalSince(decodeStart)
let recordWrites = batches.map { SpanStore.recordWrites(for: $0) }
let spanRecordWrites = recordWrites.reduce(0) { $0 + $1.spanRecords }
let indexWrites = recordWrites.reduce(0) { $0 + $1.summaries + $1.postings }

// The rollup stage's own CPU: deltas and edges for every batch, on one core.
let rollupStart = Date()
let tracker = DependencyTracker(now: { now })
var deltaCount = 0
for batch in batches { deltaCount += RollupDelta.combined(OperationRollups.deltas(for: batch) + tracker.observe(batch)).count }
let rollupSeconds = Date().timeIntervalSince(rollupStart)

/// Writes every batch with `writers` concurrent writers; returns spans per second and disk bytes.
func run(_ name: String, batches shared: [SpanBatch], spans: Int, root: String, writers: Int,
         finish: @escaping @Sendable (SpanStore) async throws -> Void = { _ in },
         write: @escaping @Sendable (SpanStore, SpanBatch) async throws -> Void) async throws -> (Double, Int) {
    let directory = root + "/" + name
    try? FileManager.default.removeItem(atPath: directory)
    let store = try SpanStore(configuration: StorageConfiguration(dataDirectory: directory))
    let start = Date()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for writer in 0..<writers {
            group.addTask {
                for index in stride(from: writer, to: shared.count, by: writers) { try await write(store, shared[index]) }
            }
        }
        try await group.waitForAll()
    }
    try await finish(store)
    let seconds = Date().timeIntervalSince(start)
    try store.flush()
    let disk = store.diskUsageBytes()
    store.close()
    try? FileManager.default.removeItem(atPath: directory)
    return (Double(spans) / seconds, disk)
}

let (rawRate, rawDisk) = try await run("raw", batches: batches, spans: spans, root: root, writers: writers) {
    try await $0.writeSpanRecordsOnly($1)
}
final class Stages: Sendable { let map = Mutex<[ObjectIdentifier: RollupStage]>([:]) }

// consume with and without the rollup stage, alternating for `--rounds` rounds so drift in the
// machine's load hits both alike; the medians are reported.
var fullRates: [Double] = [], rollupRates: [Double] = []
var fullDisk = 0, rollupDisk = 0
for _ in 0..<argument("--rounds", 3) {
    let full = try await run("full", batches: batches, spans: spans, root: root, writers: writers) { try await $0.consume($1) }
    // One stage per store, flushed (its one write of the gathered rollups) inside the timing.
    let stages = Stages()
    @Sendable func stage(_ store: SpanStore) -> RollupStage {
        stages.map.withLock { map in
            if let stage = map[ObjectIdentifier(store)] { return stage }
            let stage = RollupStage(next: store, dependencies: tracker)
            map[ObjectIdentifier(store)] = stage
            return stage
        }
    }
    let rolled = try await run("rollups", batches: batches, spans: spans, root: root, writers: writers,
                               finish: { try await stage($0).flush(drain: true) }) { try await stage($0).consume($1) }
    fullRates.append(full.0)
    rollupRates.append(rolled.0)
    (fullDisk, rollupDisk) = (full.1, rolled.1)
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let fullRate = median(fullRates), rollupRate = median(rollupRates)
print("spans: \(spans) in \(batches.count) batches of ~\(batchSize), \(writers) concurrent writers, WAL on, no fsync")
print(String(format: "decode+validate (byte reader): %.2f µs/span (%.0f spans/s on one core)", decodeSeconds * 1e6 / Double(spans), Double(spans) / decodeSeconds))
print(String(format: "raw span puts:          %9.0f spans/s   disk %.1f bytes/span", rawRate, Double(rawDisk) / Double(spans)))
print(String(format: "consume (all indexes):  %9.0f spans/s   disk %.1f bytes/span (%.0f%% of %.0f OTLP bytes/span received)",
             fullRate, Double(fullDisk) / Double(spans), 100 * Double(fullDisk) / Double(receivedBytes), Double(receivedBytes) / Double(spans)))
print(String(format: "puts per span: span records %.2f, index postings + summaries %.2f; consume / raw = %.2fx slower",
             Double(spanRecordWrites) / Double(spans), Double(indexWrites) / Double(spans), rawRate / fullRate))
print(String(format: "consume + rollups:      %9.0f spans/s   disk %.1f bytes/span; %.1f%% of consume's rate (medians of %d alternating rounds)",
             rollupRate, Double(rollupDisk) / Double(spans), 100 * rollupRate / fullRate, fullRates.count))
print(String(format: "rollup stage CPU: %.2f µs/span, %.2f rollup deltas per span into the in-memory table", rollupSeconds * 1e6 / Double(spans), Double(deltaCount) / Double(spans)))
