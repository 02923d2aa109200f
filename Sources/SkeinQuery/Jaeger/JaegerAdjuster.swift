import SkeinCore

/// One post-processing step applied to traces read from the store (as Jaeger's adjusters):
/// small, independent, chained in order by `JaegerAdjuster.standard`. Skipped with `raw=true`.
protocol JaegerAdjuster: Sendable {
    func adjust(_ trace: inout JaegerTrace)
}

extension JaegerTrace {
    mutating func apply(_ adjusters: [any JaegerAdjuster]) {
        for adjuster in adjusters { adjuster.adjust(&self) }
    }
}

enum JaegerAdjusters {
    /// Duplicates out, then a stable order, then clock skew (which needs the parent links).
    static let standard: [any JaegerAdjuster] = [DeduplicateSpans(), SortSpans(), CorrectClockSkew()]
}

/// Removes spans identical to an earlier one, e.g. one span that reached the store through two
/// collectors that labelled its resource differently in no way that matters to its content.
struct DeduplicateSpans: JaegerAdjuster {
    func adjust(_ trace: inout JaegerTrace) {
        var seen = Set<JaegerSpan>()
        trace.spans.removeAll { !seen.insert($0).inserted }
    }
}

/// Orders spans by start time, then span ID, so answers are stable.
struct SortSpans: JaegerAdjuster {
    func adjust(_ trace: inout JaegerTrace) {
        trace.spans.sort { ($0.startTime, $0.spanID) < ($1.startTime, $1.spanID) }
    }
}

/// Shifts spans whose clock disagrees with their parent's host so that they fit inside the
/// parent, and says so in a span warning.
///
/// Clocks only disagree between hosts, so a child is moved only when both it and its parent
/// name a host (resource `host.id`, `host.name`, `host.ip` or `ip`) and the hosts differ. A
/// child on the same (or an unknown) host moves with its parent. A child longer than its parent
/// is aligned to the parent's start; a shorter one that sticks out is centred in the parent.
struct CorrectClockSkew: JaegerAdjuster {
    static let hostKeys = ["host.id", "host.name", "host.ip", "ip"]

    func adjust(_ trace: inout JaegerTrace) {
        let hosts = Dictionary(uniqueKeysWithValues: trace.processes.map { ($0.key, Self.host(of: $0.process)) })
        var indexBySpanID: [SpanID: Int] = [:]
        for (index, span) in trace.spans.enumerated() where indexBySpanID[span.spanID] == nil {
            indexBySpanID[span.spanID] = index
        }
        var children: [Int: [Int]] = [:]
        var roots: [Int] = []
        for (index, span) in trace.spans.enumerated() {
            if let parent = span.parentSpanID, let parentIndex = indexBySpanID[parent], parentIndex != index {
                children[parentIndex, default: []].append(index)
            } else {
                roots.append(index)
            }
        }
        // Iterative walk (traces can be deep); each entry carries the shift its parent received.
        var visited = Set<Int>()
        var stack: [(index: Int, parent: Int?, inheritedShift: Int64)] = roots.reversed().map { ($0, nil, 0) }
        while let (index, parent, inheritedShift) = stack.popLast() {
            guard visited.insert(index).inserted else { continue }
            var shift = inheritedShift
            if let parent {
                let childHost = hosts[trace.spans[index].processID] ?? nil
                let parentHost = hosts[trace.spans[parent].processID] ?? nil
                if let childHost, let parentHost, childHost != parentHost {
                    shift = Self.shiftNeeded(child: trace.spans[index], parent: trace.spans[parent])
                }
            }
            if shift != 0 {
                trace.spans[index].startTime = UInt64(max(0, Int64(trace.spans[index].startTime) + shift))
                for log in trace.spans[index].logs.indices {
                    trace.spans[index].logs[log].timestamp = UInt64(max(0, Int64(trace.spans[index].logs[log].timestamp) + shift))
                }
                trace.spans[index].warnings.append("This span's timestamps were adjusted by \(GoDuration.format(nanos: shift * 1_000))")
            }
            for child in (children[index] ?? []).reversed() { stack.append((child, index, shift)) }
        }
    }

    static func host(of process: JaegerProcess) -> String? {
        for key in hostKeys {
            if let tag = process.tags.first(where: { $0.key == key }) {
                switch tag.value {
                case .string(let text) where !text.isEmpty: return text
                case .int64(let int): return String(int)
                default: continue
                }
            }
        }
        return nil
    }

    /// Microseconds to add to the (unshifted) child so that it fits its (already shifted) parent.
    static func shiftNeeded(child: JaegerSpan, parent: JaegerSpan) -> Int64 {
        let childStart = Int64(child.startTime), childDuration = Int64(child.duration)
        let parentStart = Int64(parent.startTime), parentDuration = Int64(parent.duration)
        if childDuration > parentDuration { return parentStart - childStart }
        if childStart >= parentStart && childStart + childDuration <= parentStart + parentDuration { return 0 }
        return parentStart + (parentDuration - childDuration) / 2 - childStart
    }
}
