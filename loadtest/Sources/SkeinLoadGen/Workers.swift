import Foundation
import SkeinOTLP

/// The sending side of a run: `workers` tasks, each taking the next request, waiting for its
/// pacing slot, rewriting a pooled body and sending it until it is acknowledged, refused for
/// good, or out of retries. Every loop ends: new requests stop at `sendDeadline` (or when the
/// `--traces` budget is spent), retries stop at `maxRetries` or `retryDeadline`, and each
/// attempt is bounded by the sender's timeout.
struct Workers: Sendable {
    let pool: RequestPool
    let source: RequestSource
    let pacer: Pacer?
    let sender: any ExportSender
    let stats: RunStats
    let acknowledged: AcknowledgedTraces?
    let backoff: Backoff
    let maxRetries: Int
    /// Gzip bodies here (OTLP/HTTP, and the null sink standing in for it); gRPC compresses in its transport.
    let compressBodies: Bool
    let seed: UInt64
    let sendDeadline: ContinuousClock.Instant
    let retryDeadline: ContinuousClock.Instant

    func run(count: Int) async {
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<count { group.addTask { await self.work(worker) } }
        }
    }

    func work(_ worker: Int) async {
        var jitter = LoadRandom(seed: seed, stream: 0xB0FF_0000_0000 + UInt64(worker))
        while !Task.isCancelled, ContinuousClock.now < sendDeadline, let work = source.take() {
            let template = pool.template(work.template, traces: work.traces)
            if let pacer {
                let slot = pacer.slot(for: template.spanCount)
                if slot >= sendDeadline { break }
                if slot > .now { try? await Task.sleep(until: slot, clock: .continuous) }
            }
            var random = LoadRandom(seed: seed, stream: UInt64(work.index))
            let shift = Int64(bitPattern: Self.wallClockNanos() &- pool.baseNanos)
            let request = template.instantiate(random: &random, shiftNanos: shift)
            let body = compressBodies ? Gzip.compress(request.body) : request.body
            stats.update { counters in
                counters.requestsSent += 1
                counters.tracesSent += request.traceIDs.count
                counters.spansSent += template.spanCount
                counters.bytesSent += body.count
            }
            await deliver(body, request: request, spans: template.spanCount, jitter: &jitter)
            // A sender that answers at once (the null sink) never suspends; let the progress
            // reporter and the other workers have the threads.
            await Task.yield()
        }
    }

    /// Sends one request until it is settled, retrying what the protocol says is retryable.
    func deliver(_ body: [UInt8], request: RequestTemplate.Instance, spans: Int, jitter: inout LoadRandom) async {
        var attempt = 0
        while true {
            let began = ContinuousClock.now
            let outcome = await sender.send(body)
            let latency = began.duration(to: .now)
            switch outcome {
            case .accepted(let rejected):
                let rejected = min(max(rejected, 0), spans)
                stats.update { counters in
                    counters.attempts += 1
                    counters.latency.record(latency)
                    counters.requestsAcknowledged += 1
                    counters.spansAcknowledged += spans - rejected
                    counters.spansRejected += rejected
                    // With rejections we cannot tell which traces are whole; count and verify only clean ones.
                    if rejected == 0 { counters.tracesAcknowledged += request.traceIDs.count }
                }
                if rejected == 0 { acknowledged?.record(request.traceIDs, spanCounts: request.spanCounts) }
                return
            case .retryable(let code, let retryAfter):
                attempt += 1
                let delay = backoff.delay(attempt: attempt, serverDelay: retryAfter, random: &jitter)
                let giveUp = attempt > maxRetries || ContinuousClock.now + delay > retryDeadline || Task.isCancelled
                stats.update { counters in
                    counters.attempts += 1
                    counters.latency.record(latency)
                    counters.refusals[code, default: 0] += 1
                    if giveUp {
                        counters.requestsFailed += 1
                        counters.spansFailed += spans
                        counters.failures["\(code) (retries exhausted)", default: 0] += 1
                    } else {
                        counters.retries += 1
                    }
                }
                if giveUp { return }
                try? await Task.sleep(for: delay)
            case .permanent(let code):
                stats.update { counters in
                    counters.attempts += 1
                    counters.latency.record(latency)
                    counters.requestsFailed += 1
                    counters.spansFailed += spans
                    counters.failures[code, default: 0] += 1
                }
                return
            }
        }
    }

    /// Unix time in nanoseconds (to 0.25 µs, a Double's resolution at this magnitude).
    static func wallClockNanos() -> UInt64 { UInt64(Date().timeIntervalSince1970 * 1e9) }
}
