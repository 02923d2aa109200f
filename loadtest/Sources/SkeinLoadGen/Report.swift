import Foundation
import SkeinCore

/// Everything a run reports at the end, rendered as text or as one JSON object.
package struct RunSummary: Sendable {
    package var scenario: String
    package var wireProtocol: String
    package var gzip: Bool
    package var sink: String
    package var target: String
    package var seed: UInt64
    package var workers: Int
    package var batch: Int
    package var rate: Double
    /// Seconds from the first send to the last answer.
    package var sendingSeconds: Double
    package var counters: RunCounters
    package var verify: VerifyResult?

    package var acknowledgedSpansPerSecond: Double {
        sendingSeconds > 0 ? Double(counters.spansAcknowledged) / sendingSeconds : 0
    }

    /// 0 when every span sent was acknowledged and verification (if any) found nothing wrong;
    /// 1 otherwise.
    package var exitCode: Int32 {
        let lost = counters.spansFailed > 0 || counters.spansRejected > 0 || counters.spansSent == 0
        return lost || !(verify?.passed ?? true) ? 1 : 0
    }

    package var text: String {
        let c = counters
        var lines = [
            "skein-loadgen: \(scenario) over \(wireProtocol)\(gzip ? "+gzip" : "") to \(sink == "null" ? "the null sink" : target), "
                + "\(workers) workers, \(batch) spans/request, \(rate > 0 ? "\(Report.number(rate)) spans/s" : "as fast as possible"), seed \(seed)",
            "time        \(Report.fixed(sendingSeconds, 1)) s",
            "traces      sent \(c.tracesSent), acknowledged \(c.tracesAcknowledged)",
            "requests    sent \(c.requestsSent), acknowledged \(c.requestsAcknowledged), failed \(c.requestsFailed), "
                + "retries \(c.retries), avg \(c.requestsSent > 0 ? c.spansSent / c.requestsSent : 0) spans, "
                + "\(c.requestsSent > 0 ? c.bytesSent / c.requestsSent / 1024 : 0) KiB",
            "spans       sent \(c.spansSent), acknowledged \(c.spansAcknowledged), rejected \(c.spansRejected), failed \(c.spansFailed)",
            "throughput  \(Report.number(acknowledgedSpansPerSecond)) acknowledged spans/s, "
                + "\(Report.fixed(Double(c.requestsAcknowledged) / max(sendingSeconds, 1e-9), 1)) requests/s",
            "latency     p50 \(Report.millis(c.latency.percentile(0.5))) ms, p90 \(Report.millis(c.latency.percentile(0.9))) ms, "
                + "p99 \(Report.millis(c.latency.percentile(0.99))) ms, max \(Report.millis(c.latency.maximumNanos)) ms (\(c.latency.count) attempts)",
        ]
        if !c.refusals.isEmpty { lines.append("refusals    " + Report.codes(c.refusals)) }
        if !c.failures.isEmpty { lines.append("failures    " + Report.codes(c.failures)) }
        if let verify { lines.append("verify      " + verify.text) }
        return lines.joined(separator: "\n")
    }

    package var json: String {
        let c = counters
        var json = JSONWriter(capacity: 2048)
        json.object { json in
            json.key("scenario"); json.value(scenario)
            json.key("protocol"); json.value(wireProtocol)
            json.key("gzip"); json.value(gzip)
            json.key("sink"); json.value(sink)
            json.key("endpoint"); json.value(target)
            json.key("seed"); json.value(seed)
            json.key("workers"); json.value(workers)
            json.key("batch"); json.value(batch)
            json.key("rate"); json.value(rate)
            json.key("seconds"); json.value(Report.rounded(sendingSeconds, 3))
            json.key("traces")
            json.object { json in
                json.key("sent"); json.value(c.tracesSent)
                json.key("acknowledged"); json.value(c.tracesAcknowledged)
            }
            json.key("requests")
            json.object { json in
                json.key("sent"); json.value(c.requestsSent)
                json.key("acknowledged"); json.value(c.requestsAcknowledged)
                json.key("failed"); json.value(c.requestsFailed)
                json.key("attempts"); json.value(c.attempts)
                json.key("retries"); json.value(c.retries)
                json.key("bytes"); json.value(c.bytesSent)
            }
            json.key("spans")
            json.object { json in
                json.key("sent"); json.value(c.spansSent)
                json.key("acknowledged"); json.value(c.spansAcknowledged)
                json.key("rejected"); json.value(c.spansRejected)
                json.key("failed"); json.value(c.spansFailed)
            }
            json.key("acknowledgedSpansPerSecond"); json.value(Report.rounded(acknowledgedSpansPerSecond, 1))
            json.key("latencyMs")
            json.object { json in
                json.key("p50"); json.value(Report.rounded(Double(c.latency.percentile(0.5)) / 1e6, 3))
                json.key("p90"); json.value(Report.rounded(Double(c.latency.percentile(0.9)) / 1e6, 3))
                json.key("p99"); json.value(Report.rounded(Double(c.latency.percentile(0.99)) / 1e6, 3))
                json.key("max"); json.value(Report.rounded(Double(c.latency.maximumNanos) / 1e6, 3))
                json.key("count"); json.value(UInt64(c.latency.count))
            }
            json.key("refusals"); Report.codes(c.refusals, to: &json)
            json.key("failures"); Report.codes(c.failures, to: &json)
            if let verify {
                json.key("verify")
                verify.write(to: &json)
            }
            json.key("exitCode"); json.value(Int(exitCode))
        }
        return json.string
    }
}

/// Progress lines and number formatting.
package enum Report {
    /// One line a second on stderr: totals so far and the acknowledged rate over the last second.
    package static func progressLine(elapsed: Double, now: RunCounters, before: RunCounters, interval: Double) -> String {
        let rate = interval > 0 ? Double(now.spansAcknowledged - before.spansAcknowledged) / interval : 0
        return "[\(fixed(elapsed, 0).leftPadded(4))s] sent \(now.spansSent) spans, acknowledged \(now.spansAcknowledged), "
            + "refused \(now.refusalCount), retries \(now.retries), failed \(now.spansFailed), \(number(rate)) spans/s"
    }

    static func codes(_ codes: [String: Int]) -> String {
        codes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            .joined(separator: ", ")
    }

    static func codes(_ codes: [String: Int], to json: inout JSONWriter) {
        json.object { json in
            for (code, count) in codes.sorted(by: { $0.key < $1.key }) { json.key(code); json.value(count) }
        }
    }

    static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
    static func rounded(_ value: Double, _ digits: Int) -> Double {
        let scale = Foundation.pow(10, Double(digits))
        return (value * scale).rounded() / scale
    }
    static func number(_ value: Double) -> String { String(Int(value.rounded())) }
    static func millis(_ nanos: UInt64) -> String { fixed(Double(nanos) / 1e6, 2) }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
