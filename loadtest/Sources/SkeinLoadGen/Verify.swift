import AsyncHTTPClient
import SkeinCore
import Synchronization

/// Acknowledged trace IDs with the span count each should have, kept for `--verify`.
/// Bounded: past `capacity` it keeps a uniform sample of everything acknowledged
/// (reservoir sampling, Vitter's algorithm R), so memory stays flat in long runs.
final class AcknowledgedTraces: Sendable {
    struct Entry: Sendable, Equatable {
        var traceID: TraceID
        var spans: Int
    }

    let capacity: Int
    private let state: Mutex<(entries: [Entry], seen: Int, random: LoadRandom)>

    init(capacity: Int, seed: UInt64) {
        self.capacity = capacity
        state = Mutex(([], 0, LoadRandom(seed: seed, stream: 0xAC7)))
    }

    func record(_ traceIDs: [TraceID], spanCounts: [Int]) {
        state.withLock { state in
            for (traceID, spans) in zip(traceIDs, spanCounts) {
                state.seen += 1
                if state.entries.count < capacity {
                    state.entries.append(Entry(traceID: traceID, spans: spans))
                } else {
                    let slot = Int(state.random.next() % UInt64(state.seen))
                    if slot < capacity { state.entries[slot] = Entry(traceID: traceID, spans: spans) }
                }
            }
        }
    }

    /// The kept entries and how many traces were acknowledged in all.
    var contents: (entries: [Entry], seen: Int) { state.withLock { ($0.entries, $0.seen) } }
}

/// What reading back found, counted by kind (as Tempo's vulture does).
package struct VerifyResult: Sendable, Equatable {
    /// Traces acknowledged during the run, and how many of them were checked.
    package var acknowledged = 0
    package var checked = 0
    /// 404: the trace is not there at all.
    package var missing = 0
    /// Found with fewer spans than were acknowledged for it.
    package var partial = 0
    /// Could not be read (a status other than 200/404, or no answer), by code.
    package var errors: [String: Int] = [:]
    /// Not reached before the time limit.
    package var unchecked = 0
    /// A few examples of each problem, for the report.
    package var missingExamples: [String] = []
    package var partialExamples: [String] = []

    package var errorCount: Int { errors.values.reduce(0, +) }
    package var passed: Bool { missing == 0 && partial == 0 && errorCount == 0 && unchecked == 0 }

    mutating func merge(_ other: VerifyResult) {
        checked += other.checked
        missing += other.missing
        partial += other.partial
        errors.merge(other.errors, uniquingKeysWith: +)
        missingExamples = Array((missingExamples + other.missingExamples).prefix(5))
        partialExamples = Array((partialExamples + other.partialExamples).prefix(5))
    }

    var text: String {
        var text = "checked \(checked) of \(acknowledged) acknowledged traces: \(missing) missing, \(partial) partial, "
            + "\(errorCount) unreadable"
        if unchecked > 0 { text += ", \(unchecked) not checked (time limit)" }
        if !errors.isEmpty { text += " [" + Report.codes(errors) + "]" }
        if !missingExamples.isEmpty { text += "; missing e.g. " + missingExamples.joined(separator: " ") }
        if !partialExamples.isEmpty { text += "; partial e.g. " + partialExamples.joined(separator: " ") }
        return text
    }

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.key("acknowledged"); json.value(acknowledged)
            json.key("checked"); json.value(checked)
            json.key("missing"); json.value(missing)
            json.key("partial"); json.value(partial)
            json.key("unreadable"); Report.codes(errors, to: &json)
            json.key("unchecked"); json.value(unchecked)
            json.key("missingExamples"); json.array { json in for id in missingExamples { json.value(id) } }
            json.key("partialExamples"); json.array { json in for id in partialExamples { json.value(id) } }
            json.key("passed"); json.value(passed)
        }
    }
}

/// Reads traces back through `GET {query}/api/traces/{traceID}?raw=true` (raw: no
/// deduplication or clock-skew adjustment, so the span count is what was stored).
enum Verifier {
    static func run(_ entries: [AcknowledgedTraces.Entry], acknowledged: Int, client: HTTPClient, queryBase: String,
                    concurrency: Int, timeoutSeconds: Int64, deadline: ContinuousClock.Instant) async -> VerifyResult {
        let next = SharedCounter()
        var result = VerifyResult()
        result.acknowledged = acknowledged
        await withTaskGroup(of: VerifyResult.self) { group in
            for _ in 0..<max(1, min(concurrency, entries.count)) {
                group.addTask {
                    var partial = VerifyResult()
                    while ContinuousClock.now < deadline {
                        let index = next.take()
                        guard index < entries.count else { break }
                        await check(entries[index], client: client, queryBase: queryBase, timeoutSeconds: timeoutSeconds,
                                    into: &partial)
                    }
                    return partial
                }
            }
            for await partial in group { result.merge(partial) }
        }
        result.unchecked = entries.count - result.checked
        return result
    }

    static func check(_ entry: AcknowledgedTraces.Entry, client: HTTPClient, queryBase: String, timeoutSeconds: Int64,
                      into result: inout VerifyResult) async {
        let id = entry.traceID.hex
        result.checked += 1
        do {
            let response = try await client.execute(HTTPClientRequest(url: "\(queryBase)/api/traces/\(id)?raw=true"),
                                                    timeout: .seconds(timeoutSeconds))
            let body = try await response.body.collect(upTo: 256 << 20)
            switch response.status.code {
            case 200:
                let found = spanCount(in: Array(body.readableBytesView))
                if found < entry.spans {
                    result.partial += 1
                    if result.partialExamples.count < 5 { result.partialExamples.append("\(id)(\(found)/\(entry.spans))") }
                }
            case 404:
                result.missing += 1
                if result.missingExamples.count < 5 { result.missingExamples.append(id) }
            default:
                result.errors["HTTP \(response.status.code)", default: 0] += 1
            }
        } catch {
            result.errors["connection error", default: 0] += 1
        }
    }

    /// Spans in a Jaeger `{"data": [{"spans": […]}]}` answer; 0 when it has another shape.
    static func spanCount(in body: [UInt8]) -> Int {
        guard let json = try? JSONValue(parsing: body), case .array(let traces)? = json["data"] else { return 0 }
        return traces.reduce(0) { total, trace in
            if case .array(let spans)? = trace["spans"] { return total + spans.count }
            return total
        }
    }
}

/// A counter child tasks share to take the next item of a list.
final class SharedCounter: Sendable {
    private let value = Atomic<Int>(0)

    /// The current value, then one more for the next caller.
    func take() -> Int { value.add(1, ordering: .relaxed).oldValue }
}
